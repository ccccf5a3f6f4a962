package dev.cakeday.greeting.occasion;

import dev.cakeday.user.User;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.stereotype.Component;

@Component
class Anniversary implements Occasion {

    @Override
    public String name() {
        return "ANNIVERSARY";
    }

    @Override
    public Optional<LocalDate> dateOf(User user) {
        return Optional.ofNullable(user.anniversary());
    }

    @Override
    public String usersColumn() {
        return "anniversary";
    }
}
