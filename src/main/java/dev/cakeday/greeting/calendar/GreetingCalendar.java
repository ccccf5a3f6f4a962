package dev.cakeday.greeting.calendar;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingProperties;
import dev.cakeday.greeting.occasion.Occasion;
import dev.cakeday.user.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Component;

/** Which local dates greetings fall on, and which of them lie in the planning window. */
@Component
public class GreetingCalendar {

    // A greeting owed "at once" can go out up to a day after its send instant (same local date).
    private static final Duration SAME_DAY_SLACK = Duration.ofDays(1);

    private final SendInstant sendInstant;
    private final LeapDayPolicy leapDay;
    private final Duration maxLateness;
    private final Duration horizon;

    public GreetingCalendar(SendInstant sendInstant, GreetingProperties properties) {
        this.sendInstant = sendInstant;
        this.leapDay = properties.leapDay();
        this.maxLateness = properties.maxLateness();
        this.horizon = properties.horizon();
    }

    /**
     * A local date in a zone, its send instant, and the month-day of the occasions greeted on it.
     */
    public record Slot(ZoneId zone, int monthDay, LocalDate localDate, Instant sendAt) {}

    /** The planning window at {@code now}: greetings due in it must have their row. */
    public Instant windowStart(Instant now) {
        return now.minus(maxLateness);
    }

    public Instant windowEnd(Instant now) {
        return now.plus(horizon);
    }

    /**
     * Every slot of these zones whose send instant could make a greeting due inside the window:
     * from a day before its start (a same-day greeting owed at once may fall due later than its
     * send instant) to its end.
     */
    public List<Slot> slotsInWindow(Collection<ZoneId> zones, Instant now) {
        return slots(zones, windowStart(now), windowEnd(now));
    }

    /**
     * Slots whose greetings can fall due in [from, to]: send instants from a day before {@code
     * from} to {@code to}.
     */
    public List<Slot> slots(Collection<ZoneId> zones, Instant dueFrom, Instant to) {
        Instant from = dueFrom.minus(SAME_DAY_SLACK);
        List<Slot> slots = new ArrayList<>();
        for (ZoneId zone : zones) {
            LocalDate last = LocalDate.ofInstant(to, zone);
            for (LocalDate date = LocalDate.ofInstant(from, zone);
                    !date.isAfter(last);
                    date = date.plusDays(1)) {
                Instant at = sendInstant.at(date, zone);
                if (!at.isBefore(from) && !at.isAfter(to)) {
                    for (int monthDay : leapDay.monthDaysGreetedOn(date)) {
                        slots.add(new Slot(zone, monthDay, date, at));
                    }
                }
            }
        }
        return slots;
    }

    /** The local date an occasion on {@code occasionDate} is greeted on in {@code year}. */
    public LocalDate greetingDate(LocalDate occasionDate, int year) {
        return leapDay.dateIn(MonthDay.from(occasionDate), year);
    }

    /**
     * The greeting dates of an occasion in the years around {@code now}: every date whose greeting
     * can still be pending (up to max-lateness ago) or planned (up to the horizon ahead).
     */
    private List<LocalDate> greetingDatesAround(LocalDate occasionDate, Instant now) {
        int year = LocalDate.ofInstant(now, ZoneOffset.UTC).getYear();
        return List.of(
                greetingDate(occasionDate, year - 1),
                greetingDate(occasionDate, year),
                greetingDate(occasionDate, year + 1));
    }

    /** True once a greeting due at {@code dueAt} may no longer be sent. */
    public boolean expired(Instant dueAt, Instant now) {
        return !now.isBefore(deadline(dueAt));
    }

    public Instant deadline(Instant dueAt) {
        return dueAt.plus(maxLateness);
    }

    /**
     * The latest deadline any greeting of this local date can have, whatever the user's zone: its
     * date ends last at UTC−12, and a greeting owed that same day is due at the latest then. Past
     * it, the greeting is expired without knowing the user.
     */
    public Instant latestDeadline(LocalDate date) {
        return deadline(date.plusDays(1).atTime(LocalTime.NOON).toInstant(ZoneOffset.UTC));
    }

    /**
     * The ids of the user's greetings of this occasion that can still be pending or planned around
     * {@code now}.
     */
    public List<GreetingId> idsAround(User user, Occasion occasion, Instant now) {
        return occasion.dateOf(user).stream()
                .flatMap(date -> greetingDatesAround(date, now).stream())
                .map(date -> new GreetingId(user.id(), occasion.name(), date))
                .toList();
    }
}
