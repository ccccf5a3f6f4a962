package dev.cakeday.greeting.log;

import dev.cakeday.greeting.GreetingProperties;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the log's months: partitions ahead of time, rows out of the default partition, and months
 * past {@code cakeday.log.retention} dropped ({@link LogRetention}). Run by the {@code
 * log-maintenance} recurring task ({@link LogTasks}), on one instance at a time, and by the {@code
 * maintain-log} command.
 */
@Service
public class LogMaintenance {

    /** Months kept ready ahead of the current one. */
    static final int MONTHS_AHEAD = 13;

    /**
     * How long a change of the log's partitions waits for its lock: it holds up the log's writes
     * while it waits, so it gives up soon, and the next run tries again.
     */
    static final String LOCK_TIMEOUT = "2s";

    static final String SET_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'";

    private static final Logger log = LoggerFactory.getLogger(LogMaintenance.class);

    private final LogPartitions partitions;
    private final LogRetention retention;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;

    LogMaintenance(
            LogPartitions partitions,
            LogProperties properties,
            GreetingProperties greeting,
            JdbcClient jdbc,
            DataSource dataSource,
            TransactionTemplate transaction,
            Clock clock) {
        UnsafeRetentionException.requireSafe(
                properties.retention(), greeting.maxLateness(), greeting.horizon());
        this.partitions = partitions;
        this.retention = new LogRetention(partitions, properties, jdbc, dataSource, transaction);
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** What a run did. */
    public record Run(List<YearMonth> added, long movedFromDefault, List<YearMonth> dropped) {}

    public Run maintain() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<YearMonth> added = new ArrayList<>();
        long moved = 0;
        for (YearMonth month : partitions.monthsInDefault()) {
            Long rows = addMonth(month);
            if (rows != null) {
                moved += rows;
                added.add(month);
                log.warn(
                        "Moved {} greetings of {} out of the log's default partition into a"
                                + " partition of their own: their month had none when they were"
                                + " written",
                        rows,
                        month);
            }
        }
        YearMonth current = YearMonth.from(today);
        List<YearMonth> existing = partitions.months();
        for (int ahead = 0; ahead <= MONTHS_AHEAD; ahead++) {
            YearMonth month = current.plusMonths(ahead);
            if (!existing.contains(month) && !added.contains(month) && addMonth(month) != null) {
                added.add(month);
            }
        }
        List<YearMonth> dropped = retention.dropExpired(today);
        if (!added.isEmpty() || !dropped.isEmpty()) {
            log.info("Log maintenance: months added {}, dropped {}", added, dropped);
        }
        return new Run(List.copyOf(added), moved, dropped);
    }

    /**
     * Adds the month's partition: attaching it locks the default partition against writes. Returns
     * the rows moved, or null when it could not (the next run tries again; the months ahead leave
     * it time).
     */
    private Long addMonth(YearMonth month) {
        try {
            return transaction.execute(
                    status -> {
                        jdbc.sql(SET_LOCK_TIMEOUT).update();
                        return partitions.addMonth(month);
                    });
        } catch (RuntimeException e) {
            log.warn(
                    "Could not add the log's month {}; the next maintenance run tries again",
                    month,
                    e);
            return null;
        }
    }
}
