package dev.cakeday.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.github.kagkarlsson.scheduler.Scheduler;
import dev.cakeday.support.IntegrationTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An instance whose own clock is off measures the offset against the real PostgreSQL and runs on
 * the database's time; past max-offset it pauses its (real, unstarted) scheduler and reports out of
 * service, and resumes once its clock is back within bounds.
 */
class ClockOffsetMonitorTest extends IntegrationTest {

    @Autowired JdbcClient jdbc;
    @Autowired DataSource dataSource;

    @Test
    void anInstanceClockPastMaxOffsetStopsClaimingUntilItIsRightAgain() {
        ManualClock local = new ManualClock(Instant.now().plusSeconds(400));
        DatabaseClock clock = new DatabaseClock(local);
        Scheduler scheduler = Scheduler.create(dataSource).threads(1).build();
        ClockOffsetMonitor monitor =
                new ClockOffsetMonitor(
                        clock,
                        jdbc,
                        new StaticListableBeanFactory(Map.of("scheduler", scheduler))
                                .getBeanProvider(Scheduler.class),
                        new ClockProperties(Duration.ofSeconds(30), Duration.ofMinutes(5)),
                        new SimpleMeterRegistry());

        monitor.afterSingletonsInstantiated();

        assertThat(clock.offset().toMillis() / 1000.0).isCloseTo(-400.0, within(1.0));
        assertThat(Duration.between(Instant.now(), clock.instant()).abs())
                .as("the corrected clock tells the database's time")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(scheduler.getSchedulerState().isPaused()).as("claims nothing").isTrue();
        assertThat(monitor.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        local.set(Instant.now().minusSeconds(3));
        monitor.check();

        assertThat(clock.offset().toMillis() / 1000.0).isCloseTo(3.0, within(1.0));
        assertThat(scheduler.getSchedulerState().isPaused()).as("claims again").isFalse();
        assertThat(monitor.health().getStatus()).isEqualTo(Status.UP);
    }
}
