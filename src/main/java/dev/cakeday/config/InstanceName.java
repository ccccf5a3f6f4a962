package dev.cakeday.config;

/** The name this instance's scheduler writes into {@code scheduled_tasks.picked_by}. */
public record InstanceName(String value) {
}
