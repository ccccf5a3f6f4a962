package dev.cakeday.greeting.log;

import dev.cakeday.greeting.GreetingProperties;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the log's months: partitions ahead of time, rows out of the default partition, and months
 * past {@code cakeday.log.retention} archived and dropped. Run by the {@code log-maintenance}
 * recurring task ({@link LogTasks}), on one instance at a time.
 *
 * <p>A month is dropped in two steps. Detaching it takes the log's strongest lock, which waits for
 * every transaction on the log and holds up new ones meanwhile: it is done alone, in a short
 * transaction that gives up after {@link #DETACH_LOCK_TIMEOUT} (the next run tries again). The
 * archive and the drop then work on a table nothing writes to; a month left detached by a crash
 * between the two is finished by the next run.
 */
@Service
public class LogMaintenance {

    /** Months kept ready ahead of the current one. */
    static final int MONTHS_AHEAD = 13;

    /**
     * A month goes when its last day is older than retention by this margin too: local dates run a
     * day ahead of UTC in the easternmost zones, and the planner looks a day behind its window.
     */
    static final int MARGIN_DAYS = 2;

    static final String DETACH_LOCK_TIMEOUT = "2s";

    static final String SET_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '" + DETACH_LOCK_TIMEOUT + "'";

    /** Stops writes to the month while it is checked and detached; reads go on. */
    static final String LOCK_MONTH = "LOCK TABLE %s IN SHARE MODE";

    /** A greeting still in delivery (an operator may re-open an old one): its month stays. */
    static final String IN_DELIVERY = "SELECT EXISTS (SELECT 1 FROM %s WHERE status = 'SENDING')";

    static final String DETACH = "ALTER TABLE greetings DETACH PARTITION %s";

    /** Month tables detached and not yet dropped: a run stopped between the two steps. */
    static final String DETACHED =
            """
            SELECT relname FROM pg_class
            WHERE relkind = 'r' AND NOT relispartition AND relname ~ '^greetings_[0-9]{4}_[0-9]{2}$'
              AND relnamespace = CAST(current_schema() AS regnamespace)""";

    static final String COUNT = "SELECT count(*) FROM %s";

    static final String COPY_MONTH =
            "COPY (SELECT * FROM %s ORDER BY local_date, id) TO STDOUT WITH (FORMAT csv, HEADER)";

    static final String COPY_RETRIES =
            """
            COPY (SELECT r.* FROM greeting_retries r JOIN %s g ON g.id = r.greeting_id
                  ORDER BY r.greeting_id, r.asked_at) TO STDOUT WITH (FORMAT csv, HEADER)""";

    /** The operators' retries of the month's greetings go with them. */
    static final String DELETE_RETRIES =
            "DELETE FROM greeting_retries r USING %s g WHERE r.greeting_id = g.id";

    static final String DROP = "DROP TABLE %s";

    private static final Logger log = LoggerFactory.getLogger(LogMaintenance.class);

    private final LogPartitions partitions;
    private final LogProperties properties;
    private final LogArchive archive;
    private final JdbcClient jdbc;
    private final DataSource dataSource;
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
        this.properties = properties;
        this.archive =
                properties.archiveDir() == null ? null : new LogArchive(properties.archiveDir());
        this.jdbc = jdbc;
        this.dataSource = dataSource;
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
        List<YearMonth> dropped = properties.keepsEverything() ? List.of() : dropExpired(today);
        if (!added.isEmpty() || !dropped.isEmpty()) {
            log.info("Log maintenance: months added {}, dropped {}", added, dropped);
        }
        return new Run(List.copyOf(added), moved, dropped);
    }

    /**
     * Adds the month's partition, under the same lock timeout as a detach: attaching it locks the
     * default partition against writes. Returns the rows moved, or null when it had to wait too
     * long (the next run tries again; the months ahead leave it time).
     */
    private Long addMonth(YearMonth month) {
        try {
            return transaction.execute(
                    status -> {
                        jdbc.sql(SET_LOCK_TIMEOUT).update();
                        return partitions.addMonth(month);
                    });
        } catch (DataAccessException e) {
            log.warn(
                    "Could not add the log's month {}; the next maintenance run tries again",
                    month,
                    e);
            return null;
        }
    }

    /** Whether every day of the month is past retention, with the margin. */
    boolean expired(YearMonth month, LocalDate today) {
        LocalDate keepFrom = today.minusDays(properties.retention().toDays() + MARGIN_DAYS);
        return !month.plusMonths(1).atDay(1).isAfter(keepFrom);
    }

    private List<YearMonth> dropExpired(LocalDate today) {
        List<YearMonth> dropped = new ArrayList<>();
        for (String table : jdbc.sql(DETACHED).query(String.class).list()) {
            LogPartitions.month(table)
                    .filter(month -> expired(month, today))
                    .ifPresent(
                            month -> {
                                archiveAndDrop(month);
                                dropped.add(month);
                            });
        }
        for (YearMonth month : partitions.months()) {
            if (!expired(month, today)) {
                break;
            }
            try {
                if (detach(month)) {
                    archiveAndDrop(month);
                    dropped.add(month);
                }
            } catch (DataAccessException e) {
                log.warn(
                        "Could not drop the log's month {}; the next maintenance run tries again",
                        month,
                        e);
            }
        }
        return dropped;
    }

    private boolean detach(YearMonth month) {
        String table = LogPartitions.table(month);
        return Boolean.TRUE.equals(
                transaction.execute(
                        status -> {
                            jdbc.sql(SET_LOCK_TIMEOUT).update();
                            jdbc.sql(LOCK_MONTH.formatted(table)).update();
                            if (jdbc.sql(IN_DELIVERY.formatted(table))
                                    .query(Boolean.class)
                                    .single()) {
                                log.warn(
                                        "The log's month {} is past retention but holds a greeting"
                                                + " in delivery: kept until it is done",
                                        month);
                                return false;
                            }
                            jdbc.sql(DETACH.formatted(table)).update();
                            return true;
                        }));
    }

    private void archiveAndDrop(YearMonth month) {
        String table = LogPartitions.table(month);
        transaction.executeWithoutResult(
                status -> {
                    long rows = jdbc.sql(COUNT.formatted(table)).query(Long.class).single();
                    if (archive != null) {
                        archive(month, table, rows);
                    }
                    jdbc.sql(DELETE_RETRIES.formatted(table)).update();
                    jdbc.sql(DROP.formatted(table)).update();
                    log.info(
                            "Dropped the log's month {} ({} greetings{})",
                            month,
                            rows,
                            archive == null ? ", not archived" : ", archived");
                });
    }

    private void archive(YearMonth month, String table, long rows) {
        try {
            var connection = DataSourceUtils.getConnection(dataSource);
            long written =
                    archive.write(
                            connection,
                            COPY_MONTH.formatted(table),
                            "greetings-" + month + ".csv.gz");
            if (written != rows) {
                throw new IllegalStateException(
                        "The archive of the log's month "
                                + month
                                + " holds "
                                + written
                                + " rows, the month "
                                + rows
                                + ": not dropped");
            }
            archive.write(
                    connection,
                    COPY_RETRIES.formatted(table),
                    "greeting-retries-" + month + ".csv.gz");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not archive the log's month " + month, e);
        }
    }
}
