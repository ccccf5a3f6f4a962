package dev.cakeday.greeting;

import java.time.Instant;

/**
 * A greeting's row in {@code scheduled_tasks}: when it runs next, and whether an instance holds it.
 */
record PendingGreeting(
        String id, Instant executionTime, boolean picked, String pickedBy, Instant lastHeartbeat) {}
