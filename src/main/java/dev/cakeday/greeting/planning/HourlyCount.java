package dev.cakeday.greeting.planning;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** How many greetings of an occasion are due in the UTC hour starting at {@code hour}. */
public record HourlyCount(Instant hour, String occasion, long greetings) {

    /** From a row with {@code hour}, {@code occasion} and {@code greetings}. */
    static HourlyCount fromRow(ResultSet rs, int row) throws SQLException {
        return new HourlyCount(
                rs.getTimestamp("hour").toInstant(),
                rs.getString("occasion"),
                rs.getLong("greetings"));
    }
}
