package dev.cakeday.greeting.operator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Greetings due per UTC hour from {@code from}, one entry per hour, empty hours included. */
record UpcomingHours(Instant from, List<Hour> hours) {

    record Hour(Instant start, long total, Map<String, Long> byOccasion) {}
}
