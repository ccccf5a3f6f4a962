package dev.cakeday.greeting;

import dev.cakeday.greeting.delivery.GreetingStatus;
import dev.cakeday.greeting.occasion.Occasion;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** Micrometer meters of greetings: outcomes, lateness, uncertain attempts and planning runs. */
@Component
public class GreetingMetrics {

    private final MeterRegistry meters;
    // Held, not built per greeting: building a meter looks it up in the registry each time.
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Timer> lateness = new ConcurrentHashMap<>();
    private final Counter uncertainAttempts;
    private final Timer plannerRuns;
    private final Counter plannerRows;
    private final AtomicLong plannerLastSuccess = new AtomicLong();

    public GreetingMetrics(MeterRegistry meters, OccasionRegistry occasions) {
        this.meters = meters;
        // Registered up front, so that rates over them count from the first event after a start.
        for (Occasion occasion : occasions.all()) {
            for (GreetingStatus status : GreetingStatus.values()) {
                if (status.isFinal()) {
                    outcomeCounter(status, occasion.name());
                }
            }
        }
        this.uncertainAttempts =
                Counter.builder("cakeday.greeting.uncertain.attempts")
                        .description(
                                "Attempts made after one whose outcome was never recorded (possible duplicates)")
                        .register(meters);
        this.plannerRuns =
                Timer.builder("cakeday.planner.run")
                        .description("Duration of full planning runs")
                        .register(meters);
        this.plannerRows =
                Counter.builder("cakeday.planner.rows")
                        .description("Greeting rows created by planning runs")
                        .register(meters);
        Gauge.builder("cakeday.planner.last.success.timestamp", plannerLastSuccess, AtomicLong::get)
                .description(
                        "When the last full planning run finished (epoch seconds; 0 before the first)")
                .baseUnit("seconds")
                .register(meters);
    }

    /** A greeting reached a final status. */
    public void outcome(GreetingStatus status, String occasion) {
        outcomeCounter(status, occasion).increment();
    }

    private Counter outcomeCounter(GreetingStatus status, String occasion) {
        return outcomes.computeIfAbsent(
                status.name() + ":" + occasion,
                key ->
                        Counter.builder("cakeday.greetings")
                                .description(
                                        "Greetings that reached a final status, by outcome and occasion")
                                .tag("outcome", status.name().toLowerCase())
                                .tag("occasion", occasion)
                                .register(meters));
    }

    public void sent(String occasion, Duration late) {
        outcome(GreetingStatus.SENT, occasion);
        lateness.computeIfAbsent(
                        occasion,
                        key ->
                                Timer.builder("cakeday.greeting.lateness")
                                        .description(
                                                "Time from a greeting's due instant to its delivery")
                                        .tag("occasion", occasion)
                                        .publishPercentileHistogram()
                                        .minimumExpectedValue(Duration.ofMillis(10))
                                        .maximumExpectedValue(Duration.ofDays(3))
                                        .register(meters))
                .record(late.isNegative() ? Duration.ZERO : late);
    }

    public void uncertainAttempt() {
        uncertainAttempts.increment();
    }

    public void planned(int rows, Duration took, Instant finishedAt) {
        plannerRuns.record(took);
        plannerRows.increment(rows);
        plannerLastSuccess.set(finishedAt.getEpochSecond());
    }
}
