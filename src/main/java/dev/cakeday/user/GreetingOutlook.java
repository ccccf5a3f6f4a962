package dev.cakeday.user;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tells, for users, their next greeting of each occasion. Implemented by the greeting feature. */
public interface GreetingOutlook {

    Map<UUID, List<UpcomingGreeting>> upcoming(Collection<User> users);
}
