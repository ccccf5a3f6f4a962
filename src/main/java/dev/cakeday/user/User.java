package dev.cakeday.user;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A user as stored.
 *
 * @param locale the canonical BCP 47 tag of the language of their greetings, or null: the default
 * @param optOut the occasions they want no greetings for, sorted; {@link #ALL} alone for none at
 *     all
 */
public record User(
        UUID id,
        String firstName,
        String lastName,
        String email,
        LocalDate birthday,
        ZoneId timezone,
        LocalDate anniversary,
        String locale,
        List<String> optOut,
        Instant createdAt,
        Instant updatedAt) {

    /** The opt-out of every occasion. */
    public static final String ALL = "ALL";

    public User {
        optOut = List.copyOf(optOut);
    }

    /** Whether the user opted out of greetings of this occasion. */
    public boolean optedOutOf(String occasion) {
        return optOut.contains(ALL) || optOut.contains(occasion);
    }

    /** An opt-out as stored: the names sorted, without repeats; {@link #ALL} alone if listed. */
    static List<String> optOut(Collection<String> names) {
        return names.contains(ALL) ? List.of(ALL) : List.copyOf(new TreeSet<>(names));
    }
}
