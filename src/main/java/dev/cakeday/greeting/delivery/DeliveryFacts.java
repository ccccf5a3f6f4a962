package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.user.User;
import java.util.Optional;

/**
 * What delivery checks before a send, read together: the user (empty when deleted), since when the
 * occasion is owed (empty when the user no longer has it), and the log's state (empty before the
 * first attempt).
 */
record DeliveryFacts(
        Optional<User> user,
        Optional<OwedSince> owed,
        Optional<GreetingLogRepository.State> state) {}
