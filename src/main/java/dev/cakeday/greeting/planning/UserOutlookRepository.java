package dev.cakeday.greeting.planning;

import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.user.User;
import dev.cakeday.user.UserDirectory;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/**
 * What {@code GET /user/{id}} shows, read in one statement: the user, since when each of their
 * occasions is owed, and which of their greetings of the years around now the log has finished.
 */
@Repository
class UserOutlookRepository {

    /**
     * One row per occasion (one row with NULL occasion columns when the user has none). Every read
     * is an index probe whose estimate needs no statistics: the users primary key, the
     * user_occasions primary key with both of its columns given (one probe per occasion name, each
     * at most one row), and the log's (user_id, local_date) index with a user and a date range.
     */
    static final String SELECT_USER_OUTLOOK =
            """
            SELECT %s, o.occasion, o.owed_since, o.owed_from, g.finished
            FROM users u
            CROSS JOIN LATERAL (
                SELECT array_agg(id) AS finished FROM greetings
                WHERE user_id = u.id AND local_date BETWEEN :from AND :to AND status <> 'SENDING') g
            LEFT JOIN LATERAL (
                SELECT o.occasion, o.owed_since, o.owed_from
                FROM unnest(CAST(:occasions AS text[])) AS n (occasion)
                JOIN user_occasions o ON o.user_id = u.id AND o.occasion = n.occasion) o ON true
            WHERE u.id = :id"""
                    .formatted(UserDirectory.columns("u"));

    /**
     * The user, since when each of these occasions of theirs is owed, and the ids of their
     * greetings dated {@code from} to {@code to} that have a final status.
     */
    record UserOutlookFacts(User user, Map<String, OwedSince> owed, Set<String> finished) {}

    private static final ResultSetExtractor<Optional<UserOutlookFacts>> FACTS =
            UserOutlookRepository::facts;

    private final JdbcClient jdbc;

    UserOutlookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<UserOutlookFacts> find(
            UUID userId, Collection<String> occasions, LocalDate from, LocalDate to) {
        return jdbc.sql(SELECT_USER_OUTLOOK)
                .param("id", userId)
                .param("occasions", new SqlArrayValue("text", occasions.toArray()))
                .param("from", from)
                .param("to", to)
                .query(FACTS);
    }

    private static Optional<UserOutlookFacts> facts(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return Optional.empty();
        }
        User user = UserDirectory.fromRow(rs).orElseThrow();
        Array finished = rs.getArray("finished");
        Map<String, OwedSince> owed = new HashMap<>();
        do {
            String occasion = rs.getString("occasion");
            if (occasion != null) {
                owed.put(occasion, OwedSince.fromRow(rs));
            }
        } while (rs.next());
        return Optional.of(
                new UserOutlookFacts(
                        user,
                        owed,
                        finished == null ? Set.of() : Set.of((String[]) finished.getArray())));
    }
}
