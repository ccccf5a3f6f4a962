package dev.cakeday.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cakeday.support.FakeProvider;
import dev.cakeday.support.PgBouncer;
import dev.cakeday.support.ServiceProcess;
import dev.cakeday.support.TcpProxy;
import dev.cakeday.support.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Delivery under faults, with the packaged service run as separate processes on one fresh database:
 * crashes, a stop, the database and the provider going away. Each scenario asserts that every due
 * greeting is delivered and none under two keys, and adds its own measurements to
 * docs/RELIABILITY.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstancesIT {

    static final Duration LATENCY = Duration.ofMillis(200);
    // Fewer than the default 100, so that a burst lasts long enough for faults to land mid-burst.
    static final int THREADS = 16;
    static final Path REPORT = Path.of("docs", "RELIABILITY.md");

    static TestDatabase db;
    static JdbcClient jdbc;
    static FakeProvider provider;
    static final List<ScenarioResult> RESULTS = new ArrayList<>();

    /** One row of the report. */
    record ScenarioResult(
            String scenario,
            int due,
            String faults,
            long delivered,
            long repeatsUnderOneKey,
            long uncertainAttempts,
            long underTwoKeys,
            String callsToDeadProvider,
            Duration longestLateness) {}

    @BeforeAll
    static void database() {
        db = TestDatabase.get();
        ServiceProcess.unpackedWithArchive();
        DriverManagerDataSource dataSource =
                new DriverManagerDataSource(db.url(), db.user(), db.password());
        // As the service sets it (application.yml): V5 builds an index CONCURRENTLY.
        Flyway.configure()
                .dataSource(dataSource)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load()
                .migrate();
        jdbc = JdbcClient.create(dataSource);
        provider = new FakeProvider(Clock.systemUTC());
    }

    @AfterAll
    static void writeReport() throws IOException {
        provider.shutdown();
        if (RESULTS.isEmpty()) {
            return;
        }
        StringBuilder md =
                new StringBuilder(
                        """
                # Reliability

                Written by `InstancesIT` (`./mvnw verify`) from its own measurements; do not edit by hand.
                Last run: %s, on %d cores, Java %s.

                Each scenario runs the packaged service (target/cakeday.jar unpacked with its class-data
                archive by `ops/cds-archive.sh`, as the Docker image runs it, and with the C1 compiler
                only: both shorten the start-up of several instances on 2 cores) as separate OS
                processes on one fresh PostgreSQL database, against a real HTTP provider that answers in
                %d ms unless told otherwise. Unless the scenario says otherwise, the greetings fall due a
                minute before the instances start, so the lateness includes their start-up as well as
                the faults.

                | scenario | greetings due | faults injected | delivered | repeats under one key (of which after an attempt of unknown outcome) | delivered under two keys | calls to the dead provider | longest lateness |
                |---|---:|---|---:|---:|---:|---:|---:|
                """
                                .formatted(
                                        Instant.now().truncatedTo(ChronoUnit.SECONDS),
                                        Runtime.getRuntime().availableProcessors(),
                                        System.getProperty("java.version"),
                                        LATENCY.toMillis()));
        for (ScenarioResult r : RESULTS) {
            md.append(
                    "| %s | %d | %s | %d | %d (%d) | %d | %s | %.1f s |%n"
                            .formatted(
                                    r.scenario(),
                                    r.due(),
                                    r.faults(),
                                    r.delivered(),
                                    r.repeatsUnderOneKey(),
                                    r.uncertainAttempts(),
                                    r.underTwoKeys(),
                                    r.callsToDeadProvider(),
                                    r.longestLateness().toMillis() / 1000.0));
        }
        md.append(
                """

                ## The guarantee, and its one window

                Every greeting has exactly one row and is worked on by one instance at a time. Delivery is
                at-least-once towards the provider, made effectively once by the `Idempotency-Key` (the
                greeting's id) and the `SENT` check: no greeting is ever delivered under two keys. A greeting
                is sent again under the same key when its previous attempt's outcome is unknown: the instance
                died or lost the database after calling the provider and before recording `SENT`, or the
                provider accepted the mail but answered after the client's timeout. A provider that honours
                the key drops such a repeat; one that does not delivers a second mail. Repeats of the first
                kind are counted in `greetings.uncertain_attempts` and `cakeday_greeting_uncertain_attempts_total`.
                """);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, md.toString());
    }

    @BeforeEach
    void cleanSlate() {
        provider.reset();
        provider.answer(call -> FakeProvider.acceptAfter(call, LATENCY));
        jdbc.sql("DELETE FROM scheduled_tasks").update();
        jdbc.sql("DELETE FROM greetings").update();
        jdbc.sql("DELETE FROM users").update();
    }

    /**
     * {@code users} whose birthday greeting fell due a minute ago (send-time is set so), owed since
     * yesterday.
     */
    static Map<String, String> burstOf(int users, String databaseUrl) {
        return burstOf(users, databaseUrl, 1);
    }

    /**
     * As {@link #burstOf(int, String, Instant)}, due {@code minutesAgo} minutes before now (rounded
     * down to the minute).
     */
    static Map<String, String> burstOf(int users, String databaseUrl, int minutesAgo) {
        return burstOf(
                users,
                databaseUrl,
                Instant.now()
                        .minus(Duration.ofMinutes(minutesAgo))
                        .truncatedTo(ChronoUnit.MINUTES));
    }

    /**
     * {@code users} whose birthday greeting falls due at {@code due} (today, UTC; send-time is set
     * so).
     */
    static Map<String, String> burstOf(int users, String databaseUrl, Instant due) {
        Instant now = Instant.now();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (!LocalDate.ofInstant(due, ZoneOffset.UTC).equals(today)) {
            throw new IllegalStateException(
                    "too close to midnight UTC for a same-day burst; run again in a few minutes");
        }
        LocalTime sendTime = LocalTime.ofInstant(due, ZoneOffset.UTC);
        jdbc.sql(
                        """
                WITH new_users AS (
                    INSERT INTO users (first_name, last_name, email, birthday, timezone, created_at, updated_at)
                    SELECT 'Burst', 'User', 'burst' || n || '@example.com', :birthday, 'UTC', :since, :since
                    FROM generate_series(1, :count) AS n
                    RETURNING id)
                INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
                SELECT id, 'BIRTHDAY', :monthDay, 'UTC', :since, :owedFrom FROM new_users""")
                .param("birthday", today.withYear(1990))
                .param("since", now.minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC))
                .param("count", users)
                .param("monthDay", today.getMonthValue() * 100 + today.getDayOfMonth())
                .param("owedFrom", today.minusDays(1))
                .update();
        Map<String, String> config =
                new HashMap<>(
                        Map.of(
                                "spring.datasource.url", databaseUrl,
                                "spring.datasource.username", db.user(),
                                "spring.datasource.password", db.password(),
                                "cakeday.mail.base-url", provider.baseUrl(),
                                "cakeday.mail.read-timeout", "2s",
                                "cakeday.greeting.send-time", sendTime.toString(),
                                "db-scheduler.polling-interval", "500ms"));
        // Short retry delays, so that a scenario with failing calls ends in seconds, not minutes.
        config.put("cakeday.greeting.retry-initial", "2s");
        config.put("cakeday.greeting.retry-max", "10s");
        config.put("db-scheduler.threads", String.valueOf(THREADS));
        return config;
    }

    static long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    static long sent() {
        return count("SELECT count(*) FROM greetings WHERE status = 'SENT'");
    }

    /** Asserts nothing lost and nothing under two keys; records the scenario's row. */
    static void assertAndReport(
            String scenario, int users, String faults, String callsToDeadProvider) {
        List<FakeProvider.Call> delivered = provider.calls(call -> call.status() == 200);
        Map<String, Long> perKey =
                delivered.stream()
                        .collect(
                                Collectors.groupingBy(
                                        FakeProvider.Call::idempotencyKey, Collectors.counting()));
        Map<String, Long> keysPerRecipient =
                delivered.stream()
                        .collect(
                                Collectors.groupingBy(
                                        FakeProvider.Call::email,
                                        Collectors.collectingAndThen(
                                                Collectors.mapping(
                                                        FakeProvider.Call::idempotencyKey,
                                                        Collectors.toSet()),
                                                set -> (long) set.size())));
        long repeats = perKey.values().stream().mapToLong(n -> n - 1).sum();
        long underTwoKeys = keysPerRecipient.values().stream().filter(n -> n > 1).count();
        long uncertain = count("SELECT coalesce(sum(uncertain_attempts), 0) FROM greetings");
        Duration longest =
                jdbc.sql("SELECT max(sent_at - due_at) FROM greetings WHERE status = 'SENT'")
                        .query((rs, row) -> rs.getString(1))
                        .optional()
                        .map(InstancesIT::interval)
                        .orElse(Duration.ZERO);
        RESULTS.add(
                new ScenarioResult(
                        scenario,
                        users,
                        faults,
                        sent(),
                        repeats,
                        uncertain,
                        underTwoKeys,
                        callsToDeadProvider,
                        longest));

        assertThat(sent()).as("every greeting SENT").isEqualTo(users);
        assertThat(perKey).as("every greeting reached the provider").hasSize(users);
        assertThat(
                        jdbc.sql("SELECT id FROM greetings WHERE status = 'SENT'")
                                .query(String.class)
                                .set())
                .as("the log agrees with what the provider saw")
                .isEqualTo(perKey.keySet());
        assertThat(underTwoKeys).as("nobody greeted under two keys").isZero();
        assertThat(count("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'"))
                .isZero();
    }

    static Duration interval(String pgInterval) {
        Timestamp zero = Timestamp.from(Instant.EPOCH);
        return pgInterval == null
                ? Duration.ZERO
                : Duration.ofMillis(
                        jdbc.sql("SELECT (CAST(? AS timestamptz) + CAST(? AS interval))")
                                .params(zero, pgInterval)
                                .query(Timestamp.class)
                                .single()
                                .getTime());
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeAll(Collection<ServiceProcess> instances) {
        instances.forEach(ServiceProcess::close);
    }

    static void startAll(List<ServiceProcess> instances) {
        instances.forEach(instance -> instance.awaitReady(Duration.ofSeconds(150)));
    }

    @Test
    @Order(1)
    void crashOfOneOfThreeInstancesMidBurstWithAFailingAndHangingProvider() {
        int users = 3_000;
        Map<String, String> config = burstOf(users, db.url());
        provider.answer(
                call -> {
                    double roll = ThreadLocalRandom.current().nextDouble();
                    if (roll < 0.20) {
                        return FakeProvider.status(500, "{\"error\":\"internal error\"}");
                    }
                    // Past the client's 2 s read timeout, then delivered all the same.
                    return FakeProvider.acceptAfter(
                            call, roll < 0.25 ? Duration.ofMillis(2_500) : LATENCY);
                });
        List<ServiceProcess> instances =
                new ArrayList<>(
                        List.of(
                                ServiceProcess.start("crash-1", config),
                                ServiceProcess.start("crash-2", config),
                                ServiceProcess.start("crash-3", config)));
        try {
            startAll(instances);
            await(
                    "the burst under way",
                    Duration.ofSeconds(60),
                    () -> provider.calls().size() >= 300);
            await(
                    "the doomed instance holding greetings",
                    Duration.ofSeconds(30),
                    () ->
                            count(
                                            "SELECT count(*) FROM scheduled_tasks WHERE picked AND picked_by LIKE 'crash-1-%'")
                                    > 0);
            List<String> held =
                    jdbc.sql(
                                    "SELECT task_instance FROM scheduled_tasks WHERE picked AND picked_by LIKE 'crash-1-%'")
                            .query(String.class)
                            .list();

            UserChanges changes = changeTwoUsersInFlight(instances.get(1));

            instances.get(0).kill();
            long killedAt = System.nanoTime();
            instances.set(0, ServiceProcess.start("crash-1b", config));

            await(
                    "the dead instance's greetings delivered",
                    Duration.ofSeconds(90),
                    () ->
                            jdbc.sql(
                                                    "SELECT count(*) FROM greetings WHERE status = 'SENT' AND id = ANY(?)")
                                            .param(held.toArray(String[]::new))
                                            .query(Long.class)
                                            .single()
                                    == held.size());
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                    .isLessThan(Duration.ofSeconds(90));
            await("every greeting sent", Duration.ofSeconds(180), () -> sent() == users - 1);
            changes.assertHeld();
            assertAndReport(
                    "3 instances; one killed (SIGKILL) mid-burst and restarted; meanwhile one user "
                            + "deleted and another moved to another zone",
                    users - 1,
                    "20% HTTP 500, 5% hang past the read timeout then deliver",
                    "–");
        } finally {
            closeAll(instances);
        }
    }

    /**
     * A user deleted and another moved to another zone mid-burst. Africa/Abidjan keeps UTC's
     * offset, so the move lands on the same local date after the send time at any hour: that
     * greeting is then owed at once.
     */
    record UserChanges(String deletedKey, String movedKey, String movedEmail, Instant movedAt) {

        void assertHeld() {
            // (A greeting an instance picked in the instant between choosing and deleting would be
            // left to
            // finish; that window is milliseconds wide. An attempt that failed before the deletion
            // is no greeting.)
            assertThat(
                            provider.calls(
                                    call ->
                                            call.idempotencyKey().equals(deletedKey)
                                                    && call.status() == 200))
                    .as("the deleted user gets nothing")
                    .isEmpty();
            assertThat(
                            jdbc.sql(
                                            "SELECT status FROM greetings WHERE id = ? AND status = 'SENT'")
                                    .param(deletedKey)
                                    .query(String.class)
                                    .optional())
                    .as("no delivery recorded for the deleted user")
                    .isEmpty();
            List<FakeProvider.Call> moved =
                    provider.calls(call -> movedEmail.equals(call.email()) && call.status() == 200);
            assertThat(moved).as("the moved user is greeted").isNotEmpty();
            assertThat(moved)
                    .as(
                            "once: repeats, if any, under the one key (a hang past the client's timeout)")
                    .allSatisfy(call -> assertThat(call.idempotencyKey()).isEqualTo(movedKey));
            Instant dueAt =
                    jdbc.sql("SELECT due_at FROM greetings WHERE id = ?")
                            .param(movedKey)
                            .query(Timestamp.class)
                            .single()
                            .toInstant();
            assertThat(dueAt)
                    .as(
                            "due at the new instant: at once, as the zone changed on the day after the send time")
                    .isCloseTo(movedAt, within(5, ChronoUnit.SECONDS));
        }
    }

    /**
     * Through one instance's API: deletes a user and moves another, both with greetings still
     * waiting and never attempted (so none of the crashed instance's).
     */
    static UserChanges changeTwoUsersInFlight(ServiceProcess via) {
        List<Map<String, Object>> waiting =
                jdbc.sql(
                                """
                SELECT u.id::text AS id, u.email, t.task_instance FROM scheduled_tasks t
                JOIN users u ON u.id::text = split_part(t.task_instance, ':', 1)
                WHERE t.task_name = 'greeting' AND NOT t.picked
                  AND NOT EXISTS (SELECT 1 FROM greetings g WHERE g.id = t.task_instance)
                ORDER BY t.execution_time DESC, t.task_instance DESC LIMIT 2""")
                        .query()
                        .listOfRows();
        assertThat(waiting).as("two greetings still waiting mid-burst").hasSize(2);
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> deleted =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    via.baseUrl()
                                                            + "/user/"
                                                            + waiting.get(0).get("id")))
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).isEqualTo(204);
            Instant movedAt = Instant.now();
            String body =
                    ("{\"firstName\":\"Burst\",\"lastName\":\"User\",\"email\":\"%s\",\"birthday\":\"%s\","
                                    + "\"timezone\":\"Africa/Abidjan\"}")
                            .formatted(
                                    waiting.get(1).get("email"),
                                    LocalDate.now(ZoneOffset.UTC).withYear(1990));
            HttpResponse<String> moved =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    via.baseUrl()
                                                            + "/user/"
                                                            + waiting.get(1).get("id")))
                                    .header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
            return new UserChanges(
                    (String) waiting.get(0).get("task_instance"),
                    (String) waiting.get(1).get("task_instance"),
                    (String) waiting.get(1).get("email"),
                    movedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(2)
    void theDatabaseGoesAwayMidBurstAndComesBack() {
        int users = 600;
        TcpProxy link = new TcpProxy(db.host(), db.port());
        Map<String, String> config = burstOf(users, db.urlVia(link));
        List<ServiceProcess> instances =
                List.of(
                        ServiceProcess.start("dbcut-1", config),
                        ServiceProcess.start("dbcut-2", config),
                        ServiceProcess.start("dbcut-3", config));
        try {
            startAll(instances);
            await(
                    "the burst under way",
                    Duration.ofSeconds(60),
                    () -> provider.calls().size() >= 60);

            link.cut();
            sleep(Duration.ofSeconds(15));
            assertThat(instances)
                    .as("the instances outlive the outage")
                    .allMatch(ServiceProcess::isAlive);
            link.restore();

            await("every greeting sent", Duration.ofSeconds(120), () -> sent() == users);
            assertAndReport(
                    "3 instances; the database connection cut for 15 s mid-burst",
                    users,
                    "every database connection dropped, new ones refused",
                    "–");
        } finally {
            link.restore();
            closeAll(instances);
        }
    }

    @Test
    @Order(3)
    void theProviderRefusesConnectionsForTwoMinutesThenRecovers() {
        int users = 600;
        Map<String, String> config = burstOf(users, db.url());
        int providerPort = provider.port();
        provider.shutdown();
        long downSince = System.nanoTime();
        List<ServiceProcess> instances =
                List.of(
                        ServiceProcess.start("outage-1", config),
                        ServiceProcess.start("outage-2", config),
                        ServiceProcess.start("outage-3", config));
        FakeProvider recovered = null;
        try {
            startAll(instances);
            sleep(Duration.ofMinutes(2).minusNanos(System.nanoTime() - downSince));
            double callsWhileDown =
                    instances.stream()
                            .mapToDouble(
                                    i ->
                                            i.metric(
                                                    "cakeday_provider_calls_seconds_count",
                                                    "outcome=\"unavailable\""))
                            .sum();
            double deferred =
                    instances.stream()
                            .mapToDouble(
                                    i ->
                                            i.metric(
                                                    "cakeday_provider_deferred_total",
                                                    "reason=\"circuit_open\""))
                            .sum();

            recovered = new FakeProvider(Clock.systemUTC(), providerPort);
            recovered.answer(call -> FakeProvider.acceptAfter(call, LATENCY));
            long recoveredAt = System.nanoTime();
            Duration outage = Duration.ofNanos(recoveredAt - downSince);
            await("every greeting sent", Duration.ofMinutes(2), () -> sent() == users);
            Duration drained = Duration.ofNanos(System.nanoTime() - recoveredAt);

            assertThat(drained).isLessThan(Duration.ofMinutes(2));
            assertThat(deferred).as("the breaker put greetings back without calling").isPositive();
            // Without the breaker, 600 greetings retried every 2–10 s for 2 minutes would make
            // thousands of
            // calls. With it, each instance calls until its breaker opens (50 calls, the minimum it
            // judges on,
            // plus the THREADS in flight), then once per 30 s.
            assertThat(callsWhileDown)
                    .as("calls to the dead provider, bounded by the circuit breaker")
                    .isLessThanOrEqualTo(instances.size() * (50 + THREADS + 5));
            FakeProvider whileDown = provider;
            provider = recovered;
            recovered = null;
            assertAndReport(
                    "3 instances; the provider refuses connections for 2 min, then recovers",
                    users,
                    "provider down (connection refused) for %.0f s"
                            .formatted(outage.toMillis() / 1000.0),
                    "%.0f (and %.0f put back by the open breaker)"
                            .formatted(callsWhileDown, deferred));
            whileDown.reset();
        } finally {
            if (recovered != null) {
                provider = recovered;
            }
            closeAll(instances);
        }
    }

    @Test
    @Order(4)
    void sigtermToOneOfThreeMidBurstExitsWithinThirtySecondsAndLeavesNoRowPicked() {
        int users = 1_500;
        Map<String, String> config = burstOf(users, db.url());
        provider.answer(call -> FakeProvider.acceptAfter(call, Duration.ofMillis(300)));
        List<ServiceProcess> instances =
                List.of(
                        ServiceProcess.start("graceful-1", config),
                        ServiceProcess.start("graceful-2", config),
                        ServiceProcess.start("graceful-3", config));
        try {
            startAll(instances);
            await(
                    "the burst under way",
                    Duration.ofSeconds(60),
                    () -> provider.calls().size() >= 150);
            await(
                    "the stopping instance holding greetings",
                    Duration.ofSeconds(30),
                    () ->
                            count(
                                            "SELECT count(*) FROM scheduled_tasks WHERE picked AND picked_by LIKE 'graceful-1-%'")
                                    > 0);
            assertThat(sent()).as("stopped mid-burst").isLessThan(users);

            Duration took = instances.get(0).terminate(Duration.ofSeconds(40));

            assertThat(took).as("exited after SIGTERM").isNotNull();
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            assertThat(
                            count(
                                    "SELECT count(*) FROM scheduled_tasks WHERE picked AND picked_by LIKE 'graceful-1-%'"))
                    .as("no row left picked by the stopped instance")
                    .isZero();
            await("every greeting sent", Duration.ofSeconds(120), () -> sent() == users);
            assertAndReport(
                    "3 instances; one stopped (SIGTERM) mid-burst, exited in %.1f s"
                            .formatted(took.toMillis() / 1000.0),
                    users,
                    "graceful stop",
                    "–");
        } finally {
            closeAll(instances);
        }
    }

    @Test
    @Order(5)
    void allThreeStoppedBeforeTheDueTimeAndStartedTwoMinutesAfterItDeliverWithinAMinute() {
        int users = 600;
        // Far enough ahead for three instances to start and plan on this 2-core machine (about 20
        // s).
        Instant due = Instant.now().plus(Duration.ofSeconds(50)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> config = burstOf(users, db.url(), due);
        List<ServiceProcess> first =
                List.of(
                        ServiceProcess.start("before-1", config),
                        ServiceProcess.start("before-2", config),
                        ServiceProcess.start("before-3", config));
        List<ServiceProcess> second = List.of();
        try {
            startAll(first);
            await(
                    "the burst planned",
                    Duration.ofSeconds(30),
                    () ->
                            count(
                                            "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                                    == users);
            for (ServiceProcess instance : first) {
                assertThat(instance.terminate(Duration.ofSeconds(30)))
                        .as(instance.name() + " stopped")
                        .isNotNull();
            }
            assertThat(Instant.now())
                    .as("every instance stopped before the due time")
                    .isBefore(due);

            sleep(Duration.between(Instant.now(), due.plus(Duration.ofMinutes(2))));
            assertThat(sent()).as("nothing sent while every instance was down").isZero();
            long startedAt = System.nanoTime();
            second =
                    List.of(
                            ServiceProcess.start("after-1", config),
                            ServiceProcess.start("after-2", config),
                            ServiceProcess.start("after-3", config));
            await("every greeting sent", Duration.ofSeconds(60), () -> sent() == users);
            Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
            assertThat(took).isLessThan(Duration.ofSeconds(60));
            assertAndReport(
                    "3 instances stopped before the due time and started 2 min after it; all sent %.0f s after the start"
                            .formatted(took.toMillis() / 1000.0),
                    users,
                    "every instance down over the due time",
                    "–");
        } finally {
            closeAll(first);
            closeAll(second);
        }
    }

    /**
     * Two containers sharing a hostname both run Java as PID 1: the same configured name here. When
     * one stops, its hand-off must release only its own rows, never the other's in-flight ones: a
     * third instance would claim those at once and send them a second time.
     */
    @Test
    @Order(6)
    void twoInstancesWithTheSameNamePrefixHandBackOnlyTheirOwnRows() throws IOException {
        int users = 400;
        Map<String, String> config = burstOf(users, db.url());
        config.put("db-scheduler.scheduler-name", "shared-host");
        provider.answer(call -> FakeProvider.acceptAfter(call, Duration.ofMillis(100)));
        // The staying instance sends through a provider that answers after 45 s: its rows are still
        // in
        // flight, picked under its name, when the other one with the same prefix stops.
        FakeProvider slow = new FakeProvider(Clock.systemUTC());
        slow.answer(call -> FakeProvider.acceptAfter(call, Duration.ofSeconds(45)));
        Map<String, String> staying = new HashMap<>(config);
        staying.put("cakeday.mail.base-url", slow.baseUrl());
        staying.put("cakeday.mail.read-timeout", "60s");
        Map<String, String> elsewhere = new HashMap<>(config);
        elsewhere.put("db-scheduler.scheduler-name", "other-host");
        List<ServiceProcess> instances = new ArrayList<>();
        try {
            instances.add(ServiceProcess.start("same-name-staying", staying));
            startAll(instances);
            await(
                    "the staying instance sending",
                    Duration.ofSeconds(30),
                    () -> slow.calls().size() == THREADS);
            instances.add(ServiceProcess.start("same-name-stopping", config));
            instances.add(ServiceProcess.start("other-name", elsewhere));
            startAll(instances);
            await(
                    "the burst under way",
                    Duration.ofSeconds(60),
                    () -> provider.calls().size() >= 50);
            assertThat(pickerName(instances.get(1)))
                    .startsWith("shared-host-")
                    .isNotEqualTo(pickerName(instances.get(0)));

            Duration took = instances.get(1).terminate(Duration.ofSeconds(40));

            assertThat(took).as("exited after SIGTERM").isNotNull();
            await("every greeting sent", Duration.ofSeconds(90), () -> sent() == users);
            Map<String, Long> callsPerKey =
                    Stream.concat(provider.calls().stream(), slow.calls().stream())
                            .collect(
                                    Collectors.groupingBy(
                                            FakeProvider.Call::idempotencyKey,
                                            Collectors.counting()));
            assertThat(callsPerKey).as("every greeting reached a provider").hasSize(users);
            assertThat(callsPerKey.values())
                    .as("no greeting sent twice: the hand-off left the other's rows alone")
                    .containsOnly(1L);
            assertThat(count("SELECT coalesce(sum(uncertain_attempts), 0) FROM greetings"))
                    .isZero();
            String log = Files.readString(instances.get(0).log());
            assertThat(log)
                    .as("started without tokens, it says so once")
                    .containsOnlyOnce("No API token is configured")
                    .doesNotContain("security password");
        } finally {
            closeAll(instances);
            slow.shutdown();
        }
    }

    /**
     * Clocks drift: one instance runs 120 s ahead, another 120 s behind, a third 400 s ahead, past
     * cakeday.clock.max-offset (libfaketime). On the database's time none sends a greeting early by
     * the real clock, none late, and the third claims nothing and reports not ready.
     */
    @Test
    @Order(7)
    void instancesWhoseClocksAreWrongSendNothingEarly() throws IOException {
        // A machine with only a JDK runs the rest; CI installs faketime and must run this.
        assumeTrue(
                ServiceProcess.libfaketime().isPresent() || "true".equals(System.getenv("CI")),
                "libfaketime is not installed (apt-get install faketime)");
        int users = 200;
        Instant due = Instant.now().plusSeconds(75).truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> config = burstOf(users, db.url(), due);
        List<ServiceProcess> instances =
                List.of(
                        ServiceProcess.startWithClockSkew("clock-ahead", config, "+120s"),
                        ServiceProcess.startWithClockSkew("clock-behind", config, "-120s"),
                        ServiceProcess.startWithClockSkew("clock-far-ahead", config, "+400s"));
        try {
            instances.get(0).awaitReady(Duration.ofSeconds(80));
            instances.get(1).awaitReady(Duration.ofSeconds(80));
            instances.get(2).awaitLive(Duration.ofSeconds(80));
            assertThat(Instant.now()).as("every instance up before the due time").isBefore(due);
            double ahead = instances.get(0).metric("cakeday_clock_offset_seconds", "");
            double behind = instances.get(1).metric("cakeday_clock_offset_seconds", "");
            double farAhead = instances.get(2).metric("cakeday_clock_offset_seconds", "");
            assertThat(ahead).as("offset of the clock 120 s ahead").isCloseTo(-120, within(2.0));
            assertThat(behind).as("offset of the clock 120 s behind").isCloseTo(120, within(2.0));
            assertThat(farAhead).as("offset of the clock 400 s ahead").isCloseTo(-400, within(2.0));
            assertThat(instances.get(2).readinessStatus())
                    .as("past max-offset: not ready")
                    .isEqualTo(503);

            await("every greeting sent", Duration.ofSeconds(180), () -> sent() == users);

            List<Instant> arrivals =
                    provider.calls().stream().map(FakeProvider.Call::at).sorted().toList();
            Duration earliest = Duration.between(due, arrivals.get(0));
            assertThat(arrivals.get(0))
                    .as("the earliest delivery, by the real clock")
                    .isAfterOrEqualTo(due);
            assertThat(Duration.between(due, arrivals.get(arrivals.size() - 1)))
                    .as("the latest delivery after the due time")
                    .isLessThan(Duration.ofSeconds(60));
            assertThat(Files.readString(instances.get(2).log()))
                    .as("the instance past max-offset says why and sends nothing")
                    .contains("exceeds cakeday.clock.max-offset")
                    .doesNotContain("outcome=");
            System.out.printf(
                    "Clock skew: offsets %.3f s, %.3f s, %.3f s; earliest delivery %d ms after due%n",
                    ahead, behind, farAhead, earliest.toMillis());
            assertAndReport(
                    ("3 instances with clocks 120 s ahead, 120 s behind and 400 s ahead (offsets"
                                    + " measured %.1f s, %.1f s, %.1f s; the last past max-offset,"
                                    + " not ready); earliest delivery %d ms after the due time by"
                                    + " the real clock")
                            .formatted(ahead, behind, farAhead, earliest.toMillis()),
                    users,
                    "wrong clocks (libfaketime)",
                    "–");
        } finally {
            closeAll(instances);
        }
    }

    /**
     * Ten instances with the shipped pool size on one PostgreSQL that allows 100 connections: all
     * become ready, none logs a connection error, none waited for a connection until it gave up,
     * the database never held more connections than the budget, and a burst drains.
     */
    @Test
    @Order(8)
    void tenInstancesShareADatabaseOfAHundredConnections() throws IOException {
        int instancesCount = 10;
        int users = 2_000;
        long maxConnections = count("SELECT CAST(current_setting('max_connections') AS bigint)");
        assertThat(maxConnections)
                .as("the claim is about PostgreSQL's default max_connections")
                .isEqualTo(100);
        Map<String, String> config = burstOf(users, db.url());
        // The shipped number of sending threads, not the suite's fewer: the pool must carry them.
        config.remove("db-scheduler.threads");
        // The provider here is this test's process answering 2,000 connections opened at once, on
        // the 2 cores that also run ten instances: past a 2 s timeout every instance's first wave
        // went out again at one moment, a retry storm this claim is not about (the retry
        // scenarios are); the shipped timeout.
        config.remove("cakeday.mail.read-timeout");
        provider.answer(call -> FakeProvider.acceptAfter(call, Duration.ofMillis(100)));
        List<ServiceProcess> instances = new ArrayList<>();
        AtomicLong peak = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        List<RuntimeException> sampleFailures = new CopyOnWriteArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            // A sample that throws would end the schedule silently: each is caught and counted.
            sampler.scheduleAtFixedRate(
                    () -> {
                        try {
                            peak.accumulateAndGet(
                                    count(
                                            "SELECT count(*) FROM pg_stat_activity"
                                                    + " WHERE datname = current_database()"),
                                    Math::max);
                            samples.incrementAndGet();
                        } catch (RuntimeException e) {
                            sampleFailures.add(e);
                        }
                    },
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            for (int i = 0; i < instancesCount; i++) {
                instances.add(ServiceProcess.start("ten-" + i, config));
            }
            instances.forEach(instance -> instance.awaitReady(Duration.ofSeconds(300)));
            await("every greeting sent", Duration.ofSeconds(180), () -> sent() == users);

            for (ServiceProcess instance : instances) {
                assertThat(instance.exportedMetric("hikaricp_connections_max", ""))
                        .as(instance.name() + ": the shipped pool")
                        .isEqualTo(8);
                assertThat(instance.exportedMetric("hikaricp_connections_timeout_total", ""))
                        .as(instance.name() + ": requests that gave up waiting for a connection")
                        .isZero();
                assertThat(Files.readString(instance.log()))
                        .as(instance.name() + " logs no connection error")
                        .doesNotContain("too many clients")
                        .doesNotContain("Connection is not available")
                        .doesNotContain("SQLTransientConnectionException");
            }
        } finally {
            sampler.shutdownNow();
            closeAll(instances);
        }
        assertThat(sampleFailures).as("samples of the connections that failed").isEmpty();
        assertThat(samples.get()).as("samples of the connections taken").isPositive();
        assertThat(peak.get())
                .as("connections to the database at the peak, of %d allowed", maxConnections)
                .isLessThanOrEqualTo(instancesCount * 8 + 2);
        assertAndReport(
                "ten instances on one database (max_connections = "
                        + maxConnections
                        + "; at most "
                        + peak.get()
                        + " connections held)",
                users,
                "none; ten instances start at once, provider 100 ms",
                "–");
    }

    /**
     * The first scenario's crash with every instance behind PgBouncer in transaction pooling mode
     * (README, PgBouncer): claims, heartbeats and the takeover of the dead instance's greetings go
     * through server connections that the three instances' pools share.
     */
    @Test
    @Order(9)
    void crashOfOneOfThreeInstancesBehindPgBouncerMidBurst() {
        int users = 1_200;
        provider.answer(call -> FakeProvider.acceptAfter(call, Duration.ofMillis(300)));
        List<ServiceProcess> instances = new ArrayList<>();
        PgBouncer bouncer = PgBouncer.start(db);
        try {
            Map<String, String> config = burstOf(users, bouncer.url());
            config.putAll(bouncer.serviceProperties());
            instances.addAll(
                    List.of(
                            ServiceProcess.start("bouncer-1", config),
                            ServiceProcess.start("bouncer-2", config),
                            ServiceProcess.start("bouncer-3", config)));
            startAll(instances);
            await(
                    "the burst under way",
                    Duration.ofSeconds(60),
                    () -> provider.calls().size() >= 100);
            long clients = bouncer.clients();
            long servers = bouncer.servers();
            await(
                    "the doomed instance holding greetings",
                    Duration.ofSeconds(30),
                    () ->
                            count(
                                            "SELECT count(*) FROM scheduled_tasks WHERE picked AND picked_by LIKE 'bouncer-1-%'")
                                    > 0);

            instances.get(0).kill();
            long killedAt = System.nanoTime();
            // Read after the kill: what the dead instance still held, which only a takeover sends.
            List<String> held =
                    jdbc.sql(
                                    "SELECT task_instance FROM scheduled_tasks WHERE picked AND picked_by LIKE 'bouncer-1-%'")
                            .query(String.class)
                            .list();
            assertThat(held).as("greetings the killed instance had claimed").isNotEmpty();
            await(
                    "the dead instance's greetings delivered by the others",
                    Duration.ofSeconds(90),
                    () ->
                            jdbc.sql(
                                                    "SELECT count(*) FROM greetings WHERE status = 'SENT' AND id = ANY(?)")
                                            .param(held.toArray(String[]::new))
                                            .query(Long.class)
                                            .single()
                                    == held.size());
            Duration revived = Duration.ofNanos(System.nanoTime() - killedAt);
            await("every greeting sent", Duration.ofSeconds(120), () -> sent() == users);

            assertThat(clients)
                    .as("client connections of the three instances' pools through PgBouncer")
                    .isGreaterThan(servers);
            assertThat(servers)
                    .as("server connections, at most PgBouncer's pool")
                    .isLessThanOrEqualTo(PgBouncer.POOL_SIZE);
            assertThat(bouncer.transactions())
                    .as(
                            "transactions PgBouncer carried: db-scheduler completes each greeting in one")
                    .isGreaterThanOrEqualTo(users);
            assertAndReport(
                    ("3 instances behind PgBouncer %s in transaction pooling mode (%d client"
                                    + " connections on %d server connections); one killed (SIGKILL)"
                                    + " mid-burst, its %d claimed greetings delivered by the others"
                                    + " %.0f s after the kill")
                            .formatted(
                                    bouncer.version(),
                                    clients,
                                    servers,
                                    held.size(),
                                    revived.toMillis() / 1000.0),
                    users,
                    "crash, all database traffic through PgBouncer",
                    "–");
        } finally {
            closeAll(instances);
            bouncer.close();
        }
    }

    /** The name the instance logged it picks greetings as. */
    static String pickerName(ServiceProcess instance) throws IOException {
        Matcher m =
                Pattern.compile("picks greetings as '([^']+)'")
                        .matcher(Files.readString(instance.log()));
        assertThat(m.find()).as("the instance names itself in its log").isTrue();
        return m.group(1);
    }
}
