package dev.cakeday.greeting.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.GreetingProperties;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The time rules, on the one function that computes send instants and on the leap-day policy. */
public class SendInstantTest {

    public static GreetingProperties properties(LocalTime sendTime, LeapDayPolicy leapDay) {
        return new GreetingProperties(
                sendTime,
                leapDay,
                Duration.ofDays(3),
                Duration.ofDays(3),
                LocalTime.of(0, 10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(15),
                Map.of(),
                Map.of(),
                Locale.ENGLISH,
                null,
                true);
    }

    static SendInstant at(LocalTime sendTime) {
        return new SendInstant(properties(sendTime, LeapDayPolicy.FEB_28));
    }

    @Test
    void nineOClockLocalInPlainZones() {
        SendInstant nine = at(LocalTime.of(9, 0));
        assertThat(nine.at(LocalDate.of(2027, 3, 14), ZoneId.of("UTC")))
                .isEqualTo("2027-03-14T09:00:00Z");
        assertThat(nine.at(LocalDate.of(2027, 7, 1), ZoneId.of("Asia/Kolkata")))
                .isEqualTo("2027-07-01T03:30:00Z");
        assertThat(nine.at(LocalDate.of(2027, 7, 1), ZoneId.of("America/Argentina/Buenos_Aires")))
                .isEqualTo("2027-07-01T12:00:00Z");
    }

    @Test
    void dayOfSpringForwardAndFallBackInNewYorkAndLondon() {
        SendInstant nine = at(LocalTime.of(9, 0));
        ZoneId newYork = ZoneId.of("America/New_York");
        ZoneId london = ZoneId.of("Europe/London");
        // 2027-03-14: New York moves from EST (-5) to EDT (-4) at 02:00; 09:00 is EDT.
        assertThat(nine.at(LocalDate.of(2027, 3, 14), newYork)).isEqualTo("2027-03-14T13:00:00Z");
        // 2027-11-07: back to EST at 02:00; 09:00 is EST.
        assertThat(nine.at(LocalDate.of(2027, 11, 7), newYork)).isEqualTo("2027-11-07T14:00:00Z");
        // 2027-03-28 and 2027-10-31: London's changes at 01:00 and 02:00 local.
        assertThat(nine.at(LocalDate.of(2027, 3, 28), london)).isEqualTo("2027-03-28T08:00:00Z");
        assertThat(nine.at(LocalDate.of(2027, 10, 31), london)).isEqualTo("2027-10-31T09:00:00Z");
    }

    @Test
    void aSendTimeInsideTheGapMovesForwardByTheGap() {
        // New York 2027-03-14: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist: 03:30 EDT.
        assertThat(
                        at(LocalTime.of(2, 30))
                                .at(LocalDate.of(2027, 3, 14), ZoneId.of("America/New_York")))
                .isEqualTo("2027-03-14T07:30:00Z");
        // London 2027-03-28: 01:00 GMT jumps to 02:00 BST, so 01:30 becomes 02:30 BST.
        assertThat(
                        at(LocalTime.of(1, 30))
                                .at(LocalDate.of(2027, 3, 28), ZoneId.of("Europe/London")))
                .isEqualTo("2027-03-28T01:30:00Z");
    }

    @Test
    void aSendTimeInsideTheOverlapTakesTheEarlierInstant() {
        // New York 2027-11-07: 01:30 happens twice, first in EDT (-4).
        assertThat(
                        at(LocalTime.of(1, 30))
                                .at(LocalDate.of(2027, 11, 7), ZoneId.of("America/New_York")))
                .isEqualTo("2027-11-07T05:30:00Z");
        // London 2027-10-31: 01:30 happens twice, first in BST (+1).
        assertThat(
                        at(LocalTime.of(1, 30))
                                .at(LocalDate.of(2027, 10, 31), ZoneId.of("Europe/London")))
                .isEqualTo("2027-10-31T00:30:00Z");
    }

    static Stream<Arguments> transitions() {
        return Stream.of(
                        "America/New_York",
                        "Europe/London",
                        "Australia/Sydney",
                        "America/Santiago",
                        "Australia/Lord_Howe")
                .flatMap(
                        zone ->
                                ZoneId.of(zone).getRules().getTransitions().isEmpty()
                                        ? Stream.empty()
                                        : transitionsIn(ZoneId.of(zone), 2027)
                                                .map(t -> Arguments.of(zone, t)));
    }

    private static Stream<ZoneOffsetTransition> transitionsIn(ZoneId zone, int year) {
        Stream.Builder<ZoneOffsetTransition> found = Stream.builder();
        Instant cursor = LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = LocalDate.of(year + 1, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        ZoneOffsetTransition next;
        while ((next = zone.getRules().nextTransition(cursor)) != null
                && next.getInstant().isBefore(end)) {
            found.add(next);
            cursor = next.getInstant();
        }
        return found.build();
    }

    /**
     * On every DST change of 2027 in the five zones: a send time inside a gap goes out the gap's
     * length later, at the new offset; inside an overlap, at the earlier instant (the old offset);
     * and 09:00 on that day is 09:00 local.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transitions")
    void dstChangeDays(String zoneId, ZoneOffsetTransition transition) {
        ZoneId zone = ZoneId.of(zoneId);
        Duration shift = transition.getDuration().abs();
        if (transition.isGap()) {
            // Local times from getDateTimeBefore() (inclusive) to getDateTimeAfter() do not exist.
            LocalDateTime inside = transition.getDateTimeBefore().plus(shift.dividedBy(2));
            Instant sent = at(inside.toLocalTime()).at(inside.toLocalDate(), zone);
            assertThat(sent).isEqualTo(inside.plus(shift).toInstant(transition.getOffsetAfter()));
            assertThat(sent.atZone(zone).toLocalTime()).isEqualTo(inside.toLocalTime().plus(shift));
        } else {
            // Local times from getDateTimeAfter() to getDateTimeBefore() happen twice.
            LocalDateTime inside = transition.getDateTimeAfter().plus(shift.dividedBy(2));
            Instant sent = at(inside.toLocalTime()).at(inside.toLocalDate(), zone);
            Instant earlier = inside.toInstant(transition.getOffsetBefore());
            Instant later = inside.toInstant(transition.getOffsetAfter());
            assertThat(earlier).isBefore(later);
            assertThat(sent).isEqualTo(earlier);
        }
        LocalDate day = transition.getDateTimeBefore().toLocalDate();
        Instant nine = at(LocalTime.of(9, 0)).at(day, zone);
        assertThat(nine.atZone(zone).toLocalDateTime()).isEqualTo(day.atTime(9, 0));
    }

    @Test
    void kiritimatiAndBakerIslandAroundNewYear() {
        SendInstant nine = at(LocalTime.of(9, 0));
        ZoneId kiritimati = ZoneId.of("Pacific/Kiritimati");
        ZoneId minusTwelve = ZoneId.of("Etc/GMT+12");
        assertThat(nine.at(LocalDate.of(2027, 12, 31), kiritimati))
                .isEqualTo("2027-12-30T19:00:00Z");
        assertThat(nine.at(LocalDate.of(2028, 1, 1), kiritimati)).isEqualTo("2027-12-31T19:00:00Z");
        assertThat(nine.at(LocalDate.of(2027, 12, 31), minusTwelve))
                .isEqualTo("2027-12-31T21:00:00Z");
        assertThat(nine.at(LocalDate.of(2028, 1, 1), minusTwelve))
                .isEqualTo("2028-01-01T21:00:00Z");
    }

    @Test
    void owedAtOnceWhenCreatedOnTheDayAfterTheSendTime() {
        SendInstant nine = at(LocalTime.of(9, 0));
        LocalDate day = LocalDate.of(2027, 5, 5);
        ZoneId utc = ZoneId.of("UTC");
        Instant beforeNine = Instant.parse("2027-05-05T08:00:00Z");
        Instant afterNine = Instant.parse("2027-05-05T15:20:00Z");
        assertThat(nine.owed(day, utc, beforeNine)).isEqualTo("2027-05-05T09:00:00Z");
        assertThat(nine.owed(day, utc, afterNine)).isEqualTo(afterNine);
    }

    @ParameterizedTest
    @ValueSource(ints = {2027, 2100, 1900})
    void leapDayInACommonYear(int year) {
        MonthDay leapDay = MonthDay.of(Month.FEBRUARY, 29);
        assertThat(LeapDayPolicy.FEB_28.dateIn(leapDay, year)).isEqualTo(LocalDate.of(year, 2, 28));
        assertThat(LeapDayPolicy.MAR_1.dateIn(leapDay, year)).isEqualTo(LocalDate.of(year, 3, 1));
        assertThat(LeapDayPolicy.FEB_28.monthDaysGreetedOn(LocalDate.of(year, 2, 28)))
                .containsExactly(228, 229);
        assertThat(LeapDayPolicy.FEB_28.monthDaysGreetedOn(LocalDate.of(year, 3, 1)))
                .containsExactly(301);
        assertThat(LeapDayPolicy.MAR_1.monthDaysGreetedOn(LocalDate.of(year, 3, 1)))
                .containsExactly(301, 229);
        assertThat(LeapDayPolicy.MAR_1.monthDaysGreetedOn(LocalDate.of(year, 2, 28)))
                .containsExactly(228);
    }

    @ParameterizedTest
    @ValueSource(ints = {2028, 2000, 2024})
    void leapDayInALeapYear(int year) {
        MonthDay leapDay = MonthDay.of(Month.FEBRUARY, 29);
        for (LeapDayPolicy policy : LeapDayPolicy.values()) {
            assertThat(policy.dateIn(leapDay, year)).isEqualTo(LocalDate.of(year, 2, 29));
            assertThat(policy.monthDaysGreetedOn(LocalDate.of(year, 2, 29))).containsExactly(229);
            assertThat(policy.monthDaysGreetedOn(LocalDate.of(year, 2, 28))).containsExactly(228);
            assertThat(policy.monthDaysGreetedOn(LocalDate.of(year, 3, 1))).containsExactly(301);
        }
    }

    @Test
    void slotsCoverTheWindowWithLeapDayStandIns() {
        GreetingCalendar calendar =
                new GreetingCalendar(
                        at(LocalTime.of(9, 0)),
                        properties(LocalTime.of(9, 0), LeapDayPolicy.MAR_1));
        Instant now = Instant.parse("2027-03-01T12:00:00Z");
        var slots = calendar.slotsInWindow(java.util.List.of(ZoneId.of("UTC")), now);

        assertThat(slots)
                .allSatisfy(
                        slot ->
                                assertThat(slot.sendAt())
                                        .isBetween(
                                                now.minus(Duration.ofDays(4)),
                                                now.plus(Duration.ofDays(3))));
        assertThat(slots)
                .filteredOn(slot -> slot.monthDay() == 229)
                .singleElement()
                .satisfies(
                        slot -> assertThat(slot.localDate()).isEqualTo(LocalDate.of(2027, 3, 1)));
        assertThat(slots).filteredOn(slot -> slot.monthDay() == 301).hasSize(1);
        assertThat(slots)
                .extracting(GreetingCalendar.Slot::localDate)
                .contains(LocalDate.of(2027, 2, 26), LocalDate.of(2027, 3, 4));
    }
}
