package dev.cakeday.greeting;

import static dev.cakeday.support.FakeProvider.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import dev.cakeday.greeting.planning.GreetingPlanner;
import dev.cakeday.support.Api;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Each meter moves when its event happens; delivery log lines carry masked emails only. */
@ExtendWith(OutputCaptureExtension.class)
class GreetingMetricsTest extends GreetingTestSupport {

    @Autowired MeterRegistry meters;

    @Autowired Scheduler scheduler;

    @Autowired GreetingPlanner planner;

    @Autowired QueueGauges queueGauges;

    double counter(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    long timerCount(String name, String... tags) {
        return meters.find(name).tags(tags).timers().stream().mapToLong(t -> t.count()).sum();
    }

    @Test
    void sentGreetingMovesOutcomeLatenessAndProviderCallMeters(CapturedOutput output) {
        double sent = counter("cakeday.greetings", "outcome", "sent", "occasion", "BIRTHDAY");
        long lateness = timerCount("cakeday.greeting.lateness", "occasion", "BIRTHDAY");
        long delivered = timerCount("cakeday.provider.calls", "outcome", "delivered");
        String zone = "UTC";
        LocalDate date = localDate(zone, 1);
        var body = user(zone, date.withYear(1990));
        body.put("email", "zelda.quartz@example.com");
        UUID id = UUID.fromString(create(body).get("id").asString());

        CLOCK.advanceTo(sendInstant(date, zone));
        awaitStatus(greetingId(id, "BIRTHDAY", date), "SENT");

        // Counted by the sending thread once SENT is committed, which the test sees first.
        await(
                "the sent greeting counted and its lateness recorded",
                Duration.ofSeconds(5),
                () ->
                        counter("cakeday.greetings", "outcome", "sent", "occasion", "BIRTHDAY")
                                        > sent
                                && timerCount("cakeday.greeting.lateness", "occasion", "BIRTHDAY")
                                        > lateness);
        assertThat(counter("cakeday.greetings", "outcome", "sent", "occasion", "BIRTHDAY"))
                .isEqualTo(sent + 1);
        assertThat(timerCount("cakeday.greeting.lateness", "occasion", "BIRTHDAY"))
                .isEqualTo(lateness + 1);
        // Recorded on the sending thread, which the test has no ordering with.
        await(
                "the delivered call metered",
                Duration.ofSeconds(5),
                () -> timerCount("cakeday.provider.calls", "outcome", "delivered") > delivered);
        assertThat(timerCount("cakeday.provider.calls", "channel", "http", "outcome", "delivered"))
                .isEqualTo(delivered + 1);
        assertThat(output.getOut())
                .contains("outcome=SENT")
                .contains("to=z***@example.com")
                .doesNotContain("zelda.quartz@example.com");
        assertThat(new Api(port).get("/actuator/prometheus").body())
                .contains("cakeday_greetings_total{occasion=\"BIRTHDAY\",outcome=\"sent\"")
                .contains("cakeday_greeting_lateness_seconds_bucket");
    }

    @Test
    void failedSkippedAndExpiredAreCounted(CapturedOutput output) {
        double failed = counter("cakeday.greetings", "outcome", "failed", "occasion", "BIRTHDAY");
        double skipped = counter("cakeday.greetings", "outcome", "skipped", "occasion", "BIRTHDAY");
        double expired = counter("cakeday.greetings", "outcome", "expired", "occasion", "BIRTHDAY");
        long rejected = timerCount("cakeday.provider.calls", "outcome", "rejected");

        String zone = "Europe/Lisbon";
        LocalDate date = localDate(zone, 1);
        var body = user(zone, date.withYear(1990));
        body.put("email", "quentin.failing@example.com");
        UUID failing = UUID.fromString(create(body).get("id").asString());
        PROVIDER.answer(call -> status(400, "{\"error\":\"mailbox unavailable\"}"));
        CLOCK.advanceTo(sendInstant(date, zone));
        awaitStatus(greetingId(failing, "BIRTHDAY", date), "FAILED");
        assertThat(counter("cakeday.greetings", "outcome", "failed", "occasion", "BIRTHDAY"))
                .isEqualTo(failed + 1);
        assertThat(timerCount("cakeday.provider.calls", "outcome", "rejected"))
                .isEqualTo(rejected + 1);
        assertThat(output.getOut())
                .contains("to=q***@example.com")
                .doesNotContain("quentin.failing@example.com");

        String gone = greetingId(UUID.randomUUID(), "BIRTHDAY", localDate(zone, 0));
        jdbc.sql(
                        "INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version) "
                                + "VALUES ('greeting', ?, ?, false, 1)")
                .param(gone)
                .param(Timestamp.from(CLOCK.instant()))
                .update();
        awaitStatus(gone, "SKIPPED");
        assertThat(counter("cakeday.greetings", "outcome", "skipped", "occasion", "BIRTHDAY"))
                .isEqualTo(skipped + 1);

        LocalDate later = localDate(zone, 1);
        UUID late = createUser(zone, later.withYear(1990));
        scheduler.pause();
        try {
            CLOCK.advanceTo(sendInstant(later, zone).plus(Duration.ofDays(3)).plusSeconds(5));
        } finally {
            scheduler.resume();
        }
        awaitStatus(greetingId(late, "BIRTHDAY", later), "EXPIRED");
        assertThat(counter("cakeday.greetings", "outcome", "expired", "occasion", "BIRTHDAY"))
                .isEqualTo(expired + 1);
    }

    @Test
    void queueGaugesShowDueGreetingsNobodyClaimedAndTheOldestAge() {
        String zone = "Asia/Seoul";
        LocalDate date = localDate(zone, 1);
        createUser(zone, date.withYear(1990));
        createUser(zone, date.withYear(1991));
        scheduler.pause();
        try {
            CLOCK.advanceTo(sendInstant(date, zone).plusSeconds(90));
            queueGauges.refresh();
            assertThat(meters.get("cakeday.greetings.due").gauge().value()).isEqualTo(2);
            assertThat(meters.get("cakeday.greetings.due.oldest.age").gauge().value())
                    .isBetween(90.0, 120.0);
        } finally {
            scheduler.resume();
        }
        await(
                "both sent",
                DELIVERY_TIMEOUT,
                () ->
                        jdbc.sql("SELECT count(*) FROM greetings WHERE status = 'SENT'")
                                        .query(Long.class)
                                        .single()
                                == 2);
        queueGauges.refresh();
        assertThat(meters.get("cakeday.greetings.due").gauge().value()).isZero();
        assertThat(meters.get("cakeday.greetings.due.oldest.age").gauge().value()).isZero();
    }

    @Test
    void plannerRunsAreTimedAndCounted() {
        long runs = timerCount("cakeday.planner.run");
        double rows = counter("cakeday.planner.rows");
        insertUsers(
                7,
                "UTC",
                localDate("UTC", 2).withYear(1990),
                CLOCK.instant().minus(Duration.ofDays(30)));

        Instant before = CLOCK.instant();
        planner.planAll(CLOCK.instant());

        // The daily run may fire too as the test clock moves, and plan the rows first: wait for its
        // count.
        await(
                "the planned rows counted",
                Duration.ofSeconds(10),
                () -> counter("cakeday.planner.rows") >= rows + 7);
        assertThat(timerCount("cakeday.planner.run")).isGreaterThanOrEqualTo(runs + 1);
        assertThat(meters.get("cakeday.planner.last.success.timestamp").gauge().value())
                .isGreaterThanOrEqualTo(before.getEpochSecond());
    }

    @Test
    void circuitBreakerStateIsExported() {
        assertThat(
                        meters.get("resilience4j.circuitbreaker.state")
                                .tags("name", "provider", "state", "closed")
                                .gauge()
                                .value())
                .isEqualTo(1);
        assertThat(List.of("open", "half_open"))
                .allSatisfy(
                        state ->
                                assertThat(
                                                meters.get("resilience4j.circuitbreaker.state")
                                                        .tags("name", "provider", "state", state)
                                                        .gauge()
                                                        .value())
                                        .isZero());
    }
}
