package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.greeting.occasion.Occasion;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import dev.cakeday.user.User;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Whether a greeting is still owed to its user: what delivery checks before every attempt, and an
 * operator's retry before it re-opens one.
 */
@Component
class GreetingEligibility {

    /** Why a greeting is no longer owed. */
    enum Obstacle {
        UNKNOWN_OCCASION,
        USER_DELETED,
        OPTED_OUT,
        DATE_CHANGED,
        NOT_OWED;

        /** The reason recorded in the log when the greeting is SKIPPED for it. */
        String reason(GreetingId id) {
            return switch (this) {
                case UNKNOWN_OCCASION -> "unknown occasion";
                case USER_DELETED -> "the user was deleted";
                case OPTED_OUT -> GreetingDelivery.OPTED_OUT;
                case DATE_CHANGED ->
                        "the user's "
                                + id.occasion().toLowerCase()
                                + " no longer falls on "
                                + id.date();
                case NOT_OWED -> "not owed: the user was created or changed after this date";
            };
        }
    }

    /** The verdict: owed, with what the greeting is written from, or not, with why. */
    sealed interface Verdict {
        record Owed(User user, LocalDate occasionDate, OwedSince owed) implements Verdict {}

        record NotOwed(Obstacle obstacle) implements Verdict {}
    }

    private final OccasionRegistry occasions;
    private final GreetingCalendar calendar;

    GreetingEligibility(OccasionRegistry occasions, GreetingCalendar calendar) {
        this.occasions = occasions;
        this.calendar = calendar;
    }

    Verdict check(GreetingId id, Optional<User> user, Optional<OwedSince> owed) {
        Optional<Occasion> occasion = occasions.find(id.occasion());
        if (occasion.isEmpty()) {
            return new Verdict.NotOwed(Obstacle.UNKNOWN_OCCASION);
        }
        if (user.isEmpty()) {
            return new Verdict.NotOwed(Obstacle.USER_DELETED);
        }
        if (user.get().optedOutOf(id.occasion())) {
            return new Verdict.NotOwed(Obstacle.OPTED_OUT);
        }
        Optional<LocalDate> date = occasion.get().dateOf(user.get());
        if (date.isEmpty()
                || !calendar.greetingDate(date.get(), id.date().getYear()).equals(id.date())) {
            return new Verdict.NotOwed(Obstacle.DATE_CHANGED);
        }
        if (owed.isEmpty() || !owed.get().owes(id.date())) {
            return new Verdict.NotOwed(Obstacle.NOT_OWED);
        }
        return new Verdict.Owed(user.get(), date.get(), owed.get());
    }
}
