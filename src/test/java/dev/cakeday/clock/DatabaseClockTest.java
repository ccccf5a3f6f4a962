package dev.cakeday.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The local clock corrected to the database's, and never running backwards once corrected. */
class DatabaseClockTest {

    static final Instant T = Instant.parse("2027-03-14T09:00:00Z");

    /** A monotonic clock that moves only when told. */
    static final class Monotonic implements java.util.function.LongSupplier {
        long nanos = 1_000_000_000L;

        void advance(Duration by) {
            nanos += by.toNanos();
        }

        @Override
        public long getAsLong() {
            return nanos;
        }
    }

    @Test
    void runsOnTheDatabasesTimeCarriedForwardOnTheMonotonicClock() {
        ManualClock local = new ManualClock(T);
        Monotonic monotonic = new Monotonic();
        DatabaseClock clock = new DatabaseClock(local, monotonic);
        assertThat(clock.measured()).isFalse();
        assertThat(clock.instant()).as("before any reading: the local time").isEqualTo(T);

        clock.correct(T.minusSeconds(120), monotonic.getAsLong(), T);

        assertThat(clock.measured()).isTrue();
        assertThat(clock.offset()).isEqualTo(Duration.ofSeconds(-120));
        assertThat(clock.instant()).isEqualTo(T.minusSeconds(120));
        monotonic.advance(Duration.ofSeconds(5));
        assertThat(clock.instant()).isEqualTo(T.minusSeconds(115));
    }

    /**
     * An NTP step or a VM resumed moves the wall clock; the database's time does not jump with it.
     */
    @Test
    void aStepOfTheWallClockDoesNotMoveIt() {
        ManualClock local = new ManualClock(T);
        Monotonic monotonic = new Monotonic();
        DatabaseClock clock = new DatabaseClock(local, monotonic);
        clock.correct(T, monotonic.getAsLong(), T);

        local.advance(Duration.ofMinutes(10));
        monotonic.advance(Duration.ofSeconds(1));

        assertThat(clock.instant()).isEqualTo(T.plusSeconds(1));
    }

    @Test
    void aReadingBehindItMakesItStandStillUntilTimeCatchesUp() {
        ManualClock local = new ManualClock(T);
        Monotonic monotonic = new Monotonic();
        DatabaseClock clock = new DatabaseClock(local, monotonic);
        clock.correct(T.plusSeconds(10), monotonic.getAsLong(), T);
        assertThat(clock.instant()).isEqualTo(T.plusSeconds(10));

        clock.correct(T, monotonic.getAsLong(), T);

        assertThat(clock.instant()).as("never backwards").isEqualTo(T.plusSeconds(10));
        monotonic.advance(Duration.ofSeconds(4));
        assertThat(clock.instant()).isEqualTo(T.plusSeconds(10));
        monotonic.advance(Duration.ofSeconds(7));
        assertThat(clock.instant()).as("caught up, then on").isEqualTo(T.plusSeconds(11));
    }

    @Test
    void aReadingAheadTakesEffectAtOnce() {
        ManualClock local = new ManualClock(T);
        Monotonic monotonic = new Monotonic();
        DatabaseClock clock = new DatabaseClock(local, monotonic);
        clock.correct(T, monotonic.getAsLong(), T);
        clock.correct(T.plusSeconds(3), monotonic.getAsLong(), T);
        assertThat(clock.instant()).isEqualTo(T.plusSeconds(3));
        assertThat(clock.withZone(ZoneId.of("Europe/Paris")).instant()).isEqualTo(T.plusSeconds(3));
    }
}
