package dev.cakeday.greeting;

import java.time.Instant;
import java.time.LocalDate;

/** One row of the delivery log, as {@code GET /user/{id}/greetings} shows it. */
record GreetingRecord(
        String id,
        String occasion,
        LocalDate date,
        Instant dueAt,
        GreetingStatus status,
        int attempts,
        int uncertainAttempts,
        String lastError,
        Instant nextAttemptAt,
        Instant sentAt,
        String providerMessageId,
        Instant updatedAt) {
}
