package dev.cakeday.greeting.occasion;

import dev.cakeday.user.User;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.stereotype.Component;

@Component
class Birthday implements Occasion {

    @Override
    public String name() {
        return "BIRTHDAY";
    }

    @Override
    public Optional<LocalDate> dateOf(User user) {
        return Optional.of(user.birthday());
    }

    @Override
    public String usersColumn() {
        return "birthday";
    }
}
