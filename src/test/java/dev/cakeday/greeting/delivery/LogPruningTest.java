package dev.cakeday.greeting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.GreetingTasks;
import dev.cakeday.greeting.planning.GreetingPlanner;
import dev.cakeday.support.MigratedSchema;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * The delivery's statements and the planner's duplicate check read the log's months of the
 * greetings they are about, not six years of them: with a log of 72 months, each plan, made for the
 * values bound as PostgreSQL makes it for the service, names no other partition. (An insert names
 * none: each row goes to its month as it is written.)
 */
class LogPruningTest {

    static final LocalDate LAST_DAY = LocalDate.of(2026, 12, 31);
    static final LocalDate FIRST_DAY = LocalDate.of(2027, 1, 1);
    static final Set<String> MONTHS = Set.of("greetings_2026_12", "greetings_2027_01");
    static final Pattern PARTITION = Pattern.compile("on (greetings_\\w+)");

    static MigratedSchema schema;

    @BeforeAll
    static void aLogOfSixYears() {
        schema = new MigratedSchema();
        schema.jdbc()
                .sql(
                        """
                        SELECT greetings_add_month(CAST(m AS date))
                        FROM generate_series(DATE '2022-01-01', DATE '2027-12-01', interval '1 month') AS m""")
                .query()
                .listOfRows();
    }

    @AfterAll
    static void drop() {
        schema.close();
    }

    static final Map<String, String> STATEMENTS =
            Map.of(
                    "facts of one", DeliveryFactsRepository.SELECT_FACTS,
                    "facts of a batch", DeliveryFactsRepository.SELECT_FACTS_OF_MANY,
                    "SENT of one", GreetingLogRepository.MARK_SENT_AND_REMOVE_ROW,
                    "SENT of a batch", GreetingLogRepository.MARK_SENT_AND_REMOVE_ROWS,
                    "a retry planned", GreetingLogRepository.RECORD_RETRY,
                    "a greeting's state", GreetingLogRepository.STATE,
                    "final among", GreetingLogRepository.FINAL_AMONG,
                    "an operator's retry", GreetingLogRepository.REOPEN,
                    "the daily planning run", GreetingPlanner.PLAN_ALL);

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "facts of one",
                "facts of a batch",
                "SENT of one",
                "SENT of a batch",
                "a retry planned",
                "a greeting's state",
                "final among",
                "an operator's retry",
                "the daily planning run"
            })
    void readsOnlyTheMonthsOfItsGreetings(String statement) {
        List<String> plan =
                schema.jdbc()
                        .sql("EXPLAIN " + STATEMENTS.get(statement))
                        .params(parameters())
                        .query(String.class)
                        .list();

        Set<String> read =
                plan.stream()
                        .map(PARTITION::matcher)
                        .filter(Matcher::find)
                        .map(matcher -> matcher.group(1))
                        .filter(name -> name.matches("greetings_(\\d{4}_\\d{2}|default)"))
                        .collect(Collectors.toSet());
        assertThat(read).as(String.join("\n", plan)).isNotEmpty().isSubsetOf(MONTHS);
    }

    /** Every parameter the statements name, for two greetings a day apart across a month's edge. */
    static Map<String, Object> parameters() {
        UUID user = UUID.randomUUID();
        String last = user + ":BIRTHDAY:" + LAST_DAY;
        String first = user + ":ANNIVERSARY:" + FIRST_DAY;
        OffsetDateTime now = OffsetDateTime.parse("2026-12-31T09:00:00Z");
        Map<String, Object> values = new HashMap<>();
        values.put("id", last);
        values.put("userId", user);
        values.put("occasion", "BIRTHDAY");
        values.put("localDate", LAST_DAY);
        values.put("dueAt", now);
        values.put("now", now);
        values.put("attempt", 1);
        values.put("messageId", "m-1");
        values.put("version", 1L);
        values.put("error", "503");
        values.put("next", now);
        values.put("uncertain", 0);
        values.put("askedBy", "ops");
        values.put("forced", false);
        values.put("taskName", GreetingTasks.GREETING_TASK);
        values.put("firstDate", LAST_DAY);
        values.put("lastDate", FIRST_DAY);
        values.put("ids", texts(last, first));
        values.put("userIds", texts(user.toString(), user.toString()));
        values.put("occasions", texts("BIRTHDAY", "ANNIVERSARY"));
        values.put("localDates", texts(LAST_DAY.toString(), FIRST_DAY.toString()));
        values.put("messageIds", texts("m-1", "m-2"));
        values.put("nows", texts(now.toString(), now.toString()));
        values.put("versions", new SqlArrayValue("int8", 1L, 1L));
        // The planner's slots: one zone on each side of the edge.
        values.put("zones", texts("Pacific/Kiritimati", "Etc/GMT+12"));
        values.put("monthDays", new SqlArrayValue("int4", 101, 1231));
        values.put("sendAts", texts("2026-12-31T19:00:00Z", "2026-12-31T21:00:00Z"));
        values.put("windowStart", now.minusDays(3));
        return values;
    }

    static SqlArrayValue texts(String... values) {
        return new SqlArrayValue("text", (Object[]) values);
    }
}
