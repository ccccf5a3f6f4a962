package dev.cakeday.user;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A user as the API shows it. */
record UserResponse(
        UUID id,
        String firstName,
        String lastName,
        String email,
        LocalDate birthday,
        String timezone,
        LocalDate anniversary,
        Instant createdAt,
        Instant updatedAt) {

    static UserResponse of(User user) {
        return new UserResponse(user.id(), user.firstName(), user.lastName(), user.email(), user.birthday(),
                user.timezone().getId(), user.anniversary(), user.createdAt(), user.updatedAt());
    }
}
