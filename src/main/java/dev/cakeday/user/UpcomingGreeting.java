package dev.cakeday.user;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;

/** The next greeting of one occasion, as shown with a user. */
public record UpcomingGreeting(
        @Schema(example = "BIRTHDAY") String occasion,
        @Schema(description = "The local date it is greeted on", example = "2026-12-10")
                LocalDate date,
        @Schema(
                        description =
                                "When it is due (UTC). Equals scheduled_tasks.execution_time once planned, until an "
                                        + "attempt fails for now: then the row holds the next retry (the log's nextAttemptAt)",
                        example = "2026-12-10T09:00:00Z")
                Instant sendAt) {}
