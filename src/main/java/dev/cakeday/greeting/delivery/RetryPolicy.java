package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingProperties;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * Delay before the next attempt after a temporary provider failure: exponential from {@code
 * retry-initial}, doubling per failed attempt, capped at {@code retry-max}, with full jitter
 * (uniform between zero and that bound) so that instances do not retry in step.
 */
@Component
class RetryPolicy {

    private final Duration initial;
    private final Duration max;

    RetryPolicy(GreetingProperties properties) {
        this.initial = properties.retryInitial();
        this.max = properties.retryMax();
    }

    /** The bound of the delay after the {@code failedAttempts}-th failure (1 for the first). */
    Duration ceiling(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
        Duration bound = initial.multipliedBy(1L << doublings);
        return bound.compareTo(max) > 0 ? max : bound;
    }

    Duration delay(int failedAttempts) {
        long boundMillis = ceiling(failedAttempts).toMillis();
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(boundMillis + 1));
    }
}
