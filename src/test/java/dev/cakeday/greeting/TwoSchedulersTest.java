package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.event.ExecutionInterceptor;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import dev.cakeday.support.FakeProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Two schedulers with distinct names on one database: 2,000 greetings due at once, each sent exactly once. */
class TwoSchedulersTest extends GreetingTestSupport {

    static final int GREETINGS = 2_000;

    @Autowired
    DataSource dataSource;

    @Autowired
    CustomTask<Void> greetingTask;

    @Autowired
    com.github.kagkarlsson.scheduler.Clock dbSchedulerClock;

    @Autowired
    GreetingPlanner planner;

    @Test
    void eachGreetingIsDeliveredExactlyOnce() {
        LocalDate tomorrow = localDate("UTC", 1);
        insertUsers(GREETINGS, "UTC", tomorrow.withYear(1990), CLOCK.instant().minus(Duration.ofDays(30)));
        assertThat(planner.planAll(CLOCK.instant())).isEqualTo(GREETINGS);

        AtomicInteger executedBySecond = new AtomicInteger();
        ExecutionInterceptor counting = (instance, context, chain) -> {
            executedBySecond.incrementAndGet();
            return chain.proceed(instance, context);
        };
        Scheduler second = Scheduler.create(dataSource, greetingTask)
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
            await(GREETINGS + " greetings sent", Duration.ofSeconds(120), () -> jdbc.sql(
                    "SELECT count(*) FROM greetings WHERE status = 'SENT'").query(Long.class).single() == GREETINGS);
        } finally {
            second.stop();
        }

        Map<String, Long> perKey = PROVIDER.calls().stream()
                .collect(Collectors.groupingBy(FakeProvider.Call::idempotencyKey, Collectors.counting()));
        assertThat(perKey).hasSize(GREETINGS);
        assertThat(perKey.values()).allMatch(count -> count == 1);
        Map<String, Long> perRecipient = PROVIDER.calls().stream()
                .collect(Collectors.groupingBy(FakeProvider.Call::email, Collectors.counting()));
        assertThat(perRecipient.values()).allMatch(count -> count == 1);
        assertThat(executedBySecond.get()).as("both schedulers took part").isBetween(1, GREETINGS - 1);
        assertThat(jdbc.sql("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                .query(Long.class).single()).isZero();
    }
}
