package dev.cakeday.config;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;

/**
 * The name this instance's scheduler writes into {@code scheduled_tasks.picked_by}: a prefix (the
 * configured {@code db-scheduler.scheduler-name}, or the JVM's {@code pid@host}) and a random
 * suffix drawn at each start. Two containers that share a hostname both run Java as PID 1; without
 * the suffix they would share a name, and one's graceful hand-off would release the other's rows
 * mid-send, for a second instance to send them again.
 */
public record InstanceName(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int SUFFIX_LENGTH = 6;

    /**
     * A name unique to this process start, beginning with {@code prefix} (or {@code pid@host} when
     * blank).
     */
    public static InstanceName startedAs(String prefix) {
        String base =
                prefix == null || prefix.isBlank()
                        ? ManagementFactory.getRuntimeMXBean().getName()
                        : prefix.strip();
        StringBuilder name = new StringBuilder(base).append('-');
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            name.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new InstanceName(name.toString());
    }
}
