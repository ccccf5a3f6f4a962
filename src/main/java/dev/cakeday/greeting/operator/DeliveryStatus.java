package dev.cakeday.greeting.operator;

import io.swagger.v3.oas.annotations.media.Schema;

/** The state of delivery as this instance sees it. */
record DeliveryStatus(
        @Schema(description = "The provider circuit breaker: CLOSED, OPEN, HALF_OPEN, …")
                String circuitBreaker,
        @Schema(description = "Greetings due and not yet claimed by any instance") long due,
        @Schema(description = "Age of the oldest of them (0 when none): the queue lag")
                long oldestDueAgeSeconds) {}
