package dev.cakeday.user;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Tells, for users, their next greeting of each occasion. Implemented by the greeting feature. */
public interface GreetingOutlook {

    Map<UUID, List<UpcomingGreeting>> upcoming(Collection<User> users);

    /**
     * The user with their next greetings, read in one statement (the user, their occasions and the
     * log together); empty when there is no such user.
     */
    Optional<UserOutlook> find(UUID userId);

    /**
     * The same for a user created in the current request: every occasion is owed since the user's
     * creation and the delivery log holds nothing of theirs yet, so nothing needs to be read.
     */
    List<UpcomingGreeting> upcomingOfNew(User user);
}
