package dev.cakeday.greeting;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code {userId}:{OCCASION}:{localDate}}: the db-scheduler task instance, the provider's
 * Idempotency-Key and the delivery log key of one greeting, readable on purpose.
 */
public record GreetingId(UUID userId, String occasion, LocalDate date) {

    public static GreetingId parse(String id) {
        String[] parts = id.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a greeting id: " + id);
        }
        return new GreetingId(UUID.fromString(parts[0]), parts[1], LocalDate.parse(parts[2]));
    }

    /** The id, or empty when {@code id} is not one (a row written by hand, say). */
    public static Optional<GreetingId> tryParse(String id) {
        try {
            return Optional.of(parse(id));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return userId + ":" + occasion + ":" + date;
    }
}
