package dev.cakeday.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The local clock corrected to the database's, and never running backwards once corrected. */
class DatabaseClockTest {

    static final Instant T = Instant.parse("2027-03-14T09:00:00Z");

    /** A local clock that moves only when told. */
    static final class ManualClock extends Clock {
        private Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void runsOnTheDatabasesTime() {
        ManualClock local = new ManualClock(T);
        DatabaseClock clock = new DatabaseClock(local);
        assertThat(clock.instant()).as("before any measurement: the local time").isEqualTo(T);

        clock.correct(Duration.ofSeconds(-120));

        assertThat(clock.measured()).isTrue();
        assertThat(clock.instant()).isEqualTo(T.minusSeconds(120));
        assertThat(clock.offset()).isEqualTo(Duration.ofSeconds(-120));
        local.advance(Duration.ofSeconds(5));
        assertThat(clock.instant()).isEqualTo(T.minusSeconds(115));
    }

    @Test
    void aCorrectionBackwardsMakesItStandStillUntilTimeCatchesUp() {
        ManualClock local = new ManualClock(T);
        DatabaseClock clock = new DatabaseClock(local);
        clock.correct(Duration.ofSeconds(10));
        assertThat(clock.instant()).isEqualTo(T.plusSeconds(10));

        clock.correct(Duration.ZERO);

        assertThat(clock.instant()).as("never backwards").isEqualTo(T.plusSeconds(10));
        local.advance(Duration.ofSeconds(4));
        assertThat(clock.instant()).isEqualTo(T.plusSeconds(10));
        local.advance(Duration.ofSeconds(7));
        assertThat(clock.instant()).as("caught up, then on").isEqualTo(T.plusSeconds(11));
    }

    @Test
    void aCorrectionForwardsTakesEffectAtOnce() {
        ManualClock local = new ManualClock(T);
        DatabaseClock clock = new DatabaseClock(local);
        clock.correct(Duration.ZERO);
        clock.correct(Duration.ofSeconds(3));
        assertThat(clock.instant()).isEqualTo(T.plusSeconds(3));
        assertThat(clock.withZone(ZoneId.of("Europe/Paris")).instant()).isEqualTo(T.plusSeconds(3));
    }
}
