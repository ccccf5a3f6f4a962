package dev.cakeday.greeting.log;

import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The first and last local date of the greetings a statement reads from the log, bound as {@code
 * :firstDate} and {@code :lastDate}. The log is partitioned by month of local_date, and a condition
 * {@code local_date BETWEEN :firstDate AND :lastDate} on plain dates lets PostgreSQL plan for those
 * months' partitions alone; an array of dates, which the statements bind as text, does not.
 */
public record LogDateRange(LocalDate first, LocalDate last) {

    /** The range of these dates; both ends null when there are none, which matches no row. */
    public static LogDateRange of(Collection<LocalDate> dates) {
        return new LogDateRange(
                dates.stream().min(Comparator.naturalOrder()).orElse(null),
                dates.stream().max(Comparator.naturalOrder()).orElse(null));
    }

    public JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
        return statement.param("firstDate", first).param("lastDate", last);
    }
}
