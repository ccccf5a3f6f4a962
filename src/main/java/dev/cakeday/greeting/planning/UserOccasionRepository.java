package dev.cakeday.greeting.planning;

import dev.cakeday.greeting.calendar.MonthDays;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.greeting.occasion.Occasion;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/**
 * The {@code user_occasions} table: each user's occasions by month-day, and since when they are
 * owed.
 */
@Repository
class UserOccasionRepository {

    static final String UPSERT =
            """
            INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
            VALUES (:userId, :occasion, :monthDay, :timezone, :owedSince, :owedFrom)
            ON CONFLICT (user_id, occasion) DO UPDATE
            SET month_day = EXCLUDED.month_day, timezone = EXCLUDED.timezone,
                owed_since = EXCLUDED.owed_since, owed_from = EXCLUDED.owed_from""";

    static final String DELETE =
            "DELETE FROM user_occasions WHERE user_id = :userId AND occasion = :occasion";

    static final String SELECT_FOR_USERS =
            """
            SELECT user_id, occasion, owed_since, owed_from FROM user_occasions
            WHERE user_id = ANY(:userIds)""";

    /**
     * The occasion for each user a bulk import created (in {@code imported_users}) who has not
     * opted out of it; owed_from is the import's local date in each zone, computed in Java like
     * every other date of Cakeday.
     */
    static final String INSERT_IMPORTED =
            """
            INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
            SELECT u.id, :occasion, extract(month FROM u.%1$s) * 100 + extract(day FROM u.%1$s), u.timezone,
                   :owedSince, z.owed_from
            FROM imported_users u
            JOIN unnest(CAST(:zones AS text[]), CAST(:owedFroms AS date[])) AS z (zone, owed_from) ON z.zone = u.timezone
            WHERE u.%1$s IS NOT NULL AND NOT (u.opt_out && ARRAY['ALL', CAST(:occasion AS text)])""";

    static final String ANALYZE = "ANALYZE user_occasions";

    private final JdbcClient jdbc;

    UserOccasionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void save(
            UUID userId, String occasion, LocalDate occasionDate, ZoneId zone, Instant owedSince) {
        jdbc.sql(UPSERT)
                .param("userId", userId)
                .param("occasion", occasion)
                .param("monthDay", MonthDays.of(occasionDate))
                .param("timezone", zone.getId())
                .param("owedSince", owedSince.atOffset(ZoneOffset.UTC))
                .param("owedFrom", OwedSince.at(owedSince, zone).from())
                .update();
    }

    /**
     * Adds the occasion for every user in {@code imported_users}, owed since {@code owedSince};
     * returns the rows.
     */
    int saveImported(Occasion occasion, Instant owedSince, Collection<ZoneId> zones) {
        return jdbc.sql(INSERT_IMPORTED.formatted(occasion.usersColumn()))
                .param("occasion", occasion.name())
                .param("owedSince", owedSince.atOffset(ZoneOffset.UTC))
                .param(
                        "zones",
                        new SqlArrayValue("text", zones.stream().map(ZoneId::getId).toArray()))
                .param(
                        "owedFroms",
                        new SqlArrayValue(
                                "text",
                                zones.stream()
                                        .map(
                                                zone ->
                                                        OwedSince.at(owedSince, zone)
                                                                .from()
                                                                .toString())
                                        .toArray()))
                .update();
    }

    /** After a bulk insert, fresh statistics. */
    void analyze() {
        jdbc.sql(ANALYZE).update();
    }

    void delete(UUID userId, String occasion) {
        jdbc.sql(DELETE).param("userId", userId).param("occasion", occasion).update();
    }

    /** For each user, since when each of their occasions is owed. */
    Map<UUID, Map<String, OwedSince>> find(Collection<UUID> userIds) {
        Map<UUID, Map<String, OwedSince>> owed = new HashMap<>();
        jdbc.sql(SELECT_FOR_USERS)
                .param("userIds", new SqlArrayValue("uuid", userIds.toArray()))
                .query(
                        rs -> {
                            owed.computeIfAbsent(
                                            rs.getObject("user_id", UUID.class),
                                            id -> new HashMap<>())
                                    .put(rs.getString("occasion"), OwedSince.fromRow(rs));
                        });
        return owed;
    }
}
