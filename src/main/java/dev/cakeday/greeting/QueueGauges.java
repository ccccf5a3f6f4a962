package dev.cakeday.greeting;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The queue lag db-scheduler does not export: greetings due but not claimed by any instance, and
 * the age of the oldest. Read from the database every few seconds, not on each scrape, so that a
 * slow database never stalls the metrics endpoint; the last reading stays while it is away.
 */
@Component
public class QueueGauges implements SchedulingConfigurer {

    static final String DUE_UNCLAIMED =
            """
            SELECT count(*) AS due, min(execution_time) AS oldest
            FROM scheduled_tasks
            WHERE task_name = :taskName AND NOT picked AND execution_time <= :now""";

    private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AtomicLong due = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    private final Duration refreshEvery;

    QueueGauges(JdbcClient jdbc, Clock clock, MeterRegistry meters, MetricsProperties properties) {
        this.refreshEvery = properties.queueRefresh();
        this.jdbc = jdbc;
        this.clock = clock;
        Gauge.builder("cakeday.greetings.due", due, AtomicLong::get)
                .description("Greetings due and not yet claimed by any instance")
                .register(meters);
        Gauge.builder("cakeday.greetings.due.oldest.age", oldestAgeSeconds, AtomicLong::get)
                .description("Age of the oldest greeting due and not yet claimed (0 when none)")
                .baseUnit("seconds")
                .register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::refresh, refreshEvery);
    }

    /** Greetings due and not claimed, at the last reading. */
    public long due() {
        return due.get();
    }

    /** The age of the oldest of them, at the last reading; 0 when none. */
    public long oldestAgeSeconds() {
        return oldestAgeSeconds.get();
    }

    void refresh() {
        Instant now = clock.instant();
        try {
            jdbc.sql(DUE_UNCLAIMED)
                    .param("taskName", GreetingTasks.GREETING_TASK)
                    .param("now", now.atOffset(ZoneOffset.UTC))
                    .query(
                            rs -> {
                                due.set(rs.getLong("due"));
                                Timestamp oldest = rs.getTimestamp("oldest");
                                oldestAgeSeconds.set(
                                        oldest == null
                                                ? 0
                                                : Math.max(
                                                        0,
                                                        Duration.between(oldest.toInstant(), now)
                                                                .toSeconds()));
                            });
        } catch (RuntimeException e) {
            log.debug("Could not read the greeting queue: {}", e.getMessage());
        }
    }
}
