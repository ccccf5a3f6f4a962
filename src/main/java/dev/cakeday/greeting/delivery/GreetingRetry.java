package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingTasks;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.user.UserDirectory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    static final int CHUNK = 500;

    /**
     * The greetings a retry considers, locked, with what the checks need: the user, since when the
     * occasion is owed, and whether a row is still queued (its handler has not finished). The
     * greeting's id is renamed so that {@code id} is the user's.
     */
    private static final String CANDIDATES_FROM =
            """
            SELECT g.id AS greeting_id, g.status, g.due_at, %s, uo.owed_since, uo.owed_from,
                   EXISTS (SELECT 1 FROM scheduled_tasks t WHERE t.task_name = :taskName AND t.task_instance = g.id) AS queued
            FROM greetings g
            LEFT JOIN users u ON u.id = g.user_id
            LEFT JOIN user_occasions uo ON uo.user_id = g.user_id AND uo.occasion = g.occasion
            """
                    .formatted(UserDirectory.columns("u"));

    static final String ONE = CANDIDATES_FROM + "WHERE g.id = :id\nFOR UPDATE OF g";

    static final String RANGE =
            CANDIDATES_FROM
                    + """
            WHERE g.status = :status AND g.local_date BETWEEN :from AND :to
              AND (CAST(:occasion AS text) IS NULL OR g.occasion = :occasion)
              AND g.id > :afterId
            ORDER BY g.id
            LIMIT :limit
            FOR UPDATE OF g""";

    /**
     * The new attempt's row, due now. A row still there belongs to a handler that has not finished:
     * that greeting is left alone, so that its handler's removal cannot take the new row with it.
     */
    static final String PLAN_NOW =
            """
            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
            SELECT :taskName, id, :now, false, 1 FROM unnest(CAST(:ids AS text[])) AS ids (id)
            ON CONFLICT (task_name, task_instance) DO NOTHING
            RETURNING task_instance""";

    /** REOPENED, and the request in greeting_retries with what the greeting was before it. */
    static final String REOPEN =
            """
            WITH reopened AS (
                UPDATE greetings g
                SET status = 'SENDING', next_attempt_at = :now, retried_at = :now, retried_by = :askedBy,
                    updated_at = :now
                FROM greetings before
                WHERE before.id = g.id AND g.id = ANY(CAST(:ids AS text[])) AND g.status IN ('FAILED', 'EXPIRED')
                RETURNING g.id, before.status, before.last_error)
            INSERT INTO greeting_retries (greeting_id, asked_at, asked_by, previous_status, previous_error, forced)
            SELECT id, :now, :askedBy, status, last_error, :forced FROM reopened""";

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
        record Reopened() implements Outcome {}

        record Refused(Refusal refusal) implements Outcome {}

        record NotFound() implements Outcome {}
    }

    /**
     * What a bulk retry did, or would do on a dry run: {@code matched} greetings had the status in
     * the range, {@code retried} were (or would be) re-opened, the others are counted by refusal.
     */
    public record BulkOutcome(
            boolean dryRun, int matched, int retried, Map<Refusal, Integer> refused) {}

    /** A bulk retry's range: greetings of this status and local dates, maybe of one occasion. */
    public record Range(
            GreetingStatus status, LocalDate from, LocalDate to, Optional<String> occasion) {}

    private record Candidate(
            GreetingId id, GreetingStatus status, Instant dueAt, Refusal refusal) {}

    private final JdbcClient jdbc;
    private final GreetingEligibility eligibility;
    private final GreetingCalendar calendar;
    private final TransactionTemplate transaction;
    private final Clock clock;

    GreetingRetry(
            JdbcClient jdbc,
            GreetingEligibility eligibility,
            GreetingCalendar calendar,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.jdbc = jdbc;
        this.eligibility = eligibility;
        this.calendar = calendar;
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
                                    .query((rs, row) -> candidate(rs, force, now))
                                    .optional();
                    if (found.isEmpty()) {
                        return new Outcome.NotFound();
                    }
                    Candidate candidate = found.get();
                    Refusal refusal =
                            candidate.refusal() != null
                                    ? candidate.refusal()
                                    : reopen(List.of(id), askedBy, force, now).isEmpty()
                                            ? Refusal.IN_PROGRESS
                                            : null;
                    if (refusal != null) {
                        tx.setRollbackOnly();
                        return new Outcome.Refused(refusal);
                    }
                    log.info(
                            "greeting={} outcome=REOPENED by=\"{}\" was={} force={}",
                            id,
                            askedBy,
                            candidate.status(),
                            force);
                    return new Outcome.Reopened();
                });
    }

    /**
     * Re-opens every greeting of the range that can be, in transactions of {@value #CHUNK}; a dry
     * run counts without changing anything.
     */
    public BulkOutcome retryAll(Range range, String askedBy, boolean force, boolean dryRun) {
        if (range.status() != GreetingStatus.FAILED && range.status() != GreetingStatus.EXPIRED) {
            throw new IllegalArgumentException("only FAILED or EXPIRED greetings can be retried");
        }
        Instant now = clock.instant();
        int matched = 0;
        int retried = 0;
        Map<Refusal, Integer> refused = new EnumMap<>(Refusal.class);
        String after = "";
        while (true) {
            String from = after;
            ChunkOutcome chunk =
                    transaction.execute(
                            tx -> {
                                List<Candidate> candidates =
                                        jdbc.sql(RANGE)
                                                .param("taskName", GreetingTasks.GREETING_TASK)
                                                .param("status", range.status().name())
                                                .param("from", range.from())
                                                .param("to", range.to())
                                                .param("occasion", range.occasion().orElse(null))
                                                .param("afterId", from)
                                                .param("limit", CHUNK)
                                                .query((rs, row) -> candidate(rs, force, now))
                                                .list();
                                List<GreetingId> ids = new ArrayList<>();
                                List<Refusal> refusals = new ArrayList<>();
                                for (Candidate c : candidates) {
                                    if (c.refusal() == null) {
                                        ids.add(c.id());
                                    } else {
                                        refusals.add(c.refusal());
                                    }
                                }
                                if (!dryRun && !ids.isEmpty()) {
                                    Set<String> reopened = reopen(ids, askedBy, force, now);
                                    ids.stream()
                                            .filter(id -> !reopened.contains(id.toString()))
                                            .forEach(id -> refusals.add(Refusal.IN_PROGRESS));
                                    ids.removeIf(id -> !reopened.contains(id.toString()));
                                }
                                return new ChunkOutcome(
                                        candidates.size(),
                                        ids.size(),
                                        refusals,
                                        candidates.isEmpty()
                                                ? null
                                                : candidates
                                                        .get(candidates.size() - 1)
                                                        .id()
                                                        .toString());
                            });
            matched += chunk.matched();
            retried += chunk.retried();
            chunk.refusals().forEach(r -> refused.merge(r, 1, Integer::sum));
            if (chunk.matched() < CHUNK) {
                break;
            }
            after = chunk.last();
        }
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

    private record ChunkOutcome(int matched, int retried, List<Refusal> refusals, String last) {}

    /** Plans the new attempts and records REOPENED; returns the ids re-opened. */
    private Set<String> reopen(List<GreetingId> ids, String askedBy, boolean force, Instant now) {
        SqlArrayValue array =
                new SqlArrayValue("text", ids.stream().map(GreetingId::toString).toArray());
        List<String> planned =
                jdbc.sql(PLAN_NOW)
                        .param("taskName", GreetingTasks.GREETING_TASK)
                        .param("ids", array)
                        .param("now", at(now))
                        .query(String.class)
                        .list();
        if (!planned.isEmpty()) {
            jdbc.sql(REOPEN)
                    .param("ids", new SqlArrayValue("text", planned.toArray()))
                    .param("now", at(now))
                    .param("askedBy", askedBy)
                    .param("forced", force)
                    .update();
        }
        return new HashSet<>(planned);
    }

    private Candidate candidate(ResultSet rs, boolean force, Instant now) throws SQLException {
        GreetingId id = GreetingId.parse(rs.getString("greeting_id"));
        GreetingStatus status = GreetingStatus.valueOf(rs.getString("status"));
        Instant dueAt = rs.getTimestamp("due_at").toInstant();
        return new Candidate(id, status, dueAt, refusal(rs, id, status, dueAt, force, now));
    }

    private Refusal refusal(
            ResultSet rs,
            GreetingId id,
            GreetingStatus status,
            Instant dueAt,
            boolean force,
            Instant now)
            throws SQLException {
        switch (status) {
            case SENT:
                return Refusal.SENT;
            case SKIPPED:
                return Refusal.SKIPPED;
            case SENDING:
                return Refusal.IN_PROGRESS;
            default:
                break;
        }
        if (rs.getBoolean("queued")) {
            return Refusal.IN_PROGRESS;
        }
        GreetingEligibility.Verdict verdict =
                eligibility.check(
                        id, UserDirectory.fromRow(rs), Optional.ofNullable(OwedSince.fromRow(rs)));
        if (verdict instanceof GreetingEligibility.Verdict.NotOwed notOwed) {
            return Refusal.valueOf(notOwed.obstacle().name());
        }
        if (!force && calendar.expired(dueAt, now)) {
            return Refusal.PAST_MAX_LATENESS;
        }
        return null;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
