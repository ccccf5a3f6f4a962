package dev.cakeday.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The database's time, as this instance knows it: the last reading of PostgreSQL's clock carried
 * forward on the monotonic clock, so that every instance of the fleet claims, checks "not before",
 * records and measures lateness on one time, and a step of this machine's wall clock (an NTP step,
 * a VM resumed) cannot move it. Once read, it never runs backwards: when a new reading is behind
 * it, it stands still until that reading's time has caught up. Before the first reading it tells
 * the local wall clock, which sets no floor (the instance claims nothing until then, see {@link
 * ClockOffsetMonitor}).
 */
public final class DatabaseClock extends Clock {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * The database's time at a monotonic instant, and the local wall clock's offset from it then.
     */
    private record Reading(long databaseNanos, long monotonicNanos, long offsetNanos) {}

    private final Clock local;
    private final LongSupplier monotonic;
    private final AtomicReference<Reading> reading = new AtomicReference<>();
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);

    public DatabaseClock(Clock local) {
        this(local, System::nanoTime);
    }

    DatabaseClock(Clock local, LongSupplier monotonic) {
        this.local = local;
        this.monotonic = monotonic;
    }

    /** This machine's wall clock, which the offset is measured against. */
    public Clock local() {
        return local;
    }

    /** This machine's monotonic clock, in nanoseconds from an arbitrary origin. */
    public long monotonicNanos() {
        return monotonic.getAsLong();
    }

    /** Database time minus local wall-clock time, at the last reading. */
    public Duration offset() {
        Reading last = reading.get();
        return last == null ? Duration.ZERO : Duration.ofNanos(last.offsetNanos());
    }

    /** Whether the database's clock has been read yet. */
    public boolean measured() {
        return reading.get() != null;
    }

    /**
     * The database told {@code database} at {@code monotonicNanos}, when the wall clock told {@code
     * localTime}.
     */
    void correct(Instant database, long monotonicNanos, Instant localTime) {
        long databaseNanos = nanos(database);
        reading.set(new Reading(databaseNanos, monotonicNanos, databaseNanos - nanos(localTime)));
    }

    @Override
    public Instant instant() {
        Reading last = reading.get();
        if (last == null) {
            return local.instant();
        }
        long carried = last.databaseNanos() + (monotonic.getAsLong() - last.monotonicNanos());
        long now = lastNanos.accumulateAndGet(carried, Math::max);
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
