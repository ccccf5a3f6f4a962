package dev.cakeday.greeting.log;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Whether the log's maintenance keeps up, seen from the database and not from the task, so that a
 * task that fails on every instance (the datasource's role does not own the log, say) shows as well
 * as one that never runs: the months ready ahead, and the greetings in the default partition. Read
 * every minute, not on each scrape; the last reading stays while the database is away.
 */
@Component
class LogGauges implements SchedulingConfigurer {

    static final Duration REFRESH_EVERY = Duration.ofMinutes(1);

    static final String DEFAULT_ROWS = "SELECT count(*) FROM greetings_default";

    private static final Logger log = LoggerFactory.getLogger(LogGauges.class);

    private final LogPartitions partitions;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final AtomicLong monthsAhead = new AtomicLong();
    private final AtomicLong defaultRows = new AtomicLong();

    LogGauges(LogPartitions partitions, JdbcClient jdbc, Clock clock, MeterRegistry meters) {
        this.partitions = partitions;
        this.jdbc = jdbc;
        this.clock = clock;
        Gauge.builder("cakeday.log.months.ahead", monthsAhead, AtomicLong::get)
                .description(
                        "Months after the current one (UTC) whose partition of the log is ready,"
                                + " without a gap; the maintenance keeps 13")
                .register(meters);
        Gauge.builder("cakeday.log.default.rows", defaultRows, AtomicLong::get)
                .description(
                        "Greetings in the log's default partition: written while their month had"
                                + " none; the maintenance moves them")
                .register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::refresh, REFRESH_EVERY);
    }

    void refresh() {
        try {
            Set<YearMonth> months = new HashSet<>(partitions.months());
            YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC)).plusMonths(1);
            long ahead = 0;
            while (months.contains(month)) {
                ahead++;
                month = month.plusMonths(1);
            }
            monthsAhead.set(ahead);
            defaultRows.set(jdbc.sql(DEFAULT_ROWS).query(Long.class).single());
        } catch (RuntimeException e) {
            log.debug("Could not read the log's partitions: {}", e.getMessage());
        }
    }
}
