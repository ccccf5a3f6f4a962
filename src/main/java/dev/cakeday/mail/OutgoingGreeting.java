package dev.cakeday.mail;

import java.net.URI;
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
 * @param locale the language tag of {@code subject}, {@code text} and {@code html}
 * @param html the message as HTML for the email channels that send it, or null: text only
 * @param dueAt the instant the greeting was due
 * @param unsubscribe the one-click unsubscribe link (RFC 8058) email channels put in their headers,
 *     or null when unsubscribe links are not configured
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
        String html,
        Instant dueAt,
        URI unsubscribe) {

    /** The recipient's name as a mail header shows it. */
    public String fullName() {
        return firstName + " " + lastName;
    }
}
