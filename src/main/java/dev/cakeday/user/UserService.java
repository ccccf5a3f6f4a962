package dev.cakeday.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** User writes and reads, each in one transaction. */
@Service
class UserService {

    private final UserRepository users;
    private final UserValidator validator;
    private final Clock clock;

    UserService(UserRepository users, UserValidator validator, Clock clock) {
        this.users = users;
        this.validator = validator;
        this.clock = clock;
    }

    @Transactional
    User create(UserRequest request) {
        return users.insert(validator.validate(request), now());
    }

    @Transactional(readOnly = true)
    User get(UUID id) {
        return users.find(id).orElseThrow(() -> new UserNotFoundException(id));
    }

    @Transactional(readOnly = true)
    List<User> page(UUID after, int limit) {
        return users.page(after, limit);
    }

    @Transactional
    User replace(UUID id, UserRequest request) {
        UserDraft draft = validator.validate(request);
        users.findForUpdate(id).orElseThrow(() -> new UserNotFoundException(id));
        return users.update(id, draft, now());
    }

    @Transactional
    void delete(UUID id) {
        if (!users.delete(id)) {
            throw new UserNotFoundException(id);
        }
    }

    // PostgreSQL keeps microseconds: truncate so that what a write returns equals what a read returns.
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
