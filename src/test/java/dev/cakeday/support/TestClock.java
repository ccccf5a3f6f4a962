package dev.cakeday.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real time plus an offset that tests move forward. It keeps ticking (db-scheduler's waits loop
 * until the clock passes their deadline) and never goes back (a wait would then last the gap).
 */
public final class TestClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset.get());
    }

    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the test clock only moves forward");
        }
        offset.updateAndGet(current -> current.plus(by));
    }

    /** Moves to {@code target} if it lies ahead; returns the instant reached. */
    public Instant advanceTo(Instant target) {
        Duration ahead = Duration.between(instant(), target);
        if (!ahead.isNegative()) {
            advance(ahead);
        }
        return instant();
    }
}
