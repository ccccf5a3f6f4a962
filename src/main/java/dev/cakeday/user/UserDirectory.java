package dev.cakeday.user;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Read access to users for other features, such as delivery re-checking a user before sending. */
@Component
public class UserDirectory {

    private final UserRepository users;

    UserDirectory(UserRepository users) {
        this.users = users;
    }

    public Optional<User> find(UUID id) {
        return users.find(id);
    }
}
