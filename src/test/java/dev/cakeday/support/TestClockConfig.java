package dev.cakeday.support;

import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Puts the tests' {@link TestClock} in place of the system clock, for the service and db-scheduler
 * alike.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestClockConfig {

    @Bean
    @Primary
    Clock testClock() {
        return IntegrationTest.CLOCK;
    }
}
