package dev.cakeday.greeting.occasion;

import dev.cakeday.user.User;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A dated occasion Cakeday greets users on. A new occasion is one more Spring bean implementing
 * this, with its English subject and text in {@code greetings/en.properties}; {@link
 * OccasionRegistry} registers it.
 */
public interface Occasion {

    /** Upper-case name, part of every greeting id ({@code {userId}:{NAME}:{date}}). */
    String name();

    /** The user's date of this occasion, if they have one. */
    Optional<LocalDate> dateOf(User user);

    /** The {@code users} column that holds this date, for set-based work such as a bulk import. */
    String usersColumn();
}
