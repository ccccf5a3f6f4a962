package dev.cakeday.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Spring's scheduling, for light periodic work such as refreshing gauges (greetings run on
 * db-scheduler).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfig {}
