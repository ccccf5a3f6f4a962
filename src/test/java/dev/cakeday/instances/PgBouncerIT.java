package dev.cakeday.instances;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.FakeProvider;
import dev.cakeday.support.PgBouncer;
import dev.cakeday.support.ServiceProcess;
import dev.cakeday.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The packaged service with all its database traffic through PgBouncer in transaction pooling mode,
 * as README's "PgBouncer" describes it: the user API, an import, planning, claiming with SKIP
 * LOCKED, heartbeats and the delivery writes. Flyway alone goes straight to PostgreSQL.
 */
class PgBouncerIT {

    static final int WAITING = 150;
    static final int CREATED = 30;
    static final int IMPORTED = 30;
    static final Duration SLOW = Duration.ofSeconds(5);

    static TestDatabase db;
    static JdbcClient jdbc;
    static FakeProvider provider;
    static PgBouncer bouncer;

    @BeforeAll
    static void pgbouncer() {
        db = TestDatabase.get();
        ServiceProcess.unpackedWithArchive();
        DriverManagerDataSource direct =
                new DriverManagerDataSource(db.url(), db.user(), db.password());
        // As the service sets it (application.yml): V5 builds an index CONCURRENTLY.
        Flyway.configure()
                .dataSource(direct)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load()
                .migrate();
        jdbc = JdbcClient.create(direct);
        jdbc.sql("DELETE FROM scheduled_tasks").update();
        jdbc.sql("DELETE FROM greetings").update();
        jdbc.sql("DELETE FROM users").update();
        provider = new FakeProvider(Clock.systemUTC());
        bouncer = PgBouncer.start(db);
    }

    @AfterAll
    static void stop() {
        if (bouncer != null) {
            bouncer.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    @Test
    void everyGreetingIsDeliveredOnceWithAllTrafficThroughPgBouncerInTransactionMode()
            throws IOException {
        Instant due = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MINUTES);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (!LocalDate.ofInstant(due, ZoneOffset.UTC).equals(today)) {
            throw new IllegalStateException(
                    "too close to midnight UTC for a same-day burst; run again in a few minutes");
        }
        insertWaitingUsers(today);
        provider.answer(
                call ->
                        FakeProvider.acceptAfter(
                                call,
                                call.email().startsWith("slow") ? SLOW : Duration.ofMillis(200)));
        Map<String, String> config = new HashMap<>(bouncer.serviceProperties());
        config.put("cakeday.mail.base-url", provider.baseUrl());
        config.put(
                "cakeday.greeting.send-time", LocalTime.ofInstant(due, ZoneOffset.UTC).toString());
        config.put("db-scheduler.polling-interval", "500ms");
        config.put("db-scheduler.threads", "16");
        // Beats while the slow greetings are with the provider, so that the test sees them.
        config.put("db-scheduler.heartbeat-interval", "1s");

        try (ServiceProcess instance = ServiceProcess.start("pgbouncer-1", config)) {
            instance.awaitReady(Duration.ofSeconds(90));
            Api api = new Api(URI.create(instance.baseUrl()).getPort());

            // Two slow ones first: their heartbeats are watched while the provider holds them.
            List<String> created =
                    new ArrayList<>(
                            List.of(
                                    createUser(api, "slow1", today),
                                    createUser(api, "slow2", today)));
            assertThat(heartbeatsOfSlowGreetingsMove())
                    .as("a picked greeting's heartbeat moves while its provider call lasts")
                    .isTrue();
            IntStream.rangeClosed(3, CREATED)
                    .forEach(n -> created.add(createUser(api, "api" + n, today)));
            Api.Response imported =
                    api.send(
                            "POST",
                            "/user/import",
                            "text/csv",
                            "firstName,lastName,email,birthday,timezone\n"
                                    + IntStream.rangeClosed(1, IMPORTED)
                                            .mapToObj(
                                                    n ->
                                                            "Imported,User,import%d@example.com,%s,UTC\n"
                                                                    .formatted(
                                                                            n,
                                                                            today.withYear(1990)))
                                            .collect(Collectors.joining()));
            assertThat(imported.status()).as(imported.body()).isEqualTo(200);
            assertThat(imported.json().get("imported").asInt()).isEqualTo(IMPORTED);

            int total = WAITING + CREATED + IMPORTED;
            await("every greeting sent", Duration.ofSeconds(60), () -> sent() == total);

            Map<String, Long> callsPerKey =
                    provider.calls().stream()
                            .collect(
                                    Collectors.groupingBy(
                                            FakeProvider.Call::idempotencyKey,
                                            Collectors.counting()));
            assertThat(provider.calls()).as("one call per greeting").hasSize(total);
            assertThat(callsPerKey).as("one Idempotency-Key per greeting").hasSize(total);
            assertThat(callsPerKey.keySet())
                    .as("the log agrees with what the provider saw")
                    .isEqualTo(
                            jdbc.sql("SELECT id FROM greetings WHERE status = 'SENT'")
                                    .query(String.class)
                                    .set());
            assertThat(count("SELECT coalesce(sum(uncertain_attempts), 0) FROM greetings"))
                    .isZero();
            assertThat(count("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'"))
                    .isZero();
            assertThat(instance.metric("cakeday_planner_rows_total", ""))
                    .as("the start-up planning run planned the waiting users' greetings")
                    .isGreaterThanOrEqualTo(WAITING);
            Api.Response history = api.get("/user/" + created.get(5) + "/greetings");
            assertThat(history.status()).isEqualTo(200);
            assertThat(history.json().get("history").get(0).get("status").asString())
                    .isEqualTo("SENT");

            long transactions = bouncer.transactions();
            long clients = bouncer.clients();
            long servers = bouncer.servers();
            System.out.printf(
                    "PgBouncer %s carried %d transactions for %d client connections on %d server"
                            + " connections%n",
                    bouncer.version(), transactions, clients, servers);
            assertThat(transactions)
                    .as(
                            "transactions PgBouncer carried: db-scheduler completes each greeting in one")
                    .isGreaterThanOrEqualTo(total);
            assertThat(servers)
                    .as("server connections, at most its pool")
                    .isLessThanOrEqualTo(PgBouncer.POOL_SIZE);
            assertThat(clients)
                    .as("the instance's whole Hikari pool connected through PgBouncer")
                    .isGreaterThan(servers);
            assertThat(
                            count(
                                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                            + " AND pid <> pg_backend_pid()"))
                    .as("what PostgreSQL sees of the instance: PgBouncer's server connections only")
                    .isLessThanOrEqualTo(PgBouncer.POOL_SIZE);
            assertThat(Files.readString(instance.log()))
                    .as("Flyway went straight to PostgreSQL")
                    .contains("Database: " + db.url())
                    .doesNotContain("prepared statement")
                    .doesNotContain("ERROR");
        }
    }

    /**
     * Users whose birthday greeting fell due at today's send time, owed since yesterday, with no
     * row yet: the start-up planning run plans them.
     */
    static void insertWaitingUsers(LocalDate today) {
        Instant yesterday = Instant.now().minus(Duration.ofDays(1));
        jdbc.sql(
                        """
                WITH new_users AS (
                    INSERT INTO users (first_name, last_name, email, birthday, timezone, created_at, updated_at)
                    SELECT 'Waiting', 'User', 'waiting' || n || '@example.com', :birthday, 'UTC', :since, :since
                    FROM generate_series(1, :count) AS n
                    RETURNING id)
                INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
                SELECT id, 'BIRTHDAY', :monthDay, 'UTC', :since, :owedFrom FROM new_users""")
                .param("birthday", today.withYear(1990))
                .param("since", yesterday.atOffset(ZoneOffset.UTC))
                .param("count", WAITING)
                .param("monthDay", today.getMonthValue() * 100 + today.getDayOfMonth())
                .param("owedFrom", today.minusDays(1))
                .update();
    }

    /** A user whose birthday is today, created after the send time: greeted at once. */
    static String createUser(Api api, String name, LocalDate today) {
        Api.Response response =
                api.postJson(
                        "/user",
                        Api.json(
                                Map.of(
                                        "firstName",
                                        "Pooled",
                                        "lastName",
                                        "User",
                                        "email",
                                        name + "@example.com",
                                        "birthday",
                                        today.withYear(1990).toString(),
                                        "timezone",
                                        "UTC")));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    /** Whether one of the slow greetings is seen picked with two different heartbeats. */
    static boolean heartbeatsOfSlowGreetingsMove() {
        Map<String, Set<Instant>> seen = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            jdbc.sql(
                            """
                    SELECT t.task_instance, t.last_heartbeat FROM scheduled_tasks t
                    JOIN users u ON u.id::text = split_part(t.task_instance, ':', 1)
                    WHERE t.picked AND t.last_heartbeat IS NOT NULL AND u.email LIKE 'slow%'""")
                    .query(
                            (rs, row) ->
                                    seen.computeIfAbsent(
                                                    rs.getString(1),
                                                    id -> ConcurrentHashMap.newKeySet())
                                            .add(rs.getObject(2, Timestamp.class).toInstant()))
                    .list();
            if (seen.values().stream().anyMatch(beats -> beats.size() >= 2)) {
                return true;
            }
            InstancesIT.sleep(Duration.ofMillis(100));
        }
        return false;
    }

    static long sent() {
        return count("SELECT count(*) FROM greetings WHERE status = 'SENT'");
    }

    static long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        InstancesIT.await(what, timeout, condition);
    }
}
