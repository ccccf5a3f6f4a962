package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.FakeProvider;
import dev.cakeday.support.GreetingAssert;
import dev.cakeday.support.IntegrationTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Helpers for tests of planning and delivery: users through the API, rows and log read with SQL.
 */
abstract class GreetingTestSupport extends IntegrationTest {

    static final LocalTime SEND_TIME = LocalTime.of(9, 0);
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(20);

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    Api api;

    @BeforeEach
    void cleanSlate() {
        api = new Api(port);
        PROVIDER.reset();
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        jdbc.sql("DELETE FROM greetings").update();
        jdbc.sql("DELETE FROM greeting_retries").update();
        jdbc.sql("DELETE FROM users").update();
    }

    static Map<String, Object> user(String zone, LocalDate birthday) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("firstName", "Ada");
        user.put("lastName", "Lovelace");
        user.put("email", "g" + UUID.randomUUID().toString().substring(0, 12) + "@example.com");
        user.put("birthday", birthday.toString());
        user.put("timezone", zone);
        return user;
    }

    /**
     * Users straight into the tables, as an import would leave them, owed since {@code owedSince}.
     */
    void insertUsers(int count, String zone, LocalDate birthday, Instant owedSince) {
        jdbc.sql(
                        """
                WITH new_users AS (
                    INSERT INTO users (first_name, last_name, email, birthday, timezone, created_at, updated_at)
                    SELECT 'Bulk', 'User' || n, 'bulk' || n || '-' || :tag || '@example.com', :birthday, :zone, :at, :at
                    FROM generate_series(1, :count) AS n
                    RETURNING id)
                INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
                SELECT id, 'BIRTHDAY', :monthDay, :zone, :at, :owedFrom FROM new_users""")
                .param("tag", UUID.randomUUID().toString().substring(0, 8))
                .param("birthday", birthday)
                .param("zone", zone)
                .param("at", owedSince.atOffset(ZoneOffset.UTC))
                .param("count", count)
                .param("monthDay", birthday.getMonthValue() * 100 + birthday.getDayOfMonth())
                .param("owedFrom", LocalDate.ofInstant(owedSince, ZoneId.of(zone)))
                .update();
    }

    JsonNode create(Map<String, Object> user) {
        Api.Response response = api.postJson("/user", Api.json(user));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    UUID createUser(String zone, LocalDate birthday) {
        return UUID.fromString(create(user(zone, birthday)).get("id").asString());
    }

    /** The user's local date {@code days} from the test clock's now. */
    static LocalDate localDate(String zone, int days) {
        return LocalDate.ofInstant(CLOCK.instant(), ZoneId.of(zone)).plusDays(days);
    }

    static Instant sendInstant(LocalDate date, String zone) {
        return ZonedDateTime.of(date, SEND_TIME, ZoneId.of(zone)).toInstant();
    }

    static String greetingId(UUID userId, String occasion, LocalDate date) {
        return userId + ":" + occasion + ":" + date;
    }

    Optional<Instant> executionTime(String greetingId) {
        return jdbc.sql(
                        "SELECT execution_time FROM scheduled_tasks WHERE task_name = 'greeting' AND task_instance = ?")
                .param(greetingId)
                .query(Timestamp.class)
                .optional()
                .map(Timestamp::toInstant);
    }

    long greetingRows(UUID userId) {
        return jdbc.sql(
                        "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting' AND task_instance LIKE ?")
                .param(userId + ":%")
                .query(Long.class)
                .single();
    }

    /** The greeting's delivery log entry, asserted in the domain's words. */
    GreetingAssert assertThatGreeting(String greetingId) {
        return GreetingAssert.assertThatGreeting(jdbc, greetingId);
    }

    Optional<String> logStatus(String greetingId) {
        return jdbc.sql("SELECT status FROM greetings WHERE id = ?")
                .param(greetingId)
                .query(String.class)
                .optional();
    }

    /**
     * Waits until the greeting's last attempt failed and its row is rescheduled for the next one
     * (the log records the retry before db-scheduler moves the row); returns that instant.
     */
    Instant awaitRetryScheduled(String greetingId) {
        await(
                "the retry of " + greetingId + " scheduled",
                DELIVERY_TIMEOUT,
                () ->
                        nextAttemptAt(greetingId)
                                .filter(
                                        next ->
                                                executionTime(greetingId)
                                                        .filter(next::equals)
                                                        .isPresent())
                                .isPresent());
        return nextAttemptAt(greetingId).orElseThrow();
    }

    Optional<Instant> nextAttemptAt(String greetingId) {
        return jdbc.sql(
                        "SELECT next_attempt_at FROM greetings WHERE id = ? AND next_attempt_at IS NOT NULL")
                .param(greetingId)
                .query(Timestamp.class)
                .optional()
                .map(Timestamp::toInstant);
    }

    void awaitStatus(String greetingId, String expected) {
        await(
                greetingId + " " + expected,
                DELIVERY_TIMEOUT,
                () ->
                        logStatus(greetingId).filter(expected::equals).isPresent()
                                && executionTime(greetingId).isEmpty());
    }

    List<FakeProvider.Call> callsFor(UUID userId) {
        return PROVIDER.calls(
                call ->
                        call.idempotencyKey() != null
                                && call.idempotencyKey().startsWith(userId + ":"));
    }

    /** Lets the scheduler poll a few times in real time, to show that nothing happens. */
    static void letSchedulerRun() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
