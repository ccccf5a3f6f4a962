package dev.cakeday.greeting.operator;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.LocalDate;

/**
 * The outcomes of the greetings of one local date. Lateness counts from the due time, or from an
 * operator's later retry; null when nothing was sent.
 */
record DaySummary(
        LocalDate date,
        long sent,
        long failed,
        long expired,
        long skipped,
        @Schema(description = "Still being delivered or retried") long sending,
        Long latenessP50Ms,
        Long latenessP99Ms) {}
