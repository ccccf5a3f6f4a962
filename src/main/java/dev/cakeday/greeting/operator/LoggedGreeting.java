package dev.cakeday.greeting.operator;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cakeday.greeting.delivery.GreetingLogEntry;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

/** A delivery log entry across users: whose it is, with the address masked. */
record LoggedGreeting(
        UUID userId,
        @Schema(description = "The user's address, masked; null when the user was deleted")
                String maskedEmail,
        @JsonUnwrapped GreetingLogEntry entry) {}
