package dev.cakeday.greeting.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long the delivery log keeps its months, under {@code cakeday.log.*}.
 *
 * @param retention how long a month of the log is kept after its last day; {@code 0} keeps every
 *     month. It may not be shorter than max-lateness plus the planning horizon ({@link
 *     UnsafeRetentionException}).
 * @param archiveDir a directory that receives each month as compressed CSV before it is dropped, or
 *     null to drop without an archive
 */
@ConfigurationProperties("cakeday.log")
public record LogProperties(@DefaultValue("400d") Duration retention, Path archiveDir) {

    public LogProperties {
        if (retention.isNegative()) {
            throw new IllegalArgumentException(
                    "cakeday.log.retention must be 0 (keep everything) or positive, got "
                            + retention);
        }
        if (archiveDir != null
                && !(Files.isDirectory(archiveDir) && Files.isWritable(archiveDir))) {
            throw new IllegalArgumentException(
                    "cakeday.log.archive-dir must be an existing directory this process can write"
                            + " to, got "
                            + archiveDir);
        }
    }

    /** Whether months are ever dropped. */
    public boolean keepsEverything() {
        return retention.isZero();
    }
}
