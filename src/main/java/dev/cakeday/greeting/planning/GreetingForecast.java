package dev.cakeday.greeting.planning;

import dev.cakeday.greeting.GreetingTasks;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The greetings due per hour ahead: the rows already planned, and the planner's own computation for
 * the owed greetings that have no row yet (beyond the planning horizon), so that the two never
 * disagree and none is counted twice.
 */
@Component
public class GreetingForecast {

    /**
     * The queued rows due before {@code to}, per UTC hour and occasion; rows already overdue count
     * in the first hour. The occasion is the second part of the row's id.
     */
    static final String PLANNED_PER_HOUR =
            """
            SELECT date_trunc('hour', greatest(execution_time, :from), 'UTC') AS hour,
                   split_part(task_instance, ':', 2) AS occasion, count(*) AS greetings
            FROM scheduled_tasks
            WHERE task_name = :taskName AND execution_time < :to
            GROUP BY 1, 2""";

    private final JdbcClient jdbc;
    private final GreetingPlanner planner;

    GreetingForecast(JdbcClient jdbc, GreetingPlanner planner) {
        this.jdbc = jdbc;
        this.planner = planner;
    }

    /** Greetings due in [from, to) per hour and occasion, from {@code from}'s hour on. */
    public List<HourlyCount> perHour(Instant from, Instant to) {
        List<HourlyCount> counts =
                new ArrayList<>(
                        jdbc.sql(PLANNED_PER_HOUR)
                                .param("taskName", GreetingTasks.GREETING_TASK)
                                .param("from", from.atOffset(ZoneOffset.UTC))
                                .param("to", to.atOffset(ZoneOffset.UTC))
                                .query(HourlyCount::fromRow)
                                .list());
        counts.addAll(planner.owedPerHour(from, to));
        return counts;
    }
}
