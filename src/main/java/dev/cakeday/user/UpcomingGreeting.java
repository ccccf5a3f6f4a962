package dev.cakeday.user;

import java.time.Instant;
import java.time.LocalDate;

/** The next greeting of one occasion, as shown with a user. */
public record UpcomingGreeting(String occasion, LocalDate date, Instant sendAt) {
}
