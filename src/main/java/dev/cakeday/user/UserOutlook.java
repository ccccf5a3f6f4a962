package dev.cakeday.user;

import java.util.List;

/** A user with the next greeting of each of their occasions. */
public record UserOutlook(User user, List<UpcomingGreeting> upcoming) {

    public UserOutlook {
        upcoming = List.copyOf(upcoming);
    }
}
