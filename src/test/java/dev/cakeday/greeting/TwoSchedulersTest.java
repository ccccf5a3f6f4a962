package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.event.ExecutionInterceptor;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import dev.cakeday.greeting.planning.GreetingPlanner;
import dev.cakeday.support.FakeProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two schedulers with distinct names on one database: 2,000 greetings due at once, each worked on
 * by one scheduler at a time and sent once (again only after a timeout, as a recorded attempt).
 */
class TwoSchedulersTest extends GreetingTestSupport {

    static final int GREETINGS = 2_000;

    @Autowired DataSource dataSource;

    @Autowired CustomTask<Void> greetingTask;

    @Autowired com.github.kagkarlsson.scheduler.Clock dbSchedulerClock;

    @Autowired GreetingPlanner planner;

    @Test
    void eachGreetingIsDeliveredExactlyOnce() {
        LocalDate tomorrow = localDate("UTC", 1);
        insertUsers(
                GREETINGS,
                "UTC",
                tomorrow.withYear(1990),
                CLOCK.instant().minus(Duration.ofDays(30)));
        assertThat(planner.planAll(CLOCK.instant())).isEqualTo(GREETINGS);

        AtomicInteger executedBySecond = new AtomicInteger();
        ExecutionInterceptor counting =
                (instance, context, chain) -> {
                    executedBySecond.incrementAndGet();
                    return chain.proceed(instance, context);
                };
        Scheduler second =
                Scheduler.create(dataSource, greetingTask)
                        .schedulerName(new SchedulerName.Fixed("second-scheduler"))
                        .clock(dbSchedulerClock)
                        .threads(16)
                        .pollUsingLockAndFetch(0.5, 1.0)
                        .pollingInterval(Duration.ofMillis(100))
                        .heartbeatInterval(Duration.ofSeconds(5))
                        .addExecutionInterceptor(counting)
                        .build();
        second.start();
        try {
            Instant due = sendInstant(tomorrow, "UTC");
            CLOCK.advanceTo(due);
            await(
                    GREETINGS + " greetings sent",
                    Duration.ofSeconds(120),
                    () ->
                            jdbc.sql("SELECT count(*) FROM greetings WHERE status = 'SENT'")
                                            .query(Long.class)
                                            .single()
                                    == GREETINGS);
        } finally {
            second.stop();
        }

        Map<String, Long> perKey =
                PROVIDER.calls().stream()
                        .collect(
                                Collectors.groupingBy(
                                        FakeProvider.Call::idempotencyKey, Collectors.counting()));
        assertThat(perKey).hasSize(GREETINGS);
        // A call that outlived the 1 s read timeout on this busy machine is retried under the same
        // key, as
        // it must be: every call is then an attempt the log recorded. Two schedulers working on one
        // greeting at once would show as a call beyond the log's attempts, or as an uncertain
        // attempt.
        // With the service's threads and the second scheduler's all sending on 2 cores, a few calls
        // outlive it; more than 5% would be something else.
        Map<String, Long> attempts =
                jdbc.sql("SELECT id, attempts FROM greetings")
                        .query(
                                rs -> {
                                    Map<String, Long> byId = new HashMap<>();
                                    while (rs.next()) {
                                        byId.put(rs.getString("id"), rs.getLong("attempts"));
                                    }
                                    return byId;
                                });
        assertThat(perKey).isEqualTo(attempts);
        assertThat(
                        jdbc.sql("SELECT coalesce(sum(uncertain_attempts), 0) FROM greetings")
                                .query(Long.class)
                                .single())
                .isZero();
        assertThat(perKey.values().stream().filter(count -> count > 1).count())
                .as("greetings retried after a timeout")
                .isLessThan(GREETINGS / 20);
        assertThat(executedBySecond.get())
                .as("both schedulers took part")
                .isBetween(1, GREETINGS - 1);
        assertThat(
                        jdbc.sql(
                                        "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                                .query(Long.class)
                                .single())
                .isZero();
    }
}
