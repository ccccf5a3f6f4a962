package dev.cakeday.user;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** A user as the API shows it, with the next greeting of each of their occasions. */
record UserResponse(
        UUID id,
        String firstName,
        String lastName,
        String email,
        LocalDate birthday,
        String timezone,
        LocalDate anniversary,
        @Schema(description = "BCP 47 tag of the greetings' language; null: the default locale")
                String locale,
        @Schema(description = "Occasions the user opted out of, or [\"ALL\"]") List<String> optOut,
        Instant createdAt,
        Instant updatedAt,
        @Schema(description = "Per occasion, the next greeting not yet in a final state")
                List<UpcomingGreeting> upcomingGreetings) {

    static UserResponse of(User user, List<UpcomingGreeting> upcoming) {
        return new UserResponse(
                user.id(),
                user.firstName(),
                user.lastName(),
                user.email(),
                user.birthday(),
                user.timezone().getId(),
                user.anniversary(),
                user.locale(),
                user.optOut(),
                user.createdAt(),
                user.updatedAt(),
                upcoming);
    }
}
