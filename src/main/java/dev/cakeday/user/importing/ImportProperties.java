package dev.cakeday.user.importing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bulk imports under {@code cakeday.import.*}.
 *
 * @param maxSize the largest import accepted; a million users take about 65 MB of CSV
 * @param maxConcurrent imports one instance runs at once, uploads included; another gets 429
 */
@ConfigurationProperties("cakeday.import")
public record ImportProperties(
        @DefaultValue("1GB") DataSize maxSize, @DefaultValue("2") int maxConcurrent) {

    public ImportProperties {
        if (maxSize.toBytes() < 1) {
            throw new IllegalArgumentException(
                    "cakeday.import.max-size must be positive, got " + maxSize);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException(
                    "cakeday.import.max-concurrent must be at least 1, got " + maxConcurrent);
        }
    }
}
