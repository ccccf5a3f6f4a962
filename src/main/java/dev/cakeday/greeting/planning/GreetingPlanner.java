package dev.cakeday.greeting.planning;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingMetrics;
import dev.cakeday.greeting.GreetingTasks;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.MonthDays;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.greeting.log.LogDateRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * Makes sure every owed greeting due inside the planning window has its {@code scheduled_tasks}
 * row, unless the delivery log already holds its final status. Set-based: Java computes the send
 * instant of every (zone, local date) in the window with {@link SendInstant}; PostgreSQL joins that
 * small table of slots to {@code user_occasions}.
 */
@Component
public class GreetingPlanner {

    private static final Logger log = LoggerFactory.getLogger(GreetingPlanner.class);
    // Sorted, so that instances planning at once insert in the same order and never deadlock.
    static final List<ZoneId> ALL_ZONES =
            ZoneId.getAvailableZoneIds().stream().sorted().map(ZoneId::of).toList();
    // Greetings never planned are recorded EXPIRED at most this far back after an outage.
    private static final Duration MAX_GAP = Duration.ofDays(366);

    /*
     * The planning statements share three complete CTEs, each a query of its own:
     *   slots     - the (zone, local date) pairs of the window with their send instants, bound as arrays;
     *   occasions - the user occasions greeted in those slots, found either by index probe (every user),
     *               by primary key (one user) or from what a new user's insert of them returned;
     *   owed      - their greeting ids and due instants, for the occasions owed on that date.
     * PostgreSQL inlines each (they are referenced once), so the plan is the same as one flat query.
     */

    /** The window's slots, from arrays bound in the same order (see {@link #bind}). */
    private static final String SLOTS =
            """
            slots AS (
                SELECT * FROM unnest(CAST(:zones AS text[]), CAST(:monthDays AS int[]), CAST(:localDates AS date[]),
                                     CAST(:sendAts AS timestamptz[])) AS s (zone, month_day, local_date, send_at))""";

    /**
     * Every user's occasions in the slots. The lateral subquery (kept apart from the join by OFFSET
     * 0) makes every slot one index probe on (month_day, timezone): the cost follows the users
     * greeted in the window, not the table size.
     */
    private static final String OCCASIONS_IN_SLOTS =
            """
            occasions AS (
                SELECT s.local_date, s.send_at, o.user_id, o.occasion, o.owed_since, o.owed_from
                FROM slots s
                CROSS JOIN LATERAL (
                    SELECT user_id, occasion, owed_since, owed_from FROM user_occasions
                    WHERE month_day = s.month_day AND timezone = s.zone
                    OFFSET 0) o)""";

    /** One user's occasions of a set, found by the primary key, in the slots of their zone. */
    private static final String OCCASIONS_OF_USER =
            """
            occasions AS (
                SELECT s.local_date, s.send_at, o.user_id, o.occasion, o.owed_since, o.owed_from
                FROM user_occasions o
                JOIN slots s ON s.month_day = o.month_day AND s.zone = o.timezone
                WHERE o.user_id = :userId AND o.occasion = ANY(CAST(:occasions AS text[])))""";

    /** The owed greetings of those occasions: the one place that says when a greeting is due. */
    private static final String OWED =
            """
            owed AS (
                SELECT user_id::text || ':' || occasion || ':' || to_char(local_date, 'YYYY-MM-DD') AS id,
                       user_id, occasion, local_date, greatest(send_at, owed_since) AS due_at
                FROM occasions
                WHERE owed_from <= local_date)""";

    private static final String OWED_IN_SLOTS =
            "WITH " + SLOTS + ",\n" + OCCASIONS_IN_SLOTS + ",\n" + OWED + "\n";

    /**
     * The daily run: rows that exist already (maybe picked, maybe waiting for a retry) stay as they
     * are.
     */
    public static final String PLAN_ALL =
            OWED_IN_SLOTS
                    + """
            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
            SELECT :taskName, owed.id, owed.due_at, false, 1
            FROM owed
            WHERE owed.due_at >= :windowStart
              AND NOT EXISTS (SELECT 1 FROM greetings g
                              WHERE g.id = owed.id AND g.local_date = owed.local_date
                                AND g.local_date BETWEEN :firstDate AND :lastDate AND g.status <> 'SENDING')
            ORDER BY owed.id
            ON CONFLICT (task_name, task_instance) DO NOTHING""";

    /**
     * A user write: the changed occasions' rows take the instants of the new data, except a row an
     * instance has picked, which its handler re-checks, and a retry, which keeps its delay.
     */
    static final String PLAN_USER =
            "WITH "
                    + SLOTS
                    + ",\n"
                    + OCCASIONS_OF_USER
                    + ",\n"
                    + OWED
                    + "\n"
                    + """
            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
            SELECT :taskName, owed.id, greatest(owed.due_at, coalesce(g.next_attempt_at, owed.due_at)), false, 1
            FROM owed
            LEFT JOIN greetings g ON g.id = owed.id AND g.local_date = owed.local_date
                                  AND g.local_date BETWEEN :firstDate AND :lastDate
            WHERE owed.due_at >= :windowStart AND (g.status IS NULL OR g.status = 'SENDING')
            ON CONFLICT (task_name, task_instance) DO UPDATE
            SET execution_time = EXCLUDED.execution_time, version = scheduled_tasks.version + 1
            WHERE NOT scheduled_tasks.picked AND scheduled_tasks.execution_time <> EXCLUDED.execution_time
            RETURNING execution_time""";

    /**
     * A new user's occasions, saved from arrays bound in the same order (see {@link #planNewUser}),
     * owed since the user's creation.
     */
    private static final String SAVE_NEW_OCCASIONS =
            """
            saved AS (
                INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
                SELECT :userId, n.occasion, n.month_day, :timezone, :owedSince, :owedFrom
                FROM unnest(CAST(:occasions AS text[]), CAST(:occasionMonthDays AS int[])) AS n (occasion, month_day)
                RETURNING user_id, occasion, month_day, timezone, owed_since, owed_from)""";

    /** The occasions just saved, in the slots of the user's zone. */
    private static final String OCCASIONS_SAVED =
            """
            occasions AS (
                SELECT s.local_date, s.send_at, o.user_id, o.occasion, o.owed_since, o.owed_from
                FROM saved o
                JOIN slots s ON s.month_day = o.month_day AND s.zone = o.timezone)""";

    /**
     * A user's creation: their occasions saved and their greetings planned in one statement,
     * planned from what the insert returns. Neither the log nor the greeting rows are consulted: a
     * new user's id is new, so neither holds anything of theirs.
     */
    static final String SAVE_AND_PLAN_NEW_USER =
            "WITH "
                    + SAVE_NEW_OCCASIONS
                    + ",\n"
                    + SLOTS
                    + ",\n"
                    + OCCASIONS_SAVED
                    + ",\n"
                    + OWED
                    + "\n"
                    + """
            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
            SELECT :taskName, owed.id, owed.due_at, false, 1
            FROM owed
            WHERE owed.due_at >= :windowStart
            RETURNING execution_time""";

    /**
     * Owed greetings due in a stretch no instance planned, and now past max-lateness: recorded, not
     * lost.
     */
    static final String EXPIRE_UNPLANNED =
            OWED_IN_SLOTS
                    + """
            INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, last_error,
                                   created_at, updated_at)
            SELECT owed.id, owed.user_id, owed.occasion, owed.local_date, owed.due_at, 'EXPIRED', 0,
                   'never sent: no instance ran from its due time until max-lateness had passed', :now, :now
            FROM owed
            WHERE owed.due_at > :gapStart AND owed.due_at < :gapEnd
            ORDER BY owed.id
            ON CONFLICT (id, local_date) DO NOTHING""";

    /**
     * Owed greetings due in [from, to) that have no row and that the log has not finished, per UTC
     * hour and occasion: the planner's own computation, counted instead of inserted.
     */
    static final String OWED_PER_HOUR =
            OWED_IN_SLOTS
                    + """
            SELECT date_trunc('hour', owed.due_at, 'UTC') AS hour, owed.occasion, count(*) AS greetings
            FROM owed
            WHERE owed.due_at >= :from AND owed.due_at < :to
              AND NOT EXISTS (SELECT 1 FROM scheduled_tasks t WHERE t.task_name = :taskName AND t.task_instance = owed.id)
              AND NOT EXISTS (SELECT 1 FROM greetings g
                              WHERE g.id = owed.id AND g.local_date = owed.local_date
                                AND g.local_date BETWEEN :firstDate AND :lastDate AND g.status <> 'SENDING')
            GROUP BY 1, 2""";

    /**
     * The greeting rows, after a run that planned a whole import's users. Not the log: the EXPIRED
     * greetings a run may record there are few beside what it holds.
     */
    static final String ANALYZE_PLANNED = "ANALYZE scheduled_tasks";

    static final String PLANNED_THROUGH = "SELECT planned_through FROM planner_state WHERE id = 1";

    static final String SET_PLANNED_THROUGH =
            """
            INSERT INTO planner_state (id, planned_through) VALUES (1, :through)
            ON CONFLICT (id) DO UPDATE SET planned_through = greatest(planner_state.planned_through, EXCLUDED.planned_through)""";

    /**
     * Removes greeting rows no instance has picked; a picked one finishes and re-checks the user.
     */
    static final String CANCEL_UNPICKED =
            """
            DELETE FROM scheduled_tasks
            WHERE task_name = :taskName AND task_instance = ANY(:ids) AND NOT picked""";

    /**
     * A cancelled greeting that was being retried and is no longer planned is closed in the log.
     */
    static final String SKIP_ABANDONED =
            """
            UPDATE greetings g
            SET status = 'SKIPPED', last_error = :reason, next_attempt_at = NULL, updated_at = :now
            WHERE g.id = ANY(:ids) AND g.local_date BETWEEN :firstDate AND :lastDate
              AND g.status = 'SENDING'
              AND NOT EXISTS (SELECT 1 FROM scheduled_tasks t WHERE t.task_name = :taskName AND t.task_instance = g.id)""";

    private final JdbcClient jdbc;
    private final GreetingCalendar calendar;
    private final GreetingMetrics metrics;
    private final Clock clock;

    GreetingPlanner(
            JdbcClient jdbc, GreetingCalendar calendar, GreetingMetrics metrics, Clock clock) {
        this.jdbc = jdbc;
        this.calendar = calendar;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Plans every user's owed greetings in the window at {@code now}, after recording EXPIRED those
     * that fell due unplanned during an outage longer than the window; returns the rows created.
     */
    public int planAll(Instant now) {
        long started = System.nanoTime();
        int expired = expireUnplanned(now);
        int created =
                bind(PLAN_ALL, calendar.slotsInWindow(ALL_ZONES, now))
                        .param("windowStart", at(calendar.windowStart(now)))
                        .update();
        jdbc.sql(SET_PLANNED_THROUGH).param("through", at(calendar.windowEnd(now))).update();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.planned(created, took, clock.instant());
        log.info(
                "Planned greetings due {} .. {}: {} rows created, {} unplanned ones recorded EXPIRED, in {} ms",
                calendar.windowStart(now),
                calendar.windowEnd(now),
                created,
                expired,
                took.toMillis());
        return created;
    }

    /** Fresh statistics of the greeting rows, after a run that added many. */
    void analyzePlanned() {
        jdbc.sql(ANALYZE_PLANNED).update();
    }

    /** PostgreSQL's plan of the planning statement at {@code now}, without running it. */
    List<String> explainPlanAll(Instant now) {
        return bind("EXPLAIN " + PLAN_ALL, calendar.slotsInWindow(ALL_ZONES, now))
                .param("windowStart", at(calendar.windowStart(now)))
                .query(String.class)
                .list();
    }

    private int expireUnplanned(Instant now) {
        Instant gapEnd = calendar.windowStart(now);
        Instant gapStart =
                jdbc.sql(PLANNED_THROUGH)
                        .query((rs, row) -> rs.getTimestamp(1).toInstant())
                        .optional()
                        .orElse(gapEnd);
        if (!gapStart.isBefore(gapEnd)) {
            return 0;
        }
        if (gapStart.isBefore(gapEnd.minus(MAX_GAP))) {
            log.warn(
                    "Cakeday was not planning from {} to {}; greetings due before {} are not recorded",
                    gapStart,
                    gapEnd,
                    gapEnd.minus(MAX_GAP));
            gapStart = gapEnd.minus(MAX_GAP);
        }
        int expired =
                bind(EXPIRE_UNPLANNED, calendar.slots(ALL_ZONES, gapStart, gapEnd))
                        .param("gapStart", at(gapStart))
                        .param("gapEnd", at(gapEnd))
                        .param("now", at(now))
                        .update();
        if (expired > 0) {
            log.warn(
                    "{} greetings fell due between {} and {} while no instance ran; recorded EXPIRED",
                    expired,
                    gapStart,
                    gapEnd);
        }
        return expired;
    }

    /**
     * Plans one user's owed greetings of these occasions in the window, replacing the instants of
     * rows not yet picked; returns the execution times written.
     */
    List<Instant> planUser(UUID userId, ZoneId zone, Collection<String> occasions, Instant now) {
        if (occasions.isEmpty()) {
            return List.of();
        }
        return bind(PLAN_USER, calendar.slotsInWindow(List.of(zone), now))
                .param("windowStart", at(calendar.windowStart(now)))
                .param("userId", userId)
                .param("occasions", array("text", occasions.stream()))
                .query((rs, row) -> rs.getTimestamp(1).toInstant())
                .list();
    }

    /**
     * Saves a new user's occasions (name to date), owed since {@code now}, and plans their owed
     * greetings in the window; returns the execution times written.
     */
    List<Instant> planNewUser(
            UUID userId, ZoneId zone, Map<String, LocalDate> occasions, Instant now) {
        if (occasions.isEmpty()) {
            return List.of();
        }
        return bind(SAVE_AND_PLAN_NEW_USER, calendar.slotsInWindow(List.of(zone), now))
                .param("windowStart", at(calendar.windowStart(now)))
                .param("userId", userId)
                .param("timezone", zone.getId())
                .param("owedSince", at(now))
                .param("owedFrom", OwedSince.at(now, zone).from())
                .param("occasions", array("text", occasions.keySet().stream()))
                .param(
                        "occasionMonthDays",
                        array("int4", occasions.values().stream().map(MonthDays::of)))
                .query((rs, row) -> rs.getTimestamp(1).toInstant())
                .list();
    }

    /** Removes the rows of these greetings that no instance has picked. */
    void cancel(Collection<GreetingId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql(CANCEL_UNPICKED)
                .param("taskName", GreetingTasks.GREETING_TASK)
                .param("ids", array("text", ids.stream().map(GreetingId::toString)))
                .update();
    }

    /** After a re-plan: greetings among {@code ids} still SENDING but without a row are SKIPPED. */
    void closeAbandoned(Collection<GreetingId> ids, String reason, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        LogDateRange.of(ids.stream().map(GreetingId::date).toList())
                .bind(jdbc.sql(SKIP_ABANDONED))
                .param("taskName", GreetingTasks.GREETING_TASK)
                .param("ids", array("text", ids.stream().map(GreetingId::toString)))
                .param("reason", reason)
                .param("now", at(now))
                .update();
    }

    /**
     * What {@link #OWED_PER_HOUR} counts, for greetings due after {@code from}, before {@code to}.
     */
    List<HourlyCount> owedPerHour(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            return List.of();
        }
        return bind(OWED_PER_HOUR, calendar.slots(ALL_ZONES, from, to))
                .param("from", at(from))
                .param("to", at(to))
                .query(HourlyCount::fromRow)
                .list();
    }

    private JdbcClient.StatementSpec bind(String sql, List<GreetingCalendar.Slot> slots) {
        return LogDateRange.of(slots.stream().map(GreetingCalendar.Slot::localDate).toList())
                .bind(jdbc.sql(sql))
                .param("taskName", GreetingTasks.GREETING_TASK)
                .param("zones", array("text", slots.stream().map(s -> s.zone().getId())))
                .param(
                        "monthDays",
                        array("int4", slots.stream().map(GreetingCalendar.Slot::monthDay)))
                .param(
                        "localDates",
                        array("text", slots.stream().map(s -> s.localDate().toString())))
                .param("sendAts", array("text", slots.stream().map(s -> s.sendAt().toString())));
    }

    private static SqlArrayValue array(String type, Stream<?> values) {
        return new SqlArrayValue(type, values.toArray());
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
