package dev.cakeday.mail.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cakeday.mail.OutgoingGreeting;

/**
 * The body of the {@code webhook} channel's POST: one greeting that is due, everything the receiver
 * needs to send it its own way. The fields sit at the top level, beside {@code type}, as Standard
 * Webhooks allows; dates, instants and ids are strings in ISO-8601 and canonical form, so that the
 * body never depends on how the JSON mapper writes java.time or UUID values. Every field is in
 * every event, null when the greeting has none, whatever the mapper's default inclusion.
 *
 * @param type always {@value #TYPE}; a receiver that will take more kinds of event one day can tell
 *     them apart by it
 * @param id the greeting's id, also sent as {@code webhook-id}: the same on every attempt
 * @param occasion the occasion's name, such as {@code BIRTHDAY}
 * @param date the occasion's date this year in the user's zone, such as {@code 2026-12-02}
 * @param userId the user's id, a UUID
 * @param locale the language tag {@code subject}, {@code text} and {@code html} are written in
 * @param html the message as HTML, for a receiver that sends mail, or null: text only
 * @param dueAt the instant the greeting was due, in UTC, such as {@code 2026-12-02T09:00:00Z}
 * @param unsubscribeUrl the one-click unsubscribe link (RFC 8058) for the mail's {@code
 *     List-Unsubscribe} header, or null when unsubscribe links are not configured
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record GreetingEvent(
        String type,
        String id,
        String occasion,
        String date,
        String userId,
        String firstName,
        String lastName,
        String email,
        String locale,
        String subject,
        String text,
        String html,
        String dueAt,
        String unsubscribeUrl) {

    static final String TYPE = "greeting.due";

    static GreetingEvent of(OutgoingGreeting greeting) {
        return new GreetingEvent(
                TYPE,
                greeting.id(),
                greeting.occasion(),
                greeting.date().toString(),
                greeting.userId().toString(),
                greeting.firstName(),
                greeting.lastName(),
                greeting.email(),
                greeting.locale(),
                greeting.subject(),
                greeting.text(),
                greeting.html(),
                greeting.dueAt().toString(),
                greeting.unsubscribe() == null ? null : greeting.unsubscribe().toASCIIString());
    }
}
