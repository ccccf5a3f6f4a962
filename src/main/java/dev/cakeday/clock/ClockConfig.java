package dev.cakeday.clock;

import java.time.Clock;
import java.time.ZoneOffset;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One clock for the whole service, and for the fleet: the local clock corrected to PostgreSQL's
 * ({@link DatabaseClock}). Tests put their own clock in its place to move time instead of sleeping.
 */
@Configuration(proxyBeanMethods = false)
class ClockConfig {

    @Bean
    DatabaseClock databaseClock() {
        return new DatabaseClock(Clock.systemUTC());
    }

    /**
     * The service's clock: a view of the database clock, so that only one bean is a DatabaseClock.
     */
    @Bean
    Clock clock(DatabaseClock databaseClock) {
        return databaseClock.withZone(ZoneOffset.UTC);
    }

    /** The "clock" member of the readiness group. */
    @Bean
    HealthIndicator clockHealthIndicator(ClockOffsetMonitor monitor) {
        return monitor::health;
    }
}
