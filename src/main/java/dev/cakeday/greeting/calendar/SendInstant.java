package dev.cakeday.greeting.calendar;

import dev.cakeday.greeting.GreetingProperties;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.stereotype.Component;

/**
 * The one function that says when a greeting goes out: {@code send-time} on the greeting's local
 * date in the user's zone. A time inside a DST gap moves forward by the gap; in an overlap the
 * earlier instant is used ({@link ZonedDateTime#of} semantics). The planner, the API and the
 * delivery check all use it, so {@code sendAt} and {@code execution_time} always agree.
 */
@Component
public class SendInstant {

    private final LocalTime sendTime;

    SendInstant(GreetingProperties properties) {
        this.sendTime = properties.sendTime();
    }

    public Instant at(LocalDate date, ZoneId zone) {
        return ZonedDateTime.of(date, sendTime, zone).toInstant();
    }

    /**
     * When a greeting owed since {@code owedSince} goes out: at its send instant, or at once if the
     * user was created or changed on that day after it.
     */
    public Instant owed(LocalDate date, ZoneId zone, Instant owedSince) {
        Instant at = at(date, zone);
        return at.isBefore(owedSince) ? owedSince : at;
    }
}
