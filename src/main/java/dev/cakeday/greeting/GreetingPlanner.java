package dev.cakeday.greeting;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * Makes sure every owed greeting due inside the planning window has its {@code scheduled_tasks}
 * row, unless the delivery log already holds its final status. One set-based statement: Java
 * computes the send instant of every (zone, local date) in the window with {@link SendInstant};
 * PostgreSQL joins that small table to {@code user_occasions} through its month-day index.
 */
@Component
public class GreetingPlanner {

    private static final Logger log = LoggerFactory.getLogger(GreetingPlanner.class);
    private static final Set<ZoneId> ALL_ZONES = ZoneId.getAvailableZoneIds().stream().map(ZoneId::of)
            .collect(Collectors.toUnmodifiableSet());

    /**
     * The greetings owed in the window, with their ids and due instants. The lateral subquery
     * (kept apart from the join by OFFSET 0) makes every slot one index probe on
     * (month_day, timezone): the cost follows the users greeted in the window, not the table size.
     */
    static final String OWED_IN_WINDOW = """
            SELECT 'greeting' AS task_name,
                   o.user_id::text || ':' || o.occasion || ':' || to_char(s.local_date, 'YYYY-MM-DD') AS task_instance,
                   greatest(s.send_at, o.owed_since) AS execution_time
            FROM unnest(CAST(:zones AS text[]), CAST(:monthDays AS int[]), CAST(:localDates AS date[]),
                        CAST(:sendAts AS timestamptz[])) AS s (zone, month_day, local_date, send_at)
            CROSS JOIN LATERAL (
                SELECT user_id, occasion, owed_since, owed_from FROM user_occasions
                WHERE month_day = s.month_day AND timezone = s.zone
                OFFSET 0) o
            WHERE o.owed_from <= s.local_date
              AND greatest(s.send_at, o.owed_since) >= :windowStart
              AND NOT EXISTS (
                  SELECT 1 FROM greetings g
                  WHERE g.id = o.user_id::text || ':' || o.occasion || ':' || to_char(s.local_date, 'YYYY-MM-DD')
                    AND g.status <> 'SENDING')
            """;

    /** The daily run: rows that exist already (maybe picked, maybe rescheduled for a retry) stay as they are. */
    static final String PLAN_ALL = """
            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
            SELECT task_name, task_instance, execution_time, false, 1 FROM (%s) owed
            ON CONFLICT (task_name, task_instance) DO NOTHING""".formatted(OWED_IN_WINDOW);

    /**
     * A user write: their rows take the instants of their new data, except a row an instance has
     * picked, which its handler re-checks.
     */
    static final String PLAN_USER = """
            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
            SELECT task_name, task_instance, execution_time, false, 1 FROM (%s AND o.user_id = :userId) owed
            ON CONFLICT (task_name, task_instance) DO UPDATE
            SET execution_time = EXCLUDED.execution_time, version = scheduled_tasks.version + 1
            WHERE NOT scheduled_tasks.picked AND scheduled_tasks.execution_time <> EXCLUDED.execution_time
            RETURNING execution_time""".formatted(OWED_IN_WINDOW);

    /** Removes greeting rows no instance has picked; a picked one finishes and re-checks the user. */
    static final String CANCEL_UNPICKED = """
            DELETE FROM scheduled_tasks
            WHERE task_name = 'greeting' AND task_instance = ANY(:ids) AND NOT picked""";

    /** A cancelled greeting that was being retried and is no longer planned is closed in the log. */
    static final String SKIP_ABANDONED = """
            UPDATE greetings g
            SET status = 'SKIPPED', last_error = :reason, next_attempt_at = NULL, updated_at = :now
            WHERE g.id = ANY(:ids) AND g.status = 'SENDING'
              AND NOT EXISTS (SELECT 1 FROM scheduled_tasks t WHERE t.task_name = 'greeting' AND t.task_instance = g.id)""";

    private final JdbcClient jdbc;
    private final GreetingCalendar calendar;

    GreetingPlanner(JdbcClient jdbc, GreetingCalendar calendar) {
        this.jdbc = jdbc;
        this.calendar = calendar;
    }

    /** Plans every user's owed greetings in the window at {@code now}; returns the rows created. */
    public int planAll(Instant now) {
        long started = System.nanoTime();
        int created = bind(PLAN_ALL, ALL_ZONES, now).update();
        log.info("Planned greetings due {} .. {}: {} rows created in {} ms", calendar.windowStart(now),
                calendar.windowEnd(now), created, (System.nanoTime() - started) / 1_000_000);
        return created;
    }

    /**
     * Plans one user's owed greetings in the window, replacing the instants of rows not yet picked;
     * returns the execution times written.
     */
    List<Instant> planUser(UUID userId, ZoneId zone, Instant now) {
        return bind(PLAN_USER, List.of(zone), now).param("userId", userId)
                .query((rs, row) -> rs.getTimestamp(1).toInstant()).list();
    }

    /** Removes the rows of these greetings that no instance has picked. */
    void cancel(Collection<GreetingId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql(CANCEL_UNPICKED).param("ids", array("text", ids.stream().map(GreetingId::toString))).update();
    }

    /** After a re-plan: greetings among {@code ids} still SENDING but without a row are SKIPPED. */
    void closeAbandoned(Collection<GreetingId> ids, String reason, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql(SKIP_ABANDONED)
                .param("ids", array("text", ids.stream().map(GreetingId::toString)))
                .param("reason", reason)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
    }

    private JdbcClient.StatementSpec bind(String sql, Collection<ZoneId> zones, Instant now) {
        List<GreetingCalendar.Slot> slots = calendar.slotsInWindow(zones, now);
        return jdbc.sql(sql)
                .param("zones", array("text", slots.stream().map(s -> s.zone().getId())))
                .param("monthDays", array("int4", slots.stream().map(GreetingCalendar.Slot::monthDay)))
                .param("localDates", array("text", slots.stream().map(s -> s.localDate().toString())))
                .param("sendAts", array("text", slots.stream().map(s -> s.sendAt().toString())))
                .param("windowStart", calendar.windowStart(now).atOffset(ZoneOffset.UTC));
    }

    private static SqlArrayValue array(String type, Stream<?> values) {
        return new SqlArrayValue(type, values.toArray());
    }
}
