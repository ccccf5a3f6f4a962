package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingMetrics;
import dev.cakeday.greeting.GreetingTasks;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.user.User;
import dev.cakeday.user.UserDirectory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator's retry: re-opens FAILED or EXPIRED greetings ({@link GreetingTransition#REOPENED})
 * and plans a new attempt now, under the same id and so the same Idempotency-Key. A greeting is
 * re-opened only if delivery would still send it: its user exists, has not opted out and still has
 * that date. One past max-lateness needs {@code force}. Every request is recorded with who asked.
 */
@Service
public class GreetingRetry {

    private static final Logger log = LoggerFactory.getLogger(GreetingRetry.class);

    /** Greetings re-opened per transaction by a bulk retry. */
    public static final int CHUNK = 500;

    /*
     * The greetings a retry considers, locked, with what the checks need: the user (whose id is the
     * only column named id), since when the occasion is owed, and whether a row is still queued (its
     * handler has not finished).
     */

    static final String ONE =
            """
            SELECT g.id AS greeting_id, g.status, g.due_at, %s, uo.owed_since, uo.owed_from,
                   EXISTS (SELECT 1 FROM scheduled_tasks t
                           WHERE t.task_name = :taskName AND t.task_instance = g.id) AS queued
            FROM greetings g
            LEFT JOIN users u ON u.id = g.user_id
            LEFT JOIN user_occasions uo ON uo.user_id = g.user_id AND uo.occasion = g.occasion
            WHERE g.id = :id AND g.local_date = :localDate
            FOR UPDATE OF g"""
                    .formatted(UserDirectory.columns("u"));

    /** A range in pages of the log's (local_date, id) order, which its index serves. */
    static final String RANGE =
            """
            SELECT g.id AS greeting_id, g.status, g.due_at, %s, uo.owed_since, uo.owed_from,
                   EXISTS (SELECT 1 FROM scheduled_tasks t
                           WHERE t.task_name = :taskName AND t.task_instance = g.id) AS queued
            FROM greetings g
            LEFT JOIN users u ON u.id = g.user_id
            LEFT JOIN user_occasions uo ON uo.user_id = g.user_id AND uo.occasion = g.occasion
            WHERE g.local_date BETWEEN :from AND :to AND g.status = :status
              AND (CAST(:occasion AS text) IS NULL OR g.occasion = :occasion)
              AND (g.local_date, g.id) > (CAST(:afterDate AS date), :afterId)
            ORDER BY g.local_date, g.id
            LIMIT :limit
            FOR UPDATE OF g"""
                    .formatted(UserDirectory.columns("u"));

    /**
     * The new attempt's row, due now. A row still there belongs to a handler that has not finished:
     * that greeting is left alone, so that its handler's removal cannot take the new row with it.
     * Its version starts above any an earlier row of the greeting can have reached (db-scheduler
     * adds one per pick), so that a handler of that row, declared dead and still running, can
     * neither remove nor reschedule this one.
     */
    static final String PLAN_NOW =
            """
            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
            SELECT :taskName, id, :now, false, :version FROM unnest(CAST(:ids AS text[])) AS ids (id)
            ON CONFLICT (task_name, task_instance) DO NOTHING
            RETURNING task_instance""";

    /** Why a greeting was not re-opened. */
    public enum Refusal {
        SENT,
        SKIPPED,
        IN_PROGRESS,
        UNKNOWN_OCCASION,
        USER_DELETED,
        OPTED_OUT,
        DATE_CHANGED,
        NOT_OWED,
        PAST_MAX_LATENESS;

        /** For a person: what the refusal means. */
        public String explanation() {
            return switch (this) {
                case SENT -> "the greeting was sent";
                case SKIPPED -> "the greeting was skipped on purpose";
                case IN_PROGRESS -> "the greeting is being delivered or retried already";
                case UNKNOWN_OCCASION -> "the greeting's occasion is not known to this instance";
                case USER_DELETED -> "the user no longer exists";
                case OPTED_OUT -> "the user opted out of this occasion";
                case DATE_CHANGED -> "the user no longer has this date";
                case NOT_OWED -> "the user was created or changed after this date";
                case PAST_MAX_LATENESS ->
                        "the greeting is past max-lateness; retry with force=true to send it anyway";
            };
        }
    }

    /** What a retry of one greeting did. */
    public sealed interface Outcome {
        /** Re-opened: the entry as the request left it, and the user's address. */
        record Reopened(GreetingLogEntry entry, String email) implements Outcome {}

        record Refused(Refusal refusal) implements Outcome {}

        record NotFound() implements Outcome {}
    }

    /**
     * What a bulk retry did, or would do on a dry run: {@code matched} greetings had the status in
     * the range, {@code retried} were (or would be) re-opened, the others are counted by refusal.
     */
    public record BulkOutcome(
            boolean dryRun, int matched, int retried, Map<Refusal, Integer> refused) {}

    /**
     * A bulk retry's range: greetings of this status (FAILED or EXPIRED, as the API checks) and
     * local dates, maybe of one occasion.
     */
    public record Range(
            GreetingStatus status, LocalDate from, LocalDate to, Optional<String> occasion) {}

    private record Candidate(GreetingId id, Optional<User> user, Refusal refusal) {}

    private record Chunk(int matched, List<Refusal> refusals, int retried, GreetingId last) {}

    private final JdbcClient jdbc;
    private final GreetingLogRepository greetingLog;
    private final GreetingEligibility eligibility;
    private final GreetingCalendar calendar;
    private final GreetingMetrics metrics;
    private final TransactionTemplate transaction;
    private final Clock clock;

    GreetingRetry(
            JdbcClient jdbc,
            GreetingLogRepository greetingLog,
            GreetingEligibility eligibility,
            GreetingCalendar calendar,
            GreetingMetrics metrics,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.jdbc = jdbc;
        this.greetingLog = greetingLog;
        this.eligibility = eligibility;
        this.calendar = calendar;
        this.metrics = metrics;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** Re-opens one greeting, or says why not. */
    public Outcome retry(GreetingId id, String askedBy, boolean force) {
        return transaction.execute(
                tx -> {
                    Instant now = clock.instant();
                    Optional<Candidate> found =
                            jdbc.sql(ONE)
                                    .param("taskName", GreetingTasks.GREETING_TASK)
                                    .param("id", id.toString())
                                    .param("localDate", id.date())
                                    .query((rs, row) -> candidate(rs, force, now))
                                    .optional();
                    if (found.isEmpty()) {
                        return new Outcome.NotFound();
                    }
                    Candidate candidate = found.get();
                    Refusal refusal = candidate.refusal();
                    if (refusal == null && reopen(List.of(id), askedBy, force, now).isEmpty()) {
                        refusal = Refusal.IN_PROGRESS;
                    }
                    if (refusal != null) {
                        tx.setRollbackOnly();
                        return new Outcome.Refused(refusal);
                    }
                    return new Outcome.Reopened(
                            greetingLog.entry(id).orElseThrow(),
                            candidate.user().map(User::email).orElse(null));
                });
    }

    /**
     * Re-opens every greeting of the range that can be, in transactions of {@value #CHUNK}; a dry
     * run counts without changing anything.
     */
    public BulkOutcome retryAll(Range range, String askedBy, boolean force, boolean dryRun) {
        Instant now = clock.instant();
        int matched = 0;
        int retried = 0;
        Map<Refusal, Integer> refused = new EnumMap<>(Refusal.class);
        GreetingId after = null;
        Chunk chunk;
        do {
            GreetingId from = after;
            chunk = transaction.execute(tx -> chunk(range, from, askedBy, force, dryRun, now));
            matched += chunk.matched();
            retried += chunk.retried();
            chunk.refusals().forEach(r -> refused.merge(r, 1, Integer::sum));
            after = chunk.last();
        } while (chunk.matched() == CHUNK);
        log.info(
                "Bulk retry of {} greetings {} .. {}{} by \"{}\": {} matched, {} {}, refused {}",
                range.status(),
                range.from(),
                range.to(),
                range.occasion().map(o -> " of " + o).orElse(""),
                askedBy,
                matched,
                retried,
                dryRun ? "would be re-opened (dry run)" : "re-opened",
                refused);
        return new BulkOutcome(dryRun, matched, retried, refused);
    }

    /** One page of a bulk retry, after {@code after} (null: from the start), in one transaction. */
    private Chunk chunk(
            Range range,
            GreetingId after,
            String askedBy,
            boolean force,
            boolean dryRun,
            Instant now) {
        List<Candidate> candidates =
                jdbc.sql(RANGE)
                        .param("taskName", GreetingTasks.GREETING_TASK)
                        .param("status", range.status().name())
                        .param("from", range.from())
                        .param("to", range.to())
                        .param("occasion", range.occasion().orElse(null))
                        .param("afterDate", after == null ? LocalDate.of(1, 1, 1) : after.date())
                        .param("afterId", after == null ? "" : after.toString())
                        .param("limit", CHUNK)
                        .query((rs, row) -> candidate(rs, force, now))
                        .list();
        List<Refusal> refusals = new ArrayList<>();
        List<GreetingId> eligible = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.refusal() == null) {
                eligible.add(c.id());
            } else {
                refusals.add(c.refusal());
            }
        }
        int retried = eligible.size();
        if (!dryRun && !eligible.isEmpty()) {
            retried = reopen(eligible, askedBy, force, now).size();
            refusals.addAll(Collections.nCopies(eligible.size() - retried, Refusal.IN_PROGRESS));
        }
        return new Chunk(
                candidates.size(),
                refusals,
                retried,
                candidates.isEmpty() ? null : candidates.get(candidates.size() - 1).id());
    }

    /** Plans the new attempts, then records REOPENED for those planned; returns them. */
    private List<GreetingLogRepository.Reopened> reopen(
            List<GreetingId> ids, String askedBy, boolean force, Instant now) {
        List<String> planned =
                jdbc.sql(PLAN_NOW)
                        .param("taskName", GreetingTasks.GREETING_TASK)
                        .param(
                                "ids",
                                new SqlArrayValue(
                                        "text", ids.stream().map(GreetingId::toString).toArray()))
                        .param("now", now.atOffset(ZoneOffset.UTC))
                        .param("version", now.toEpochMilli())
                        .query(String.class)
                        .list();
        if (planned.isEmpty()) {
            return List.of();
        }
        List<GreetingLogRepository.Reopened> reopened =
                greetingLog.reopen(
                        planned.stream().map(GreetingId::parse).toList(), askedBy, force, now);
        for (GreetingLogRepository.Reopened r : reopened) {
            if (r.uncertain()) {
                metrics.uncertainAttempt();
                log.warn(
                        "greeting={} outcome=REOPENED by=\"{}\" force={} uncertain=true: it expired after"
                                + " an attempt whose answer may never have come back; a channel without an"
                                + " idempotency key, or a provider whose key has lapsed, may deliver twice",
                        r.id(),
                        askedBy,
                        force);
            } else {
                log.info("greeting={} outcome=REOPENED by=\"{}\" force={}", r.id(), askedBy, force);
            }
        }
        return reopened;
    }

    private Candidate candidate(ResultSet rs, boolean force, Instant now) throws SQLException {
        GreetingId id = GreetingId.parse(rs.getString("greeting_id"));
        GreetingStatus status = GreetingStatus.valueOf(rs.getString("status"));
        Optional<User> user = UserDirectory.fromRow(rs);
        Refusal refusal =
                switch (status) {
                    case SENT -> Refusal.SENT;
                    case SKIPPED -> Refusal.SKIPPED;
                    case SENDING -> Refusal.IN_PROGRESS;
                    case FAILED, EXPIRED ->
                            rs.getBoolean("queued")
                                    ? Refusal.IN_PROGRESS
                                    : owedRefusal(
                                            id,
                                            user,
                                            Optional.ofNullable(OwedSince.fromRow(rs)),
                                            rs.getTimestamp("due_at").toInstant(),
                                            force,
                                            now);
                };
        return new Candidate(id, user, refusal);
    }

    /** Null when delivery would send the greeting now. */
    private Refusal owedRefusal(
            GreetingId id,
            Optional<User> user,
            Optional<OwedSince> owed,
            Instant dueAt,
            boolean force,
            Instant now) {
        GreetingEligibility.Verdict verdict = eligibility.check(id, user, owed);
        if (verdict instanceof GreetingEligibility.Verdict.NotOwed notOwed) {
            return switch (notOwed.obstacle()) {
                case UNKNOWN_OCCASION -> Refusal.UNKNOWN_OCCASION;
                case USER_DELETED -> Refusal.USER_DELETED;
                case OPTED_OUT -> Refusal.OPTED_OUT;
                case DATE_CHANGED -> Refusal.DATE_CHANGED;
                case NOT_OWED -> Refusal.NOT_OWED;
            };
        }
        return !force && calendar.expired(dueAt, now) ? Refusal.PAST_MAX_LATENESS : null;
    }
}
