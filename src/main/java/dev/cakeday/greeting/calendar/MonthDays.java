package dev.cakeday.greeting.calendar;

import java.time.LocalDate;
import java.time.MonthDay;

/** A month-day as the MMDD number stored in {@code user_occasions.month_day} (314 = 14 March). */
public final class MonthDays {

    private MonthDays() {}

    public static int of(MonthDay monthDay) {
        return monthDay.getMonthValue() * 100 + monthDay.getDayOfMonth();
    }

    public static int of(LocalDate date) {
        return date.getMonthValue() * 100 + date.getDayOfMonth();
    }
}
