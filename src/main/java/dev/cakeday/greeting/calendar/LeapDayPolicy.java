package dev.cakeday.greeting.calendar;

import java.time.LocalDate;
import java.time.Month;
import java.time.MonthDay;
import java.time.Year;
import java.util.List;

/** On which day a Feb 29 occasion is greeted in a common year. */
public enum LeapDayPolicy {
    FEB_28,
    MAR_1;

    private static final MonthDay LEAP_DAY = MonthDay.of(Month.FEBRUARY, 29);

    /**
     * The local date on which an occasion falling on {@code monthDay} is greeted in {@code year}.
     */
    LocalDate dateIn(MonthDay monthDay, int year) {
        if (monthDay.equals(LEAP_DAY) && !Year.isLeap(year)) {
            return this == FEB_28 ? LocalDate.of(year, 2, 28) : LocalDate.of(year, 3, 1);
        }
        return monthDay.atYear(year);
    }

    /** The month-days (as MMDD numbers) of the occasions greeted on {@code date}. */
    List<Integer> monthDaysGreetedOn(LocalDate date) {
        int own = MonthDays.of(date);
        boolean stand = !date.isLeapYear() && (this == FEB_28 ? own == 228 : own == 301);
        return stand ? List.of(own, MonthDays.of(LEAP_DAY)) : List.of(own);
    }
}
