package dev.cakeday.mail;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * One greeting as a channel sends it: who it is for, what it says, and what it is, so that a
 * channel that hands greetings on (a webhook) can say all of it.
 *
 * @param id the greeting's id ({@code {userId}:{OCCASION}:{date}}), the same on every attempt: the
 *     idempotency key of channels that de-duplicate
 * @param occasion the occasion's name, such as {@code BIRTHDAY}
 * @param date the occasion's date this year, in the user's zone
 * @param locale the language tag of {@code subject} and {@code text}
 * @param dueAt the instant the greeting was due
 */
public record OutgoingGreeting(
        String id,
        String occasion,
        LocalDate date,
        UUID userId,
        String firstName,
        String lastName,
        String email,
        String locale,
        String subject,
        String text,
        Instant dueAt) {

    /** The recipient's name as a mail header shows it. */
    public String fullName() {
        return firstName + " " + lastName;
    }
}
