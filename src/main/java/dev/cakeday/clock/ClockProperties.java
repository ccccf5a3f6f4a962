package dev.cakeday.clock;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The fleet's reference clock under {@code cakeday.clock.*}.
 *
 * @param checkInterval how often an instance measures its offset from the database's clock
 * @param maxOffset the largest offset an instance acts on; past it, it goes not ready and stops
 *     claiming greetings rather than act on a time it cannot trust
 */
@ConfigurationProperties("cakeday.clock")
public record ClockProperties(
        @DefaultValue("30s") Duration checkInterval, @DefaultValue("5m") Duration maxOffset) {

    public ClockProperties {
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException(
                    "cakeday.clock.check-interval must be positive, got " + checkInterval);
        }
        if (maxOffset.isNegative() || maxOffset.isZero()) {
            throw new IllegalArgumentException(
                    "cakeday.clock.max-offset must be positive, got " + maxOffset);
        }
    }
}
