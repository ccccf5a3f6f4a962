package dev.cakeday.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The instance's clock corrected by its measured offset from PostgreSQL's clock, so that every
 * instance of the fleet claims, checks "not before", records and measures lateness on one time.
 * Once measured, it never runs backwards: when a correction moves it back, it stands still until
 * the corrected time has caught up. Before the first measurement it reads the local clock, which
 * sets no floor (the instance claims nothing until then, see {@link ClockOffsetMonitor}).
 */
public final class DatabaseClock extends Clock {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Clock local;
    private final AtomicLong offsetNanos = new AtomicLong();
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean measured;

    public DatabaseClock(Clock local) {
        this.local = local;
    }

    /** The uncorrected clock of this machine, which the offset is measured against. */
    public Clock local() {
        return local;
    }

    /** Database time minus local time, as last measured. */
    public Duration offset() {
        return Duration.ofNanos(offsetNanos.get());
    }

    /** Whether an offset has been measured yet. */
    public boolean measured() {
        return measured;
    }

    void correct(Duration offset) {
        offsetNanos.set(offset.toNanos());
        measured = true;
    }

    @Override
    public Instant instant() {
        long corrected = nanos(local.instant()) + offsetNanos.get();
        long now = measured ? lastNanos.accumulateAndGet(corrected, Math::max) : corrected;
        return Instant.ofEpochSecond(
                Math.floorDiv(now, NANOS_PER_SECOND), Math.floorMod(now, NANOS_PER_SECOND));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        DatabaseClock corrected = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return corrected.withZone(other);
            }

            @Override
            public Instant instant() {
                return corrected.instant();
            }
        };
    }

    private static long nanos(Instant instant) {
        return Math.addExact(
                Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    }
}
