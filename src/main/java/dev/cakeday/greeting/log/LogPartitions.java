package dev.cakeday.greeting.log;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The months of the {@code greetings} log (V7): one partition per month of local_date, named {@code
 * greetings_YYYY_MM}, and a default partition for a greeting whose month has none.
 */
@Repository
class LogPartitions {

    /** Creates the month's partition and moves its rows out of the default one (V7). */
    static final String ADD_MONTH = "SELECT greetings_add_month(:month)";

    static final String MONTHS_IN_DEFAULT =
            "SELECT DISTINCT CAST(date_trunc('month', local_date) AS date) FROM greetings_default";

    static final String PARTITIONS =
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = CAST('greetings' AS regclass)""";

    private static final Pattern MONTH_PARTITION = Pattern.compile("greetings_(\\d{4})_(\\d{2})");
    private static final DateTimeFormatter NAME =
            DateTimeFormatter.ofPattern("'greetings_'yyyy_MM");

    private final JdbcClient jdbc;

    LogPartitions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the month's partition if it has none; returns the rows moved out of the default. */
    long addMonth(YearMonth month) {
        return jdbc.sql(ADD_MONTH).param("month", month.atDay(1)).query(Long.class).single();
    }

    /** The months of the rows in the default partition, which should have none. */
    List<YearMonth> monthsInDefault() {
        return jdbc.sql(MONTHS_IN_DEFAULT).query(LocalDate.class).list().stream()
                .map(YearMonth::from)
                .sorted()
                .toList();
    }

    /** The months that have a partition, oldest first. */
    List<YearMonth> months() {
        return jdbc.sql(PARTITIONS).query(String.class).list().stream()
                .map(LogPartitions::month)
                .flatMap(Optional::stream)
                .sorted()
                .toList();
    }

    /** The partition's table name. */
    static String table(YearMonth month) {
        return NAME.format(month.atDay(1));
    }

    /** The month of a partition named as this class names them; empty for any other table. */
    static Optional<YearMonth> month(String table) {
        Matcher matcher = MONTH_PARTITION.matcher(table);
        return matcher.matches()
                ? Optional.of(
                        YearMonth.of(
                                Integer.parseInt(matcher.group(1)),
                                Integer.parseInt(matcher.group(2))))
                : Optional.empty();
    }
}
