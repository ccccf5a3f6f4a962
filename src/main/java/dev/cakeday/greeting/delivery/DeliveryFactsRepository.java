package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.user.UserDirectory;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads a greeting's {@link DeliveryFacts} in one round trip, a primary-key probe of each table. It
 * locks nothing: the write that follows (SENDING, or a final status) changes only a greeting still
 * open, so a greeting finished meanwhile is never reopened.
 */
@Repository
class DeliveryFactsRepository {

    static final String SELECT_FACTS =
            """
            SELECT %s, uo.owed_since, uo.owed_from, g.status, g.attempts, g.next_attempt_at,
                   g.retried_at
            FROM (VALUES (1)) AS one (x)
            LEFT JOIN users u ON u.id = :userId
            LEFT JOIN user_occasions uo ON uo.user_id = :userId AND uo.occasion = :occasion
            LEFT JOIN greetings g ON g.id = :id"""
                    .formatted(UserDirectory.columns("u"));

    private final JdbcClient jdbc;

    DeliveryFactsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    DeliveryFacts load(GreetingId id) {
        return jdbc.sql(SELECT_FACTS)
                .param("id", id.toString())
                .param("userId", id.userId())
                .param("occasion", id.occasion())
                .query(
                        (rs, row) ->
                                new DeliveryFacts(
                                        UserDirectory.fromRow(rs),
                                        Optional.ofNullable(OwedSince.fromRow(rs)),
                                        GreetingLogRepository.State.fromRow(rs)))
                .single();
    }
}
