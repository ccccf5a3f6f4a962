package dev.cakeday.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Read access to users for other features: a user by id, or, for a feature that joins users into a
 * query of its own to save a round trip (delivery does, once per greeting), the columns to select
 * and the mapping of the row.
 */
@Component
public class UserDirectory {

    private final UserRepository users;

    UserDirectory(UserRepository users) {
        this.users = users;
    }

    public Optional<User> find(UUID id) {
        return users.find(id);
    }

    /** The columns {@link #fromRow} reads, qualified by a table alias. */
    public static String columns(String alias) {
        return Arrays.stream(UserRepository.COLUMNS.split(", "))
                .map(column -> alias + "." + column)
                .collect(Collectors.joining(", "));
    }

    /**
     * The user in the current row of a query that selected {@link #columns}; empty when an outer
     * join found none.
     */
    public static Optional<User> fromRow(ResultSet rs) throws SQLException {
        return rs.getObject("id") == null
                ? Optional.empty()
                : Optional.of(UserRepository.mapUser(rs, rs.getRow()));
    }
}
