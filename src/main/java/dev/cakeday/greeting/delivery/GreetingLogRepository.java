package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingTasks;
import dev.cakeday.greeting.log.LogDateRange;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/**
 * The {@code greetings} delivery log, written only through the transitions of {@link
 * GreetingTransition}: each statement below is one of them, guarded by the attempt it belongs to
 * (REOPENED by the status it leaves, FAILED or EXPIRED, which no delivery changes).
 */
@Repository
public class GreetingLogRepository {

    /**
     * ATTEMPT, for a user who still exists and has not opted out of the occasion. The share lock on
     * the user's row makes an opt-out committing meanwhile either wait for this write or be waited
     * for and seen: an opt-out that commits before the SENDING write stops the send.
     */
    static final String MARK_SENDING =
            """
            INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, created_at, updated_at)
            SELECT :id, :userId, :occasion, :localDate, :dueAt, 'SENDING', 1, :now, :now
            FROM users u
            WHERE u.id = :userId AND NOT (u.opt_out && ARRAY['ALL', CAST(:occasion AS text)])
            FOR SHARE OF u
            ON CONFLICT (id, local_date) DO UPDATE
            SET status = 'SENDING', attempts = greetings.attempts + 1, due_at = EXCLUDED.due_at,
                uncertain_attempts = greetings.uncertain_attempts
                    + CASE WHEN greetings.status = 'SENDING' AND greetings.next_attempt_at IS NULL THEN 1 ELSE 0 END,
                next_attempt_at = NULL, updated_at = EXCLUDED.updated_at
            WHERE greetings.status = 'SENDING' AND greetings.attempts = :attempt
            RETURNING attempts, uncertain_attempts""";

    /**
     * Records SENT and removes the greeting's row in one statement (one round trip fewer per
     * greeting than leaving the removal to db-scheduler). The row goes only at the version this
     * instance picked, as db-scheduler's own removal would: a row another instance took over is
     * theirs.
     */
    static final String MARK_SENT_AND_REMOVE_ROW =
            """
            WITH sent AS (
                UPDATE greetings
                SET status = 'SENT', sent_at = :now, provider_message_id = :messageId, last_error = NULL,
                    next_attempt_at = NULL, updated_at = :now
                WHERE id = :id AND local_date = :localDate AND status = 'SENDING'
                RETURNING id),
            removed AS (
                DELETE FROM scheduled_tasks
                WHERE task_name = :taskName AND task_instance = :id AND version = :version
                RETURNING task_instance)
            SELECT (SELECT count(*) FROM sent) AS sent, (SELECT count(*) FROM removed) AS removed""";

    /**
     * ATTEMPT for a batch of greetings (group commit), as {@link #MARK_SENDING} for each. The
     * attempt a greeting must still be at travels as the inserted attempt number minus one, the
     * only way an upsert's guard can see it. Rows are locked in greeting id order, so that two
     * batches that share greetings (after a takeover) never wait for each other in a circle.
     */
    static final String MARK_SENDING_MANY =
            """
            INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, created_at, updated_at)
            SELECT k.id, k.user_id, k.occasion, k.local_date, k.due_at, 'SENDING', k.after + 1, k.now, k.now
            FROM unnest(CAST(:ids AS text[]), CAST(CAST(:userIds AS text[]) AS uuid[]), CAST(:occasions AS text[]),
                        CAST(CAST(:localDates AS text[]) AS date[]), CAST(CAST(:dueAts AS text[]) AS timestamptz[]),
                        CAST(:afters AS int[]), CAST(CAST(:nows AS text[]) AS timestamptz[]))
                 AS k (id, user_id, occasion, local_date, due_at, after, now)
            JOIN users u ON u.id = k.user_id
            WHERE NOT (u.opt_out && ARRAY['ALL', k.occasion])
            ORDER BY k.id
            FOR SHARE OF u
            ON CONFLICT (id, local_date) DO UPDATE
            SET status = 'SENDING', attempts = greetings.attempts + 1, due_at = EXCLUDED.due_at,
                uncertain_attempts = greetings.uncertain_attempts
                    + CASE WHEN greetings.status = 'SENDING' AND greetings.next_attempt_at IS NULL THEN 1 ELSE 0 END,
                next_attempt_at = NULL, updated_at = EXCLUDED.updated_at
            WHERE greetings.status = 'SENDING' AND greetings.attempts = EXCLUDED.attempts - 1
            RETURNING id, attempts, uncertain_attempts""";

    /**
     * DELIVERED for a batch of greetings (group commit), as {@link #MARK_SENT_AND_REMOVE_ROW}. Two
     * batches share greetings only after a takeover; a deadlock between them fails one, whose
     * threads then write alone.
     */
    static final String MARK_SENT_AND_REMOVE_ROWS =
            """
            WITH k AS (
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(CAST(:localDates AS text[]) AS date[]),
                                     CAST(:messageIds AS text[]), CAST(CAST(:nows AS text[]) AS timestamptz[]),
                                     CAST(:versions AS bigint[]))
                     AS k (id, local_date, message_id, now, version)),
            sent AS (
                UPDATE greetings g
                SET status = 'SENT', sent_at = k.now, provider_message_id = k.message_id, last_error = NULL,
                    next_attempt_at = NULL, updated_at = k.now
                FROM k
                WHERE g.id = k.id AND g.local_date = k.local_date AND g.local_date BETWEEN :firstDate AND :lastDate
                  AND g.status = 'SENDING'
                RETURNING g.id),
            removed AS (
                DELETE FROM scheduled_tasks t
                USING k
                WHERE t.task_name = :taskName AND t.task_instance = k.id AND t.version = k.version
                RETURNING t.task_instance)
            SELECT k.id, EXISTS (SELECT 1 FROM sent WHERE sent.id = k.id) AS sent,
                   EXISTS (SELECT 1 FROM removed WHERE removed.task_instance = k.id) AS removed
            FROM k""";

    static final String RECORD_RETRY =
            """
            UPDATE greetings SET last_error = :error, next_attempt_at = :next, updated_at = :now,
                uncertain_attempts = uncertain_attempts + :uncertain
            WHERE id = :id AND local_date = :localDate AND status = 'SENDING' AND attempts = :attempt""";

    static final String CLOSE =
            """
            INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, last_error,
                                   created_at, updated_at)
            VALUES (:id, :userId, :occasion, :localDate, :dueAt, :status, 0, :reason, :now, :now)
            ON CONFLICT (id, local_date) DO UPDATE
            SET status = EXCLUDED.status, last_error = EXCLUDED.last_error, next_attempt_at = NULL,
                updated_at = EXCLUDED.updated_at
            WHERE greetings.status = 'SENDING' AND greetings.attempts = :attempt""";

    /**
     * REOPENED, an operator's retry: each greeting takes a new attempt number under which no call
     * was made, so that a late write of the attempt that ended it changes nothing. An EXPIRED one
     * that was attempted may have reached the provider without an answer coming back: the attempt
     * after it is counted uncertain. Every request goes to greeting_retries, with what it replaced.
     */
    static final String REOPEN =
            """
            WITH reopened AS (
                UPDATE greetings g
                SET status = 'SENDING', attempts = g.attempts + 1, next_attempt_at = :now,
                    uncertain_attempts = g.uncertain_attempts
                        + CASE WHEN g.status = 'EXPIRED' AND g.attempts > 0 THEN 1 ELSE 0 END,
                    retried_at = :now, retried_by = :askedBy, updated_at = :now
                FROM greetings before
                WHERE before.id = g.id AND before.local_date = g.local_date
                  AND before.local_date BETWEEN :firstDate AND :lastDate
                  AND g.id = ANY(CAST(:ids AS text[])) AND g.local_date BETWEEN :firstDate AND :lastDate
                  AND g.status IN ('FAILED', 'EXPIRED')
                RETURNING g.id, before.status, before.last_error, before.attempts),
            recorded AS (
                INSERT INTO greeting_retries (greeting_id, asked_at, asked_by, previous_status,
                                              previous_error, forced)
                SELECT id, :now, :askedBy, status, last_error, :forced FROM reopened)
            SELECT id, status = 'EXPIRED' AND attempts > 0 AS uncertain FROM reopened""";

    static final String STATE =
            """
            SELECT status, attempts, next_attempt_at, retried_at FROM greetings
            WHERE id = :id AND local_date = :localDate""";

    static final String FINAL_AMONG =
            """
            SELECT id FROM greetings
            WHERE id = ANY(:ids) AND local_date BETWEEN :firstDate AND :lastDate
              AND status <> 'SENDING'""";

    /** The columns {@link #entry} reads, of the log aliased {@code g}. */
    public static final String ENTRY_COLUMNS =
            """
            g.id, g.occasion, g.local_date, g.due_at, g.status, g.attempts, g.uncertain_attempts, g.last_error,
            g.next_attempt_at, g.sent_at, g.provider_message_id, g.updated_at, g.retried_at, g.retried_by""";

    static final String ENTRY =
            "SELECT %s FROM greetings g WHERE g.id = :id AND g.local_date = :localDate"
                    .formatted(ENTRY_COLUMNS);

    static final String HISTORY =
            """
            SELECT %s
            FROM greetings g WHERE g.user_id = :userId
            ORDER BY g.local_date DESC, g.occasion
            LIMIT :limit"""
                    .formatted(ENTRY_COLUMNS);

    private final JdbcClient jdbc;

    public GreetingLogRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A greeting's state in the log: its status and the number of its latest attempt. {@code
     * outcomeUnknown}: SENDING with no retry planned, so that attempt never recorded what the
     * provider answered.
     */
    record State(GreetingStatus status, int attempts, boolean outcomeUnknown, Instant retriedAt) {

        static State of(
                GreetingStatus status, int attempts, boolean retryPlanned, Instant retriedAt) {
            return new State(
                    status, attempts, status == GreetingStatus.SENDING && !retryPlanned, retriedAt);
        }

        /**
         * Whence the greeting's max-lateness window runs: its due time, or an operator's later
         * retry.
         */
        Instant lateFrom(Instant dueAt) {
            return retriedAt != null && retriedAt.isAfter(dueAt) ? retriedAt : dueAt;
        }

        /**
         * From a row with the log's status, attempts, next_attempt_at and retried_at; empty when it
         * has no entry.
         */
        static Optional<State> fromRow(ResultSet rs) throws SQLException {
            String status = rs.getString("status");
            return status == null
                    ? Optional.empty()
                    : Optional.of(
                            of(
                                    GreetingStatus.valueOf(status),
                                    rs.getInt("attempts"),
                                    rs.getTimestamp("next_attempt_at") != null,
                                    instant(rs.getTimestamp("retried_at"))));
        }
    }

    /**
     * The number of an attempt about to be made, and how many attempts so far followed one of
     * unknown outcome.
     */
    public record Attempt(int number, int uncertain) {}

    /**
     * ATTEMPT: records attempt {@code after + 1} about to be made (committed before the provider is
     * called); empty when the greeting is no longer SENDING at attempt {@code after} (0: no entry
     * yet), or when the user is gone or has opted out of the occasion. A previous attempt still
     * SENDING with no retry planned never recorded its outcome: it is counted as uncertain.
     */
    public Optional<Attempt> startAttempt(GreetingId id, int after, Instant dueAt, Instant now) {
        return bind(jdbc.sql(MARK_SENDING), id, dueAt, now)
                .param("attempt", after)
                .query(
                        (rs, row) ->
                                new Attempt(rs.getInt("attempts"), rs.getInt("uncertain_attempts")))
                .optional();
    }

    /** A request for {@link #startAttempt}: one item of a group-committed batch. */
    public record AttemptStart(GreetingId id, int after, Instant dueAt, Instant now) {}

    /** {@link #startAttempt} for each of these greetings, in one statement. */
    Map<AttemptStart, Optional<Attempt>> startAttempts(List<AttemptStart> starts) {
        Map<String, Attempt> started = new HashMap<>();
        jdbc.sql(MARK_SENDING_MANY)
                .param("ids", array("text", starts, start -> start.id().toString()))
                .param("userIds", array("text", starts, start -> start.id().userId().toString()))
                .param("occasions", array("text", starts, start -> start.id().occasion()))
                .param("localDates", array("text", starts, start -> start.id().date().toString()))
                .param("dueAts", array("text", starts, start -> start.dueAt().toString()))
                .param("afters", array("int4", starts, AttemptStart::after))
                .param("nows", array("text", starts, start -> start.now().toString()))
                .query(
                        rs -> {
                            started.put(
                                    rs.getString("id"),
                                    new Attempt(
                                            rs.getInt("attempts"),
                                            rs.getInt("uncertain_attempts")));
                        });
        Map<AttemptStart, Optional<Attempt>> results = new HashMap<>();
        for (AttemptStart start : starts) {
            results.put(start, Optional.ofNullable(started.get(start.id().toString())));
        }
        return results;
    }

    /*
     * Each write below belongs to one attempt and returns whether it changed the entry: it does only
     * while the greeting is still SENDING at that attempt (GreetingTransition).
     */

    /**
     * What {@link #markSentAndRemoveRow} did: whether it recorded SENT, and whether it removed the
     * row.
     */
    public record Settled(boolean sent, boolean rowRemoved) {}

    /**
     * DELIVERED: the provider took the mail. Unlike the other outcomes this holds whichever attempt
     * is open now (see {@link GreetingTransition}): a newer attempt's planned retry must not send
     * it again.
     */
    public Settled delivered(GreetingId id, String messageId, Instant now, long rowVersion) {
        return jdbc.sql(MARK_SENT_AND_REMOVE_ROW)
                .param("id", id.toString())
                .param("localDate", id.date())
                .param("messageId", messageId)
                .param("now", at(now))
                .param("taskName", GreetingTasks.GREETING_TASK)
                .param("version", rowVersion)
                .query((rs, row) -> new Settled(rs.getInt("sent") == 1, rs.getInt("removed") == 1))
                .single();
    }

    /** A request for {@link #delivered}: one item of a group-committed batch. */
    public record Delivery(GreetingId id, String messageId, Instant now, long rowVersion) {}

    /** {@link #delivered} for each of these greetings, in one statement. */
    Map<Delivery, Settled> deliveredAll(List<Delivery> deliveries) {
        Map<String, Settled> settled = new HashMap<>();
        LogDateRange.of(deliveries.stream().map(delivery -> delivery.id().date()).toList())
                .bind(jdbc.sql(MARK_SENT_AND_REMOVE_ROWS))
                .param("ids", array("text", deliveries, delivery -> delivery.id().toString()))
                .param(
                        "localDates",
                        array("text", deliveries, delivery -> delivery.id().date().toString()))
                .param("messageIds", array("text", deliveries, Delivery::messageId))
                .param("nows", array("text", deliveries, delivery -> delivery.now().toString()))
                .param("versions", array("int8", deliveries, Delivery::rowVersion))
                .param("taskName", GreetingTasks.GREETING_TASK)
                .query(
                        rs -> {
                            settled.put(
                                    rs.getString("id"),
                                    new Settled(rs.getBoolean("sent"), rs.getBoolean("removed")));
                        });
        Map<Delivery, Settled> results = new HashMap<>();
        for (Delivery delivery : deliveries) {
            results.put(delivery, settled.get(delivery.id().toString()));
        }
        return results;
    }

    /**
     * RETRY: attempt {@code attempt} failed for now; the next is planned at {@code next}. {@code
     * uncertain}: that next attempt may deliver twice (the outcome of this one is unknown and the
     * channel cannot de-duplicate), and is counted as such now.
     */
    public boolean retryLater(
            GreetingId id,
            int attempt,
            String error,
            Instant next,
            Instant now,
            boolean uncertain) {
        return jdbc.sql(RECORD_RETRY)
                        .param("id", id.toString())
                        .param("localDate", id.date())
                        .param("attempt", attempt)
                        .param("error", error)
                        .param("next", at(next))
                        .param("now", at(now))
                        .param("uncertain", uncertain ? 1 : 0)
                        .update()
                == 1;
    }

    /**
     * REJECTED or GAVE_UP (the outcome of attempt {@code attempt}), SKIPPED or EXPIRED (before the
     * attempt after it; 0 before any): a final status other than SENT, with its reason.
     */
    public boolean close(
            GreetingId id,
            GreetingTransition transition,
            int attempt,
            String reason,
            Instant dueAt,
            Instant now) {
        if (!transition.closes()) {
            throw new IllegalArgumentException(transition + " does not close a greeting");
        }
        return bind(jdbc.sql(CLOSE), id, dueAt, now)
                        .param("attempt", attempt)
                        .param("status", transition.to().name())
                        .param("reason", reason)
                        .update()
                == 1;
    }

    /** A greeting re-opened; {@code uncertain}: its next attempt may deliver a second time. */
    public record Reopened(GreetingId id, boolean uncertain) {}

    /**
     * REOPENED: an operator's retry of these FAILED or EXPIRED greetings; returns those re-opened.
     */
    List<Reopened> reopen(Collection<GreetingId> ids, String askedBy, boolean forced, Instant now) {
        return LogDateRange.of(ids.stream().map(GreetingId::date).toList())
                .bind(jdbc.sql(REOPEN))
                .param("ids", texts(ids, GreetingId::toString))
                .param("now", at(now))
                .param("askedBy", askedBy)
                .param("forced", forced)
                .query(
                        (rs, row) ->
                                new Reopened(
                                        GreetingId.parse(rs.getString("id")),
                                        rs.getBoolean("uncertain")))
                .list();
    }

    /** The greeting's entry; empty before its first. */
    Optional<GreetingLogEntry> entry(GreetingId id) {
        return jdbc.sql(ENTRY)
                .param("id", id.toString())
                .param("localDate", id.date())
                .query((rs, row) -> entry(rs))
                .optional();
    }

    /** The greeting's state in the log; empty before its first entry. */
    Optional<State> state(GreetingId id) {
        return jdbc.sql(STATE)
                .param("id", id.toString())
                .param("localDate", id.date())
                .query((rs, row) -> State.fromRow(rs))
                .optional()
                .flatMap(state -> state);
    }

    /** Which of these greetings have a final status. */
    public Set<String> finalAmong(Collection<GreetingId> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(
                LogDateRange.of(ids.stream().map(GreetingId::date).toList())
                        .bind(jdbc.sql(FINAL_AMONG))
                        .param("ids", texts(ids, GreetingId::toString))
                        .query(String.class)
                        .list());
    }

    public List<GreetingLogEntry> history(UUID userId, int limit) {
        return jdbc.sql(HISTORY)
                .param("userId", userId)
                .param("limit", limit)
                .query((rs, row) -> entry(rs))
                .list();
    }

    /** A SQL text array of one value of each greeting. */
    private static SqlArrayValue texts(
            Collection<GreetingId> ids, Function<GreetingId, String> value) {
        return new SqlArrayValue("text", ids.stream().map(value).toArray());
    }

    /** A SQL array of one value of each item, for a statement that unnests it. */
    static <T> SqlArrayValue array(String type, List<T> items, Function<T, Object> value) {
        return new SqlArrayValue(type, items.stream().map(value).toArray());
    }

    private static JdbcClient.StatementSpec bind(
            JdbcClient.StatementSpec spec, GreetingId id, Instant dueAt, Instant now) {
        return spec.param("id", id.toString())
                .param("userId", id.userId())
                .param("occasion", id.occasion())
                .param("localDate", id.date())
                .param("dueAt", at(dueAt))
                .param("now", at(now));
    }

    /** One entry, from a row with the {@link #ENTRY_COLUMNS}. */
    public static GreetingLogEntry entry(ResultSet rs) throws SQLException {
        return new GreetingLogEntry(
                rs.getString("id"),
                rs.getString("occasion"),
                rs.getObject("local_date", LocalDate.class),
                instant(rs.getTimestamp("due_at")),
                GreetingStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getInt("uncertain_attempts"),
                rs.getString("last_error"),
                instant(rs.getTimestamp("next_attempt_at")),
                instant(rs.getTimestamp("sent_at")),
                rs.getString("provider_message_id"),
                instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("retried_at")),
                rs.getString("retried_by"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
