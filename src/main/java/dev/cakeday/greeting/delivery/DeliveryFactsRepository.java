package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.greeting.log.LogDateRange;
import dev.cakeday.user.UserDirectory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads greetings' {@link DeliveryFacts} in one round trip, a primary-key probe of each table per
 * greeting, for one greeting or for a batch of them (group commit). It locks nothing: the write
 * that follows (SENDING, or a final status) changes only a greeting still open, so a greeting
 * finished meanwhile is never reopened.
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
            LEFT JOIN greetings g ON g.id = :id AND g.local_date = :localDate"""
                    .formatted(UserDirectory.columns("u"));

    static final String SELECT_FACTS_OF_MANY =
            """
            SELECT k.greeting_id, %s, uo.owed_since, uo.owed_from, g.status, g.attempts,
                   g.next_attempt_at, g.retried_at
            FROM unnest(CAST(:ids AS text[]), CAST(CAST(:userIds AS text[]) AS uuid[]),
                        CAST(:occasions AS text[]), CAST(CAST(:localDates AS text[]) AS date[]))
                 AS k (greeting_id, user_id, occasion, local_date)
            LEFT JOIN users u ON u.id = k.user_id
            LEFT JOIN user_occasions uo ON uo.user_id = k.user_id AND uo.occasion = k.occasion
            LEFT JOIN greetings g ON g.id = k.greeting_id AND g.local_date = k.local_date
                                AND g.local_date BETWEEN :firstDate AND :lastDate"""
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
                .param("localDate", id.date())
                .query((rs, row) -> facts(rs))
                .single();
    }

    Map<GreetingId, DeliveryFacts> loadAll(List<GreetingId> ids) {
        Map<GreetingId, DeliveryFacts> facts = new HashMap<>();
        LogDateRange.of(ids.stream().map(GreetingId::date).toList())
                .bind(jdbc.sql(SELECT_FACTS_OF_MANY))
                .param("ids", GreetingLogRepository.array("text", ids, GreetingId::toString))
                .param(
                        "userIds",
                        GreetingLogRepository.array("text", ids, id -> id.userId().toString()))
                .param("occasions", GreetingLogRepository.array("text", ids, GreetingId::occasion))
                .param(
                        "localDates",
                        GreetingLogRepository.array("text", ids, id -> id.date().toString()))
                .query(
                        rs -> {
                            facts.put(GreetingId.parse(rs.getString("greeting_id")), facts(rs));
                        });
        return facts;
    }

    private static DeliveryFacts facts(ResultSet rs) throws SQLException {
        return new DeliveryFacts(
                UserDirectory.fromRow(rs),
                Optional.ofNullable(OwedSince.fromRow(rs)),
                GreetingLogRepository.State.fromRow(rs));
    }
}
