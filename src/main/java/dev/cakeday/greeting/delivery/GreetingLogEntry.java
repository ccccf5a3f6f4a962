package dev.cakeday.greeting.delivery;

import java.time.Instant;
import java.time.LocalDate;

/** One row of the delivery log, as {@code GET /user/{id}/greetings} shows it. */
public record GreetingLogEntry(
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
        Instant updatedAt) {}
