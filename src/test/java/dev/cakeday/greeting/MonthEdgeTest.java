package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.planning.GreetingPlanner;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The log is partitioned by the user's local date, not by the UTC day a greeting goes out: at a
 * month's edge, a greeting of the 1st at 09:00 in Kiritimati (UTC+14) goes out at 19:00 UTC on the
 * last day of the month before, and one of the last day at 09:00 in Baker Island (UTC-12) at 21:00
 * UTC that day. In every zone, both land in the month of their local date.
 */
class MonthEdgeTest extends GreetingTestSupport {

    @Autowired GreetingPlanner planner;

    @Test
    void greetingsOfBothSidesOfAMonthsEdgeLandInTheirLocalMonthInEveryZone() {
        LocalDate lastDay =
                YearMonth.from(LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC).plusDays(2))
                        .atEndOfMonth();
        LocalDate firstDay = lastDay.plusDays(1);
        List<String> zones = List.copyOf(ZoneId.getAvailableZoneIds());
        Instant owedSince = CLOCK.instant().minus(Duration.ofDays(30));
        for (String zone : zones) {
            insertUsers(1, zone, born(lastDay), owedSince);
            insertUsers(1, zone, born(firstDay), owedSince);
        }

        // A run at the last day's midnight (UTC) plans both days in every zone: the window reaches
        // max-lateness back and the horizon ahead. (The daily run the clock's jump sets off may
        // plan some of them first.)
        CLOCK.advanceTo(lastDay.atStartOfDay(ZoneOffset.UTC).toInstant());
        planner.planAll(CLOCK.instant());
        assertThat(
                        jdbc.sql(
                                        "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                                .query(Long.class)
                                .single())
                .isEqualTo(2L * zones.size());
        CLOCK.advanceTo(sendInstant(firstDay, "Etc/GMT+12").plusSeconds(1));
        await(
                "every greeting of both days sent",
                Duration.ofSeconds(60),
                () ->
                        jdbc.sql("SELECT count(*) FROM greetings WHERE status = 'SENT'")
                                        .query(Long.class)
                                        .single()
                                == 2L * zones.size());

        List<Map<String, Object>> byPartition =
                jdbc.sql(
                                """
                                SELECT CAST(tableoid AS regclass)::text AS partition, local_date,
                                       count(*) AS greetings,
                                       count(*) FILTER (WHERE local_date <> CAST(due_at AT TIME ZONE 'UTC' AS date))
                                           AS sent_on_another_utc_day
                                FROM greetings GROUP BY 1, 2 ORDER BY 2""")
                        .query()
                        .listOfRows();
        assertThat(byPartition).hasSize(2);
        assertThat(byPartition.get(0))
                .containsEntry("partition", partition(lastDay))
                .containsEntry("local_date", java.sql.Date.valueOf(lastDay))
                .containsEntry("greetings", (long) zones.size());
        assertThat(byPartition.get(1))
                .containsEntry("partition", partition(firstDay))
                .containsEntry("local_date", java.sql.Date.valueOf(firstDay))
                .containsEntry("greetings", (long) zones.size());
        assertThat(byPartition)
                .as("in both months, greetings that went out on another UTC day than their own")
                .allSatisfy(
                        row -> assertThat((long) row.get("sent_on_another_utc_day")).isPositive());
    }

    /** A birth date with the day's month and day, in a leap year (the day may be 29 February). */
    static LocalDate born(LocalDate day) {
        return LocalDate.of(1992, day.getMonth(), day.getDayOfMonth());
    }

    static String partition(LocalDate day) {
        return "greetings_%d_%02d".formatted(day.getYear(), day.getMonthValue());
    }
}
