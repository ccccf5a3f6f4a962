package dev.cakeday.greeting;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Since when greetings of one user's occasion are owed: the moment the user was created or last
 * changed the occasion's date or their zone, and that moment's local date in their zone.
 */
record OwedSince(Instant since, LocalDate from) {

    boolean owes(LocalDate greetingDate) {
        return !greetingDate.isBefore(from);
    }
}
