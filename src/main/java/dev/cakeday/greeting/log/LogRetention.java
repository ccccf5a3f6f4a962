package dev.cakeday.greeting.log;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drops the log's months past {@code cakeday.log.retention}, archived first when {@code
 * cakeday.log.archive-dir} is set. A month goes in two steps. Detaching it takes the log's
 * strongest lock, which waits for every transaction on the log and holds up new ones meanwhile: it
 * is done first, alone, in a short transaction that gives up after {@link
 * LogMaintenance#LOCK_TIMEOUT} (the next run tries again). The archive and the drop then work on a
 * table nothing writes to; a month left detached by a run that stopped between the two is finished
 * by the next.
 */
class LogRetention {

    /**
     * A month goes when its last day is older than retention by this margin too: a greeting's local
     * date may be a day behind the UTC day it falls due (owed later that day, in a zone behind
     * UTC), and the planner looks a day further back than max-lateness.
     */
    static final int MARGIN_DAYS = 2;

    static final String DETACH = "ALTER TABLE greetings DETACH PARTITION %s";

    /** A greeting still in delivery (an operator may re-open an old one): its month stays. */
    static final String IN_DELIVERY = "SELECT EXISTS (SELECT 1 FROM %s WHERE status = 'SENDING')";

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

    private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

    private final LogPartitions partitions;
    private final LogProperties properties;
    private final LogArchive archive;
    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;

    LogRetention(
            LogPartitions partitions,
            LogProperties properties,
            JdbcClient jdbc,
            DataSource dataSource,
            TransactionTemplate transaction) {
        this.partitions = partitions;
        this.properties = properties;
        this.archive =
                properties.archiveDir() == null ? null : new LogArchive(properties.archiveDir());
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.transaction = transaction;
    }

    /** Whether every day of the month is past retention, with the margin. */
    boolean expired(YearMonth month, LocalDate today) {
        LocalDate keepFrom = today.minusDays(properties.retention().toDays() + MARGIN_DAYS);
        return !month.plusMonths(1).atDay(1).isAfter(keepFrom);
    }

    /** Drops the months past retention on {@code today}; returns them. */
    List<YearMonth> dropExpired(LocalDate today) {
        List<YearMonth> dropped = new ArrayList<>();
        if (properties.keepsEverything()) {
            return dropped;
        }
        for (String table : jdbc.sql(DETACHED).query(String.class).list()) {
            Optional<YearMonth> month =
                    LogPartitions.month(table).filter(detached -> expired(detached, today));
            if (month.isPresent() && archiveAndDrop(month.get())) {
                dropped.add(month.get());
            }
        }
        for (YearMonth month : partitions.months()) {
            if (!expired(month, today)) {
                break;
            }
            if (detach(month) && archiveAndDrop(month)) {
                dropped.add(month);
            }
        }
        return dropped;
    }

    /**
     * Detaches the month, the log's lock taken first as every writer takes it; keeps it attached if
     * a greeting in it is still in delivery, or if the lock is not to be had soon.
     */
    private boolean detach(YearMonth month) {
        String table = LogPartitions.table(month);
        try {
            return Boolean.TRUE.equals(
                    transaction.execute(
                            status -> {
                                jdbc.sql(LogMaintenance.SET_LOCK_TIMEOUT).update();
                                jdbc.sql(DETACH.formatted(table)).update();
                                if (jdbc.sql(IN_DELIVERY.formatted(table))
                                        .query(Boolean.class)
                                        .single()) {
                                    status.setRollbackOnly();
                                    log.warn(
                                            "The log's month {} is past retention but holds a"
                                                    + " greeting in delivery: kept until it is done",
                                            month);
                                    return false;
                                }
                                return true;
                            }));
        } catch (RuntimeException e) {
            log.warn(
                    "Could not drop the log's month {}; the next maintenance run tries again",
                    month,
                    e);
            return false;
        }
    }

    /** Archives (when set up) and drops a detached month; false when that failed. */
    private boolean archiveAndDrop(YearMonth month) {
        String table = LogPartitions.table(month);
        try {
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
            return true;
        } catch (RuntimeException e) {
            log.error(
                    "Could not archive and drop the log's month {}, detached; the next maintenance"
                            + " run tries again",
                    month,
                    e);
            return false;
        }
    }

    private void archive(YearMonth month, String table, long rows) {
        try {
            var connection = DataSourceUtils.getConnection(dataSource);
            LogArchive.Written written =
                    archive.write(connection, COPY_MONTH.formatted(table), "greetings-" + month);
            if (written.records() != rows) {
                throw new IllegalStateException(
                        "The archive "
                                + written.file()
                                + " holds "
                                + written.records()
                                + " greetings, the log's month "
                                + rows
                                + ": not dropped");
            }
            archive.write(connection, COPY_RETRIES.formatted(table), "greeting-retries-" + month);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not archive the log's month " + month, e);
        }
    }
}
