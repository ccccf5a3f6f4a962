package dev.cakeday.clock;

import com.github.kagkarlsson.scheduler.Scheduler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.health.contributor.Health;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Measures this instance's offset from PostgreSQL's clock, at start-up (before db-scheduler claims
 * anything) and every {@code check-interval}, and corrects the {@link DatabaseClock} by it. Until a
 * first offset is measured, or while it is past {@code max-offset}, the time is not acted on: the
 * instance claims no greeting and reports not ready. While the database cannot be reached, the last
 * offset stays.
 */
@Component
class ClockOffsetMonitor implements SmartInitializingSingleton, SchedulingConfigurer {

    static final String DATABASE_NOW = "SELECT clock_timestamp()";

    private static final Logger log = LoggerFactory.getLogger(ClockOffsetMonitor.class);
    // Above this an offset is worth an operator's look; below it, NTP-grade drift.
    private static final Duration NOTABLE = Duration.ofSeconds(1);
    // Readings are taken a few times and the one with the shortest round trip kept: its midpoint is
    // the surest.
    private static final int SAMPLES = 3;
    // A reading whose round trip took longer than this says more about the network than the clock.
    private static final Duration MAX_ROUND_TRIP = Duration.ofSeconds(1);

    private final DatabaseClock clock;
    private final JdbcClient jdbc;
    private final ObjectProvider<Scheduler> scheduler;
    private final Duration checkInterval;
    private final Duration maxOffset;
    private volatile boolean trusted;
    private volatile boolean notable;

    ClockOffsetMonitor(
            DatabaseClock clock,
            JdbcClient jdbc,
            ObjectProvider<Scheduler> scheduler,
            ClockProperties properties,
            MeterRegistry meters) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.scheduler = scheduler;
        this.checkInterval = properties.checkInterval();
        this.maxOffset = properties.maxOffset();
        Gauge.builder("cakeday.clock.offset", clock, c -> c.offset().toNanos() / 1e9)
                .description("This instance's clock offset: the database's time minus its own")
                .baseUnit("seconds")
                .register(meters);
    }

    /**
     * Before the scheduler starts: a first measurement, and a pause unless its time can be trusted.
     */
    @Override
    public void afterSingletonsInstantiated() {
        check();
        if (!trusted) {
            Scheduler active = scheduler.getIfAvailable();
            if (active != null) {
                active.pause();
            }
            if (!clock.measured()) {
                log.warn(
                        "Could not read the database's clock at start-up: no greeting is claimed until it can");
            }
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::check, checkInterval);
    }

    void check() {
        Optional<Reading> measured = measure();
        if (measured.isEmpty()) {
            return;
        }
        boolean first = !clock.measured();
        Reading best = measured.get();
        Duration offset = best.offset();
        clock.correct(best.database(), best.monotonicNanos(), best.local());
        if (first) {
            log.info(
                    "Clock offset from the database measured: {} s; this instance runs on the database's time",
                    seconds(offset));
        }
        boolean nowNotable = offset.abs().compareTo(NOTABLE) > 0;
        if (nowNotable && !notable) {
            log.warn(
                    "This instance's clock is {} s {} the database's; it runs on the database's time",
                    seconds(offset.abs()),
                    offset.isNegative() ? "ahead of" : "behind");
        } else if (!nowNotable && notable) {
            log.info(
                    "This instance's clock is back within {} s of the database's",
                    seconds(NOTABLE));
        }
        notable = nowNotable;
        boolean nowTrusted = offset.abs().compareTo(maxOffset) <= 0;
        if (first || nowTrusted != trusted) {
            trusted = nowTrusted;
            Scheduler active = scheduler.getIfAvailable();
            if (nowTrusted) {
                if (!first) {
                    log.warn(
                            "Clock offset {} s is within cakeday.clock.max-offset: claiming greetings",
                            seconds(offset));
                }
                if (active != null) {
                    active.resume();
                }
            } else {
                log.error(
                        "Clock offset {} s exceeds cakeday.clock.max-offset ({}): this instance stops claiming"
                                + " greetings and reports not ready until its clock is fixed",
                        seconds(offset),
                        maxOffset);
                if (active != null) {
                    active.pause();
                }
            }
        }
    }

    /**
     * The database's time, and this machine's monotonic and wall clocks at the middle of the read.
     */
    record Reading(Instant database, long monotonicNanos, Instant local) {
        Duration offset() {
            return Duration.between(local, database);
        }
    }

    /**
     * The reading with the shortest round trip, timed on the monotonic clock (a wall-clock step
     * during a read cannot make it look short); empty when none worked.
     */
    Optional<Reading> measure() {
        Reading best = null;
        long bestRoundTrip = MAX_ROUND_TRIP.toNanos();
        for (int i = 0; i < SAMPLES; i++) {
            try {
                long before = clock.monotonicNanos();
                Instant localBefore = clock.local().instant();
                Instant database =
                        jdbc.sql(DATABASE_NOW).query(Timestamp.class).single().toInstant();
                long roundTrip = clock.monotonicNanos() - before;
                if (roundTrip >= 0 && roundTrip <= bestRoundTrip) {
                    bestRoundTrip = roundTrip;
                    best =
                            new Reading(
                                    database,
                                    before + roundTrip / 2,
                                    localBefore.plusNanos(roundTrip / 2));
                }
            } catch (RuntimeException e) {
                log.debug(
                        "Could not read the database's clock; keeping the last offset: {}",
                        e.getMessage());
                return Optional.ofNullable(best);
            }
        }
        return Optional.ofNullable(best);
    }

    /** For readiness: whether this instance acts on its corrected time. */
    Health health() {
        Health.Builder health = trusted ? Health.up() : Health.outOfService();
        health.withDetail("offsetSeconds", seconds(clock.offset()))
                .withDetail("maxOffset", maxOffset.toString());
        if (!trusted) {
            health.withDetail(
                    "reason",
                    clock.measured()
                            ? "the clock offset exceeds cakeday.clock.max-offset; no greeting is claimed"
                            : "the database's clock has not been read yet; no greeting is claimed");
        }
        return health.build();
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.3f", duration.toNanos() / 1e9);
    }
}
