package dev.cakeday.greeting.operator;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.delivery.GreetingLogRepository;
import dev.cakeday.greeting.delivery.GreetingStatus;
import dev.cakeday.mail.Emails;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The operators' reads of the delivery log across users. Addresses are masked, in the error texts
 * too, where a provider may repeat the recipient's.
 */
@Repository
class OperatorLogRepository {

    /**
     * Newest first by local date, then id; the cursor is the last greeting shown, whose id holds
     * its date. Each filter is off when its parameter is null.
     */
    static final String PAGE =
            """
            SELECT %s, g.user_id, u.email
            FROM greetings g
            LEFT JOIN users u ON u.id = g.user_id
            WHERE (CAST(:status AS text) IS NULL OR g.status = :status)
              AND (CAST(:occasion AS text) IS NULL OR g.occasion = :occasion)
              AND (CAST(:from AS date) IS NULL OR g.local_date >= :from)
              AND (CAST(:to AS date) IS NULL OR g.local_date <= :to)
              AND (CAST(:afterId AS text) IS NULL OR (g.local_date, g.id) < (CAST(:afterDate AS date), :afterId))
            ORDER BY g.local_date DESC, g.id DESC
            LIMIT :limit"""
                    .formatted(GreetingLogRepository.ENTRY_COLUMNS);

    /**
     * Per local date of [from, to], the outcomes and the lateness of what was sent, in milliseconds
     * from the due time or an operator's later retry.
     */
    static final String SUMMARY =
            """
            SELECT CAST(d AS date) AS day,
                   count(g.id) FILTER (WHERE g.status = 'SENT') AS sent,
                   count(g.id) FILTER (WHERE g.status = 'FAILED') AS failed,
                   count(g.id) FILTER (WHERE g.status = 'EXPIRED') AS expired,
                   count(g.id) FILTER (WHERE g.status = 'SKIPPED') AS skipped,
                   count(g.id) FILTER (WHERE g.status = 'SENDING') AS sending,
                   CAST(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY g.late_ms)
                                  FILTER (WHERE g.status = 'SENT')) AS bigint) AS p50,
                   CAST(round(percentile_cont(0.99) WITHIN GROUP (ORDER BY g.late_ms)
                                  FILTER (WHERE g.status = 'SENT')) AS bigint) AS p99
            FROM generate_series(CAST(:from AS date), CAST(:to AS date), interval '1 day') AS d
            LEFT JOIN LATERAL (
                SELECT id, status, extract(epoch FROM sent_at - greatest(due_at, retried_at)) * 1000 AS late_ms
                FROM greetings WHERE local_date = CAST(d AS date)) g ON true
            GROUP BY 1
            ORDER BY 1""";

    private final JdbcClient jdbc;

    OperatorLogRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<LoggedGreeting> page(
            Optional<GreetingStatus> status,
            Optional<String> occasion,
            Optional<LocalDate> from,
            Optional<LocalDate> to,
            Optional<GreetingId> after,
            int limit) {
        return jdbc.sql(PAGE)
                .param("status", status.map(Enum::name).orElse(null))
                .param("occasion", occasion.orElse(null))
                .param("from", from.orElse(null))
                .param("to", to.orElse(null))
                .param("afterId", after.map(GreetingId::toString).orElse(null))
                .param("afterDate", after.map(GreetingId::date).orElse(null))
                .param("limit", limit)
                .query(OperatorLogRepository::logged)
                .list();
    }

    private static LoggedGreeting logged(ResultSet rs, int row) throws SQLException {
        return new LoggedGreeting(
                rs.getObject("user_id", UUID.class),
                Emails.mask(rs.getString("email")),
                GreetingLogRepository.entry(rs).withAddressesMasked());
    }

    List<DaySummary> summary(LocalDate from, LocalDate to) {
        return jdbc.sql(SUMMARY)
                .param("from", from)
                .param("to", to)
                .query(
                        (rs, row) ->
                                new DaySummary(
                                        rs.getObject("day", LocalDate.class),
                                        rs.getLong("sent"),
                                        rs.getLong("failed"),
                                        rs.getLong("expired"),
                                        rs.getLong("skipped"),
                                        rs.getLong("sending"),
                                        rs.getObject("p50", Long.class),
                                        rs.getObject("p99", Long.class)))
                .list();
    }
}
