package dev.cakeday.mail;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** Greetings for channel tests, where only the id, the address and the text matter. */
public final class TestGreetings {

    /** A one-click unsubscribe link as a configured Cakeday would give one. */
    public static final URI UNSUBSCRIBE =
            URI.create("https://cakeday.example/unsubscribe?user=42&token=c2lnbmVk");

    private TestGreetings() {}

    public static OutgoingGreeting greeting(String id, String email, String text) {
        return new OutgoingGreeting(
                id,
                "BIRTHDAY",
                LocalDate.of(2026, 12, 2),
                UUID.fromString("00000000-0000-0000-0000-000000000042"),
                "Ada",
                "Lovelace",
                email,
                "en",
                "Happy birthday, Ada!",
                text,
                null,
                Instant.parse("2026-12-02T09:00:00Z"),
                null);
    }

    /** {@code greeting} with an HTML version of its text. */
    public static OutgoingGreeting withHtml(OutgoingGreeting greeting, String html) {
        return with(greeting, html, greeting.unsubscribe());
    }

    /** {@code greeting} with a one-click unsubscribe link. */
    public static OutgoingGreeting withUnsubscribe(OutgoingGreeting greeting, URI link) {
        return with(greeting, greeting.html(), link);
    }

    private static OutgoingGreeting with(OutgoingGreeting greeting, String html, URI link) {
        return new OutgoingGreeting(
                greeting.id(),
                greeting.occasion(),
                greeting.date(),
                greeting.userId(),
                greeting.firstName(),
                greeting.lastName(),
                greeting.email(),
                greeting.locale(),
                greeting.subject(),
                greeting.text(),
                html,
                greeting.dueAt(),
                link);
    }
}
