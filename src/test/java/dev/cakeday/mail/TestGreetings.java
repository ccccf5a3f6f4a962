package dev.cakeday.mail;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** Greetings for channel tests, where only the id, the address and the text matter. */
public final class TestGreetings {

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
}
