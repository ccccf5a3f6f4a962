package dev.cakeday.greeting;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Greeting metrics under {@code cakeday.metrics.*}.
 *
 * @param queueRefresh how often the queue gauges are read from the database
 */
@ConfigurationProperties("cakeday.metrics")
public record MetricsProperties(@DefaultValue("10s") Duration queueRefresh) {

    public MetricsProperties {
        if (queueRefresh.isNegative() || queueRefresh.isZero()) {
            throw new IllegalArgumentException(
                    "cakeday.metrics.queue-refresh must be positive, got " + queueRefresh);
        }
    }
}
