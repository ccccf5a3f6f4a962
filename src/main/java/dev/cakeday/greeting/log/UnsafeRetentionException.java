package dev.cakeday.greeting.log;

import java.time.Duration;

/**
 * {@code cakeday.log.retention} would let the log drop a month that may still hold a greeting being
 * delivered or planned: one younger than max-lateness plus the planning horizon. Thrown at
 * start-up, so that no instance runs with it.
 */
public class UnsafeRetentionException extends RuntimeException {

    private final Duration minimum;

    UnsafeRetentionException(Duration retention, Duration minimum) {
        super(
                "cakeday.log.retention ("
                        + readable(retention)
                        + ") is shorter than cakeday.greeting.max-lateness plus"
                        + " cakeday.greeting.horizon ("
                        + readable(minimum)
                        + "): months still holding greetings in delivery could be dropped");
        this.minimum = minimum;
    }

    /** Refuses a retention under max-lateness plus horizon; 0 (keep everything) is always safe. */
    static void requireSafe(Duration retention, Duration maxLateness, Duration horizon) {
        Duration minimum = maxLateness.plus(horizon);
        if (!retention.isZero() && retention.compareTo(minimum) < 0) {
            throw new UnsafeRetentionException(retention, minimum);
        }
    }

    Duration minimum() {
        return minimum;
    }

    /** Days as an operator writes them ({@code 6d}); any other length as ISO-8601. */
    static String readable(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 ? duration.toDays() + "d" : duration.toString();
    }
}
