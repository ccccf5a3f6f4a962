package dev.cakeday.user;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The JSON body of {@code POST /user} and {@code PUT /user/{id}}. Every field arrives as text so
 * that each rule can answer with its own message; {@link UserValidator} turns it into a {@link
 * UserDraft}.
 */
public record UserRequest(
        @Schema(
                        description = "1–100 letters, spaces, apostrophes or hyphens",
                        example = "Ada",
                        requiredMode = REQUIRED)
                String firstName,
        @Schema(
                        description = "1–100 letters, spaces, apostrophes or hyphens",
                        example = "Lovelace",
                        requiredMode = REQUIRED)
                String lastName,
        @Schema(
                        description = "Unique ignoring case; at most 254 characters",
                        example = "ada@example.com",
                        requiredMode = REQUIRED)
                String email,
        @Schema(
                        description = "yyyy-MM-dd, year 1900 or later, not in the future",
                        example = "1990-12-10",
                        format = "date",
                        requiredMode = REQUIRED)
                String birthday,
        @Schema(
                        description = "IANA region id; fixed offsets are refused",
                        example = "Europe/London",
                        requiredMode = REQUIRED)
                String timezone,
        @Schema(
                        description = "Optional; same rules as birthday",
                        example = "2015-06-20",
                        format = "date",
                        nullable = true)
                String anniversary,
        @Schema(
                        description =
                                "Optional BCP 47 language tag of the user's greetings, stored in canonical form;"
                                        + " absent: cakeday.greeting.default-locale",
                        example = "pt-BR",
                        nullable = true)
                String locale,
        @ArraySchema(
                        arraySchema =
                                @Schema(
                                        description =
                                                "Occasions the user wants no greetings for (BIRTHDAY, ANNIVERSARY), or [\"ALL\"];"
                                                        + " [] opts back in. Absent on PUT: the current opt-out is kept",
                                        nullable = true),
                        schema = @Schema(example = "ANNIVERSARY"))
                List<String> optOut) {}
