package dev.cakeday.greeting;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/** The {@code user_occasions} table: each user's occasions by month-day, and since when they are owed. */
@Repository
class UserOccasions {

    static final String UPSERT = """
            INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
            VALUES (:userId, :occasion, :monthDay, :timezone, :owedSince, :owedFrom)
            ON CONFLICT (user_id, occasion) DO UPDATE
            SET month_day = EXCLUDED.month_day, timezone = EXCLUDED.timezone,
                owed_since = EXCLUDED.owed_since, owed_from = EXCLUDED.owed_from""";

    static final String DELETE = "DELETE FROM user_occasions WHERE user_id = :userId AND occasion = :occasion";

    static final String SELECT_ONE = """
            SELECT owed_since, owed_from FROM user_occasions WHERE user_id = :userId AND occasion = :occasion""";

    static final String SELECT_FOR_USERS = """
            SELECT user_id, occasion, owed_since, owed_from FROM user_occasions
            WHERE user_id = ANY(:userIds)""";

    private final JdbcClient jdbc;

    UserOccasions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void save(UUID userId, String occasion, LocalDate occasionDate, ZoneId zone, Instant owedSince) {
        jdbc.sql(UPSERT)
                .param("userId", userId)
                .param("occasion", occasion)
                .param("monthDay", MonthDays.of(occasionDate))
                .param("timezone", zone.getId())
                .param("owedSince", owedSince.atOffset(ZoneOffset.UTC))
                .param("owedFrom", LocalDate.ofInstant(owedSince, zone))
                .update();
    }

    void delete(UUID userId, String occasion) {
        jdbc.sql(DELETE).param("userId", userId).param("occasion", occasion).update();
    }

    Optional<OwedSince> find(UUID userId, String occasion) {
        return jdbc.sql(SELECT_ONE).param("userId", userId).param("occasion", occasion)
                .query((rs, row) -> new OwedSince(rs.getTimestamp("owed_since").toInstant(),
                        rs.getObject("owed_from", LocalDate.class)))
                .optional();
    }

    /** For each user, since when each of their occasions is owed. */
    Map<UUID, Map<String, OwedSince>> find(Collection<UUID> userIds) {
        Map<UUID, Map<String, OwedSince>> owed = new HashMap<>();
        jdbc.sql(SELECT_FOR_USERS)
                .param("userIds", new SqlArrayValue("uuid", userIds.toArray()))
                .query(rs -> {
                    Timestamp since = rs.getTimestamp("owed_since");
                    owed.computeIfAbsent(rs.getObject("user_id", UUID.class), id -> new HashMap<>())
                            .put(rs.getString("occasion"),
                                    new OwedSince(since.toInstant(), rs.getObject("owed_from", LocalDate.class)));
                });
        return owed;
    }
}
