package dev.cakeday.instances;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.FakeProvider;
import dev.cakeday.support.ServiceProcess;
import dev.cakeday.support.TcpProxy;
import dev.cakeday.support.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Instances as real processes on one database: a crashed instance's greetings are taken over, a
 * stopped one hands back what it holds; nothing is lost and nothing is sent under two keys.
 */
class InstancesIT {

    static final Duration LATENCY = Duration.ofMillis(300);
    static TestDatabase db;
    static JdbcClient jdbc;
    static FakeProvider provider;

    @BeforeAll
    static void database() {
        db = TestDatabase.get();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = JdbcClient.create(dataSource);
        provider = new FakeProvider(Clock.systemUTC());
    }

    @AfterAll
    static void stopProvider() {
        provider.shutdown();
    }

    @BeforeEach
    void cleanSlate() {
        provider.reset();
        provider.answer(call -> FakeProvider.acceptAfter(call, LATENCY));
        jdbc.sql("DELETE FROM scheduled_tasks").update();
        jdbc.sql("DELETE FROM greetings").update();
        jdbc.sql("DELETE FROM users").update();
    }

    /** Users whose birthday greeting fell due a minute ago (send-time is set so), owed since yesterday. */
    static Map<String, String> burstOf(int users) {
        return burstOf(users, db.url());
    }

    static Map<String, String> burstOf(int users, String databaseUrl) {
        Instant now = Instant.now();
        LocalTime sendTime = LocalTime.ofInstant(now, ZoneOffset.UTC).minusMinutes(1).truncatedTo(ChronoUnit.MINUTES);
        if (sendTime.isAfter(LocalTime.ofInstant(now, ZoneOffset.UTC))) {
            throw new IllegalStateException("too close to midnight UTC for a same-day burst; run again in two minutes");
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        jdbc.sql("""
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
        return Map.of(
                "spring.datasource.url", databaseUrl,
                "spring.datasource.username", db.user(),
                "spring.datasource.password", db.password(),
                "cakeday.mail.base-url", provider.baseUrl(),
                "cakeday.greeting.send-time", sendTime.toString(),
                "db-scheduler.polling-interval", "500ms");
    }

    long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    long sent() {
        return count("SELECT count(*) FROM greetings WHERE status = 'SENT'");
    }

    /** Deliveries (200 answers) per Idempotency-Key, and the keys each recipient got. */
    void assertNothingLostNothingDoubled(int users) {
        List<FakeProvider.Call> delivered = provider.calls(call -> call.status() == 200);
        Map<String, Long> perKey = delivered.stream()
                .collect(Collectors.groupingBy(FakeProvider.Call::idempotencyKey, Collectors.counting()));
        Map<String, Long> keysPerRecipient = delivered.stream()
                .collect(Collectors.groupingBy(FakeProvider.Call::email,
                        Collectors.collectingAndThen(Collectors.mapping(FakeProvider.Call::idempotencyKey,
                                Collectors.toSet()), set -> (long) set.size())));
        long repeatedUnderOneKey = perKey.values().stream().mapToLong(n -> n - 1).sum();
        long uncertain = count("SELECT coalesce(sum(uncertain_attempts), 0) FROM greetings");

        assertThat(sent()).as("every greeting SENT").isEqualTo(users);
        assertThat(perKey).as("every greeting reached the provider").hasSize(users);
        assertThat(keysPerRecipient.values()).as("nobody greeted under two keys").allMatch(n -> n == 1);
        assertThat(repeatedUnderOneKey).as("repeats under one key happen only after an attempt of unknown outcome")
                .isLessThanOrEqualTo(uncertain);
        assertThat(count("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")).isZero();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static void closeAll(Collection<ServiceProcess> instances) {
        instances.forEach(ServiceProcess::close);
    }

    @Test
    void sigtermMidBurstExitsWithinThirtySecondsAndLeavesNoRowPicked() {
        int users = 400;
        Map<String, String> config = burstOf(users);
        ServiceProcess first = ServiceProcess.start("graceful-1", config);
        ServiceProcess second = null;
        try {
            first.awaitReady(Duration.ofSeconds(90));
            await("the burst under way", Duration.ofSeconds(60), () -> provider.calls().size() >= 40);

            Duration took = first.terminate(Duration.ofSeconds(40));

            assertThat(took).as("exited after SIGTERM").isNotNull();
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            assertThat(count("SELECT count(*) FROM scheduled_tasks WHERE picked")).as("no row left picked").isZero();
            assertThat(sent()).as("stopped mid-burst").isLessThan(users);

            second = ServiceProcess.start("graceful-2", config);
            second.awaitReady(Duration.ofSeconds(90));
            await("every greeting sent", Duration.ofSeconds(90), () -> sent() == users);
            assertNothingLostNothingDoubled(users);
        } finally {
            closeAll(second == null ? List.of(first) : List.of(first, second));
        }
    }

    @Test
    void greetingsOfAnInstanceKilledMidBurstAreDeliveredByAnotherWithin90Seconds() {
        int users = 600;
        Map<String, String> config = burstOf(users);
        ServiceProcess doomed = ServiceProcess.start("crash-1", config);
        ServiceProcess survivor = ServiceProcess.start("crash-2", config);
        try {
            doomed.awaitReady(Duration.ofSeconds(120));
            survivor.awaitReady(Duration.ofSeconds(120));
            await("the burst under way", Duration.ofSeconds(60), () -> provider.calls().size() >= 60);
            await("the doomed instance holding greetings", Duration.ofSeconds(30), () -> count(
                    "SELECT count(*) FROM scheduled_tasks WHERE picked AND picked_by = 'crash-1'") > 0);

            doomed.kill();
            long killedAt = System.nanoTime();
            assertThat(doomed.isAlive()).isFalse();

            await("every greeting sent", Duration.ofSeconds(90), () -> sent() == users);
            Duration recovered = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(recovered).isLessThan(Duration.ofSeconds(90));
            assertNothingLostNothingDoubled(users);
        } finally {
            closeAll(List.of(doomed, survivor));
        }
    }

    @Test
    void instancesRideOutTheDatabaseGoingAwayMidBurst() {
        int users = 600;
        TcpProxy link = new TcpProxy(db.host(), db.port());
        Map<String, String> config = burstOf(users, db.urlVia(link));
        ServiceProcess a = ServiceProcess.start("dbcut-1", config);
        ServiceProcess b = ServiceProcess.start("dbcut-2", config);
        try {
            a.awaitReady(Duration.ofSeconds(120));
            b.awaitReady(Duration.ofSeconds(120));
            await("the burst under way", Duration.ofSeconds(60), () -> provider.calls().size() >= 60);

            link.cut();
            sleepSeconds(15);
            assertThat(a.isAlive() && b.isAlive()).as("both instances outlive the outage").isTrue();
            link.restore();

            await("every greeting sent", Duration.ofSeconds(120), () -> sent() == users);
            assertNothingLostNothingDoubled(users);
        } finally {
            link.restore();
            closeAll(List.of(a, b));
        }
    }

    static void sleepSeconds(int seconds) {
        try {
            Thread.sleep(seconds * 1_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
