package dev.cakeday.greeting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.calendar.LeapDayPolicy;
import dev.cakeday.greeting.calendar.SendInstantTest;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    final RetryPolicy policy =
            new RetryPolicy(SendInstantTest.properties(LocalTime.of(9, 0), LeapDayPolicy.FEB_28));

    @Test
    void theBoundStartsAt30SecondsDoublesAndStopsAt15Minutes() {
        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.ceiling(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.ceiling(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(policy.ceiling(5)).isEqualTo(Duration.ofSeconds(480));
        assertThat(policy.ceiling(6)).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.ceiling(1_000)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void delaysAreSpreadOverTheWholeRangeUpToTheBound() {
        Set<Long> quarters = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            Duration delay = policy.delay(3);
            assertThat(delay).isBetween(Duration.ZERO, Duration.ofSeconds(120));
            quarters.add(Math.min(delay.toMillis() / 30_000, 3));
        }
        assertThat(quarters)
                .as("full jitter reaches every quarter of the range")
                .containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
    }
}
