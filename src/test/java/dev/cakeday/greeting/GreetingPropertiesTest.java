package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * Settings the daily planner cannot honour stop the start-up, with one message naming the property.
 */
class GreetingPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GreetingProperties.class)
    static class Bound {}

    final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void aHorizonShorterThanADayStopsTheStart() {
        context.withPropertyValues("cakeday.greeting.horizon=23h")
                .run(
                        started -> {
                            assertThat(started).hasFailed();
                            assertThat(started.getStartupFailure())
                                    .rootCause()
                                    .hasMessage(
                                            "cakeday.greeting.horizon must be at least 1d (the planner runs daily), got PT23H");
                        });
    }

    @Test
    void aHorizonOfADayOrMoreIsAccepted() {
        context.withPropertyValues("cakeday.greeting.horizon=1d")
                .run(
                        started -> {
                            assertThat(started).hasNotFailed();
                            assertThat(started.getBean(GreetingProperties.class).horizon())
                                    .hasDays(1);
                        });
    }
}
