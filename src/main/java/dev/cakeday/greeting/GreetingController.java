package dev.cakeday.greeting;

import dev.cakeday.config.ApiErrors;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.delivery.GreetingLogEntry;
import dev.cakeday.greeting.delivery.GreetingLogRepository;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import dev.cakeday.user.User;
import dev.cakeday.user.UserDirectory;
import dev.cakeday.user.UserNotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /user/{id}/greetings}: a user's delivery log, newest first, and their pending greeting
 * rows.
 */
@RestController
@Tag(name = "Greetings", description = "A user's delivery log and pending greetings")
@ApiErrors
class GreetingController {

    static final int HISTORY_LIMIT = 100;

    private final UserDirectory users;
    private final OccasionRegistry occasions;
    private final GreetingCalendar calendar;
    private final GreetingLogRepository greetingLog;
    private final PendingGreetingRepository pendingGreetings;
    private final Clock clock;

    GreetingController(
            UserDirectory users,
            OccasionRegistry occasions,
            GreetingCalendar calendar,
            GreetingLogRepository greetingLog,
            PendingGreetingRepository pendingGreetings,
            Clock clock) {
        this.users = users;
        this.occasions = occasions;
        this.calendar = calendar;
        this.greetingLog = greetingLog;
        this.pendingGreetings = pendingGreetings;
        this.clock = clock;
    }

    record UserGreetings(
            UUID userId,
            @Schema(
                            description =
                                    "Occasions the user opted out of, or [\"ALL\"]: none of their greetings is planned or sent")
                    List<String> optOut,
            List<GreetingLogEntry> history,
            List<PendingGreeting> pending) {}

    @Operation(
            summary = "A user's greetings",
            description =
                    "The delivery log, newest first (at most 100), "
                            + "and the rows waiting in scheduled_tasks.")
    @ApiResponse(responseCode = "200", description = "History and pending greetings")
    @ApiResponse(
            responseCode = "404",
            description = "No such user",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping(path = "/user/{id}/greetings", produces = MediaType.APPLICATION_JSON_VALUE)
    UserGreetings greetings(@PathVariable UUID id) {
        User user = users.find(id).orElseThrow(() -> new UserNotFoundException(id));
        Instant now = clock.instant();
        List<GreetingId> ids =
                occasions.all().stream()
                        .flatMap(occasion -> calendar.idsAround(user, occasion, now).stream())
                        .toList();
        return new UserGreetings(
                id,
                user.optOut(),
                greetingLog.history(id, HISTORY_LIMIT),
                pendingGreetings.find(ids));
    }
}
