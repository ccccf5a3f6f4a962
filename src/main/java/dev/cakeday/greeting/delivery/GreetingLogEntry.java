package dev.cakeday.greeting.delivery;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One row of the delivery log, as {@code GET /user/{id}/greetings} shows it; {@code retriedAt} and
 * {@code retriedBy}: the latest operator's retry, if any.
 */
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
        Instant updatedAt,
        Instant retriedAt,
        String retriedBy) {}
