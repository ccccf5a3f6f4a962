package dev.cakeday.greeting;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.cakeday.clock.DatabaseClock;
import dev.cakeday.greeting.delivery.GreetingDelivery;
import dev.cakeday.greeting.planning.GreetingPlanner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** The db-scheduler tasks: one row per greeting, and the daily planning run. */
@Configuration(proxyBeanMethods = false)
public class GreetingTasks {

    public static final String GREETING_TASK = "greeting";
    static final String PLAN_TASK = "plan-greetings";

    // Only for unexpected errors (such as the database being away): provider failures are
    // handled by the delivery itself, with its own backoff and the delivery log.
    private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(30);
    private static final Duration PLAN_RETRY = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(GreetingTasks.class);

    private final GreetingPlanner planner;
    private final Clock clock;
    private final DatabaseClock fleetClock;
    private final boolean planOnStartup;

    public GreetingTasks(
            GreetingPlanner planner,
            Clock clock,
            DatabaseClock fleetClock,
            GreetingProperties properties) {
        this.planner = planner;
        this.clock = clock;
        this.fleetClock = fleetClock;
        this.planOnStartup = properties.planOnStartup();
    }

    @Bean
    CustomTask<Void> greetingTask(GreetingDelivery delivery) {
        return Tasks.custom(GREETING_TASK, Void.class)
                .onFailure(endAtMaxLateness(delivery))
                .onDeadExecutionRevive()
                .execute(
                        (instance, context) -> {
                            Optional<GreetingId> id = GreetingId.tryParse(instance.getId());
                            if (id.isEmpty()) {
                                log.error(
                                        "Removing greeting row with an unreadable id '{}'",
                                        instance.getId());
                                return new CompletionHandler.OnCompleteRemove<>();
                            }
                            GreetingDelivery.Next next =
                                    delivery.deliver(
                                            id.get(),
                                            context.getExecution().executionTime,
                                            context.getExecution().version);
                            if (next instanceof GreetingDelivery.Next.RunAt runAt) {
                                return (complete, operations) ->
                                        operations.reschedule(complete, runAt.at());
                            }
                            if (next instanceof GreetingDelivery.Next.Removed) {
                                return (complete, operations) -> {};
                            }
                            return new CompletionHandler.OnCompleteRemove<>();
                        });
    }

    /**
     * A handler that threw is tried again after a pause, until its greeting is past max-lateness in
     * every zone: then it is recorded EXPIRED with the error and its row goes, like any greeting
     * not delivered in time, instead of being retried forever.
     */
    private FailureHandler<Void> endAtMaxLateness(GreetingDelivery delivery) {
        return (complete, operations) -> {
            Instant now = clock.instant();
            Optional<GreetingId> id =
                    GreetingId.tryParse(complete.getExecution().taskInstance.getId());
            Throwable error =
                    complete.getCause().orElse(new IllegalStateException("unknown error"));
            if (id.isPresent()
                    && delivery.expireAfterError(
                            id.get(), error, complete.getExecution().executionTime, now)) {
                operations.remove();
                return;
            }
            operations.reschedule(complete, now.plus(RETRY_AFTER_ERROR));
        };
    }

    @Bean
    RecurringTask<Void> planTask(GreetingProperties properties) {
        return Tasks.recurring(PLAN_TASK, Schedules.daily(ZoneOffset.UTC, properties.planAt()))
                .onFailure(new FailureHandler.OnFailureRetryLater<>(PLAN_RETRY))
                .execute((instance, context) -> planner.planAll(clock.instant()));
    }

    /**
     * Plans at start-up too, so that a first start or a long stop needs no wait for the daily run.
     * A failure here must not stop the instance: the daily run, retried every few minutes, covers
     * it.
     */
    @EventListener(ApplicationReadyEvent.class)
    void planOnStartup() {
        if (!planOnStartup) {
            return;
        }
        if (!fleetClock.measured()) {
            // On this machine's own time, a wrong clock could record owed greetings EXPIRED for
            // good.
            log.warn(
                    "Planning at start-up skipped: the database's clock could not be read yet; the"
                            + " daily planning run will cover it");
            return;
        }
        try {
            planner.planAll(clock.instant());
        } catch (RuntimeException e) {
            log.error("Planning at start-up failed; the daily planning run will cover it", e);
        }
    }
}
