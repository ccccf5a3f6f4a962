package dev.cakeday.user;

import java.time.Instant;

/**
 * What happened to a user, published synchronously inside the transaction of the write so that
 * listeners (the greeting planner) commit or roll back with it.
 */
public final class UserEvents {

    private UserEvents() {}

    public record Created(User user, Instant at) {}

    public record Replaced(User before, User after, Instant at) {}

    public record Deleted(User user, Instant at) {}

    /**
     * A bulk import created {@code count} users at {@code at}. Their rows are in the temporary
     * table {@code imported_users} (the columns of {@code users}), which lives until the
     * transaction ends.
     */
    public record Imported(Instant at, long count) {}
}
