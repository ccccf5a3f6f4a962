package dev.cakeday.greeting.delivery;

import dev.cakeday.mail.Emails;
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
        String retriedBy) {

    /** The entry with every address in its error masked, for a view across users. */
    public GreetingLogEntry withAddressesMasked() {
        return new GreetingLogEntry(
                id,
                occasion,
                date,
                dueAt,
                status,
                attempts,
                uncertainAttempts,
                Emails.maskWithin(lastError),
                nextAttemptAt,
                sentAt,
                providerMessageId,
                updatedAt,
                retriedAt,
                retriedBy);
    }
}
