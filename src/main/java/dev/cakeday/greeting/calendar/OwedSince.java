package dev.cakeday.greeting.calendar;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Since when greetings of one user's occasion are owed: the moment the user was created or last
 * changed the occasion's date or their zone, and that moment's local date in their zone.
 */
public record OwedSince(Instant since, LocalDate from) {

    /**
     * Owed since {@code since}, from that moment's local date in {@code zone}: what user_occasions
     * stores.
     */
    public static OwedSince at(Instant since, ZoneId zone) {
        return new OwedSince(since, LocalDate.ofInstant(since, zone));
    }

    /**
     * The owed_since and owed_from columns of the current row; null when an outer join found none.
     */
    public static OwedSince fromRow(ResultSet rs) throws SQLException {
        Timestamp since = rs.getTimestamp("owed_since");
        return since == null
                ? null
                : new OwedSince(since.toInstant(), rs.getObject("owed_from", LocalDate.class));
    }

    public boolean owes(LocalDate greetingDate) {
        return !greetingDate.isBefore(from);
    }
}
