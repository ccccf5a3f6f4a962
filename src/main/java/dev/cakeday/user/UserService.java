package dev.cakeday.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** User writes and reads, each in one transaction. */
@Service
public class UserService {

    private final UserRepository users;
    private final UserValidator validator;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    UserService(
            UserRepository users,
            UserValidator validator,
            ApplicationEventPublisher events,
            Clock clock) {
        this.users = users;
        this.validator = validator;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    User create(UserRequest request) {
        Instant now = now();
        User user = users.insert(validator.validate(request), now);
        events.publishEvent(new UserEvents.Created(user, now));
        return user;
    }

    @Transactional(readOnly = true)
    Optional<User> findByEmail(String email) {
        return users.findByEmail(email.strip());
    }

    @Transactional(readOnly = true)
    List<User> page(UUID after, int limit) {
        return users.page(after, limit);
    }

    @Transactional
    User replace(UUID id, UserRequest request) {
        UserDraft draft = validator.validate(request);
        User before = users.findForUpdate(id).orElseThrow(() -> new UserNotFoundException(id));
        Instant now = now();
        User after = users.update(id, draft, now);
        events.publishEvent(new UserEvents.Replaced(before, after, now));
        return after;
    }

    /**
     * Opts the user out of an occasion (or {@link User#ALL}), as a replacement that changed only
     * the opt-out would: their pending greetings of it are cancelled. Returns whether anything
     * changed: not when the user does not exist or is opted out already.
     */
    @Transactional
    public boolean optOut(UUID id, String scope) {
        Optional<User> before = users.findForUpdate(id);
        if (before.isEmpty() || before.get().optedOutOf(scope)) {
            return false;
        }
        List<String> optOut = new ArrayList<>(before.get().optOut());
        optOut.add(scope);
        Instant now = now();
        User after = users.setOptOut(id, User.optOut(optOut), now);
        events.publishEvent(new UserEvents.Replaced(before.get(), after, now));
        return true;
    }

    @Transactional
    void delete(UUID id) {
        User deleted = users.delete(id).orElseThrow(() -> new UserNotFoundException(id));
        events.publishEvent(new UserEvents.Deleted(deleted, now()));
    }

    // PostgreSQL keeps microseconds: truncate so that what a write returns equals what a read
    // returns.
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
