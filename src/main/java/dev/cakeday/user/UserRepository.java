package dev.cakeday.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/** The {@code users} table. */
@Repository
class UserRepository {

    static final String COLUMNS =
            "id, first_name, last_name, email, birthday, timezone, anniversary, locale, opt_out, created_at,"
                    + " updated_at";

    static final String INSERT =
            """
            INSERT INTO users (first_name, last_name, email, birthday, timezone, anniversary, locale, opt_out,
                               created_at, updated_at)
            VALUES (:firstName, :lastName, :email, :birthday, :timezone, :anniversary, :locale,
                    coalesce(CAST(:optOut AS text[]), '{}'), :now, :now)
            RETURNING """
                    + " "
                    + COLUMNS;

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = :id";

    static final String SELECT_BY_ID_FOR_UPDATE = SELECT_BY_ID + " FOR UPDATE";

    /** By address, ignoring case, as the unique index compares them. */
    static final String SELECT_BY_EMAIL =
            "SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(:email)";

    static final String SELECT_PAGE =
            """
            SELECT %s FROM users
            WHERE (CAST(:after AS uuid) IS NULL OR id > CAST(:after AS uuid))
            ORDER BY id
            LIMIT :limit"""
                    .formatted(COLUMNS);

    static final String UPDATE =
            """
            UPDATE users
            SET first_name = :firstName, last_name = :lastName, email = :email, birthday = :birthday,
                timezone = :timezone, anniversary = :anniversary, locale = :locale,
                opt_out = coalesce(CAST(:optOut AS text[]), opt_out), updated_at = :now
            WHERE id = :id
            RETURNING """
                    + " "
                    + COLUMNS;

    static final String SET_OPT_OUT =
            """
            UPDATE users SET opt_out = :optOut, updated_at = :now
            WHERE id = :id
            RETURNING """
                    + " "
                    + COLUMNS;

    static final String DELETE = "DELETE FROM users WHERE id = :id RETURNING " + COLUMNS;

    private static final RowMapper<User> USER = UserRepository::mapUser;

    private final JdbcClient jdbc;

    UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    User insert(UserDraft draft, Instant now) {
        try {
            return bind(jdbc.sql(INSERT), draft).param("now", at(now)).query(USER).single();
        } catch (DuplicateKeyException e) {
            throw new EmailTakenException(draft.email());
        }
    }

    Optional<User> find(UUID id) {
        return jdbc.sql(SELECT_BY_ID).param("id", id).query(USER).optional();
    }

    Optional<User> findForUpdate(UUID id) {
        return jdbc.sql(SELECT_BY_ID_FOR_UPDATE).param("id", id).query(USER).optional();
    }

    Optional<User> findByEmail(String email) {
        return jdbc.sql(SELECT_BY_EMAIL).param("email", email).query(USER).optional();
    }

    List<User> page(UUID after, int limit) {
        return jdbc.sql(SELECT_PAGE).param("after", after).param("limit", limit).query(USER).list();
    }

    User update(UUID id, UserDraft draft, Instant now) {
        try {
            return bind(jdbc.sql(UPDATE), draft)
                    .param("id", id)
                    .param("now", at(now))
                    .query(USER)
                    .single();
        } catch (DuplicateKeyException e) {
            throw new EmailTakenException(draft.email());
        }
    }

    User setOptOut(UUID id, List<String> optOut, Instant now) {
        return jdbc.sql(SET_OPT_OUT)
                .param("id", id)
                .param("optOut", new SqlArrayValue("text", optOut.toArray()))
                .param("now", at(now))
                .query(USER)
                .single();
    }

    Optional<User> delete(UUID id) {
        return jdbc.sql(DELETE).param("id", id).query(USER).optional();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, UserDraft draft) {
        return spec.param("firstName", draft.firstName())
                .param("lastName", draft.lastName())
                .param("email", draft.email())
                .param("birthday", draft.birthday())
                .param("timezone", draft.timezone().getId())
                .param("anniversary", draft.anniversary(), Types.DATE)
                .param("locale", draft.locale(), Types.VARCHAR)
                .param(
                        "optOut",
                        draft.optOut() == null
                                ? null
                                : new SqlArrayValue("text", draft.optOut().toArray()));
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static User mapUser(ResultSet rs, int row) throws SQLException {
        return new User(
                rs.getObject("id", UUID.class),
                rs.getString("first_name"),
                rs.getString("last_name"),
                rs.getString("email"),
                rs.getObject("birthday", LocalDate.class),
                ZoneId.of(rs.getString("timezone")),
                rs.getObject("anniversary", LocalDate.class),
                rs.getString("locale"),
                List.of((String[]) rs.getArray("opt_out").getArray()),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp.toInstant();
    }
}
