package dev.cakeday.greeting.operator;

import dev.cakeday.config.ApiErrors;
import dev.cakeday.config.ApiProperties;
import dev.cakeday.config.Problems;
import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.QueueGauges;
import dev.cakeday.greeting.delivery.GreetingRetry;
import dev.cakeday.greeting.delivery.GreetingStatus;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import dev.cakeday.greeting.planning.GreetingForecast;
import dev.cakeday.greeting.planning.HourlyCount;
import dev.cakeday.mail.Emails;
import dev.cakeday.mail.ProviderGate;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operators' view of delivery across users: the log, what is coming, how the last days went,
 * and the retry of greetings that failed or expired.
 */
@RestController
@Tag(
        name = "Operations",
        description = "The delivery log across users, the outlook, and retries (admin)")
@ApiErrors
@RequestMapping(path = "/greetings", produces = MediaType.APPLICATION_JSON_VALUE)
class OperatorController {

    static final int MAX_PAGE_SIZE = 500;
    static final int MAX_HOURS = 168;
    static final int MAX_DAYS = 90;
    static final int MAX_RETRY_DAYS = 366;
    static final int MIN_YEAR = 1900;
    static final int MAX_YEAR = 9999;

    private final OperatorLogRepository log;
    private final GreetingForecast forecast;
    private final GreetingRetry retry;
    private final OccasionRegistry occasions;
    private final QueueGauges queue;
    private final ProviderGate provider;
    private final Clock clock;

    OperatorController(
            OperatorLogRepository log,
            GreetingForecast forecast,
            GreetingRetry retry,
            OccasionRegistry occasions,
            QueueGauges queue,
            ProviderGate provider,
            Clock clock) {
        this.log = log;
        this.forecast = forecast;
        this.retry = retry;
        this.occasions = occasions;
        this.queue = queue;
        this.provider = provider;
        this.clock = clock;
    }

    @Operation(
            summary = "The delivery log across users",
            description =
                    "Newest first (by local date, then id); pass `next` as `after` for the following"
                            + " page. SENDING: being delivered, or waiting for a retry.")
    @ApiResponse(responseCode = "200", description = "One page; `next` is null on the last")
    @GetMapping
    LoggedGreetingPage list(
            @Parameter(description = "Only greetings with this status")
                    @RequestParam(required = false)
                    GreetingStatus status,
            @Parameter(description = "Only this occasion, e.g. BIRTHDAY")
                    @RequestParam(required = false)
                    String occasion,
            @Parameter(description = "From this local date (inclusive)")
                    @RequestParam(required = false)
                    @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
                    LocalDate from,
            @Parameter(description = "Up to this local date (inclusive)")
                    @RequestParam(required = false)
                    @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
                    LocalDate to,
            @Parameter(description = "Page size, 1 to 500")
                    @RequestParam(defaultValue = "50")
                    @Min(1)
                    @Max(MAX_PAGE_SIZE)
                    int limit,
            @Parameter(description = "The `next` cursor of the previous page")
                    @RequestParam(required = false)
                    String after) {
        Optional<GreetingId> cursor = Optional.ofNullable(after).map(a -> greetingId(a, "after"));
        Optional.ofNullable(from).ifPresent(date -> checkYear(date, "from"));
        Optional.ofNullable(to).ifPresent(date -> checkYear(date, "to"));
        List<LoggedGreeting> page =
                log.page(
                        Optional.ofNullable(status),
                        Optional.ofNullable(occasion).map(this::occasion),
                        Optional.ofNullable(from),
                        Optional.ofNullable(to),
                        cursor,
                        limit + 1);
        boolean more = page.size() > limit;
        List<LoggedGreeting> shown = page.subList(0, Math.min(limit, page.size()));
        return new LoggedGreetingPage(
                shown, more ? shown.get(shown.size() - 1).entry().id() : null);
    }

    @Operation(
            summary = "Greetings due per hour ahead",
            description =
                    "Counts per UTC hour and occasion, from the current hour on: the planned rows,"
                            + " and beyond the planning horizon what the planner will plan. Rows"
                            + " already overdue count in the first hour.")
    @ApiResponse(responseCode = "200", description = "One entry per hour, empty hours included")
    @GetMapping("/upcoming")
    UpcomingHours upcoming(
            @Parameter(description = "How many hours, 1 to 168")
                    @RequestParam(defaultValue = "24")
                    @Min(1)
                    @Max(MAX_HOURS)
                    int hours) {
        Instant from = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant to = from.plus(Duration.ofHours(hours));
        Map<Instant, Map<String, Long>> counts = new TreeMap<>();
        for (HourlyCount count : forecast.perHour(from, to)) {
            counts.computeIfAbsent(count.hour(), h -> new TreeMap<>())
                    .merge(count.occasion(), count.greetings(), Long::sum);
        }
        List<UpcomingHours.Hour> list = new ArrayList<>();
        for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
            Map<String, Long> byOccasion = counts.getOrDefault(hour, Map.of());
            list.add(
                    new UpcomingHours.Hour(
                            hour,
                            byOccasion.values().stream().mapToLong(Long::longValue).sum(),
                            byOccasion));
        }
        return new UpcomingHours(from, list);
    }

    @Operation(
            summary = "Outcomes of the last days",
            description =
                    "Per local date up to today (UTC), oldest first: sent, failed, expired, skipped"
                            + " and still sending, with the p50 and p99 lateness of what was sent.")
    @ApiResponse(responseCode = "200", description = "One entry per day")
    @GetMapping("/summary")
    GreetingsSummary summary(
            @Parameter(description = "How many days, 1 to 90")
                    @RequestParam(defaultValue = "7")
                    @Min(1)
                    @Max(MAX_DAYS)
                    int days) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return new GreetingsSummary(log.summary(today.minusDays(days - 1L), today));
    }

    @Operation(
            summary = "Delivery status",
            description =
                    "The provider circuit breaker as this instance sees it, and the queue lag as last"
                            + " read (every few seconds).")
    @ApiResponse(responseCode = "200", description = "The status")
    @GetMapping("/status")
    DeliveryStatus status() {
        return new DeliveryStatus(provider.state().name(), queue.due(), queue.oldestAgeSeconds());
    }

    @Operation(
            summary = "Retry a greeting (admin)",
            description =
                    "Re-opens a FAILED or EXPIRED greeting: a new attempt now, under the same id and"
                            + " Idempotency-Key, with a new max-lateness window. The log records who"
                            + " asked and when.")
    @ApiResponse(responseCode = "200", description = "The greeting, SENDING again")
    @ApiResponse(
            responseCode = "404",
            description = "No such greeting in the log",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "409",
            description =
                    "Not retried; `refusal` says why: SENT, SKIPPED, IN_PROGRESS, USER_DELETED,"
                            + " OPTED_OUT, DATE_CHANGED, NOT_OWED, UNKNOWN_OCCASION,"
                            + " PAST_MAX_LATENESS (retry with force=true)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping("/{id}/retry")
    LoggedGreeting retryOne(
            @Parameter(description = "The greeting's id, {userId}:{OCCASION}:{date}") @PathVariable
                    String id,
            @Parameter(description = "Send even though the greeting is past max-lateness")
                    @RequestParam(defaultValue = "false")
                    boolean force,
            Principal principal) {
        GreetingId greeting = greetingId(id, "id");
        GreetingRetry.Outcome outcome = retry.retry(greeting, askedBy(principal), force);
        if (outcome instanceof GreetingRetry.Outcome.Reopened reopened) {
            return new LoggedGreeting(
                    greeting.userId(),
                    Emails.mask(reopened.email()),
                    reopened.entry().withAddressesMasked());
        }
        if (outcome instanceof GreetingRetry.Outcome.Refused refused) {
            ProblemDetail problem =
                    Problems.of(
                            HttpStatus.CONFLICT,
                            "retry-refused",
                            "Greeting not retried",
                            "greeting "
                                    + greeting
                                    + " was not retried: "
                                    + refused.refusal().explanation());
            problem.setProperty("refusal", refused.refusal().name());
            throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
        }
        throw new ErrorResponseException(
                HttpStatus.NOT_FOUND,
                Problems.of(
                        HttpStatus.NOT_FOUND,
                        "greeting-not-found",
                        "Greeting not found",
                        "the delivery log has no greeting " + greeting),
                null);
    }

    @Operation(
            summary = "Retry a range of greetings (admin)",
            description =
                    "Re-opens every FAILED (or EXPIRED) greeting of the local dates [from, to] that"
                            + " can be, as a single retry would; the others are counted by refusal."
                            + " dryRun=true counts without changing anything.")
    @ApiResponse(responseCode = "200", description = "The counts")
    @PostMapping("/retry")
    GreetingRetry.BulkOutcome retryRange(
            @Parameter(description = "FAILED or EXPIRED") @RequestParam GreetingStatus status,
            @Parameter(description = "From this local date (inclusive)")
                    @RequestParam
                    @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
                    LocalDate from,
            @Parameter(description = "Up to this local date (inclusive)")
                    @RequestParam
                    @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
                    LocalDate to,
            @Parameter(description = "Only this occasion") @RequestParam(required = false)
                    String occasion,
            @Parameter(description = "Count only; change nothing")
                    @RequestParam(defaultValue = "false")
                    boolean dryRun,
            @Parameter(description = "Include greetings past max-lateness")
                    @RequestParam(defaultValue = "false")
                    boolean force,
            Principal principal) {
        if (status != GreetingStatus.FAILED && status != GreetingStatus.EXPIRED) {
            throw badRequest("status", "must be FAILED or EXPIRED: only those can be retried");
        }
        if (to.isBefore(from)) {
            throw badRequest("to", "is before from (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_RETRY_DAYS) {
            throw badRequest("to", "a range covers at most " + MAX_RETRY_DAYS + " days; split it");
        }
        checkYear(from, "from");
        checkYear(to, "to");
        return retry.retryAll(
                new GreetingRetry.Range(
                        status, from, to, Optional.ofNullable(occasion).map(this::occasion)),
                askedBy(principal),
                force,
                dryRun);
    }

    private String occasion(String name) {
        return occasions
                .find(name.strip().toUpperCase(Locale.ROOT))
                .map(o -> o.name())
                .orElseThrow(
                        () ->
                                badRequest(
                                        "occasion",
                                        "is not a known occasion ('"
                                                + name
                                                + "'); known: "
                                                + occasions.names()));
    }

    private static GreetingId greetingId(String value, String parameter) {
        return GreetingId.tryParse(value)
                .filter(id -> id.date().getYear() >= MIN_YEAR && id.date().getYear() <= MAX_YEAR)
                .orElseThrow(
                        () ->
                                badRequest(
                                        parameter,
                                        "'"
                                                + value
                                                + "' is not a greeting id"
                                                + " ({userId}:{OCCASION}:{yyyy-MM-dd})"));
    }

    /** Dates outside these years are no greeting's, and beyond what PostgreSQL's dates hold. */
    private static void checkYear(LocalDate date, String parameter) {
        if (date.getYear() < MIN_YEAR || date.getYear() > MAX_YEAR) {
            throw badRequest(parameter, "must be a date from year " + MIN_YEAR + " to " + MAX_YEAR);
        }
    }

    private static String askedBy(Principal principal) {
        return principal == null ? ApiProperties.ANONYMOUS : principal.getName();
    }

    /** As the API's other parameter checks answer: one entry in {@code errors}. */
    private static ErrorResponseException badRequest(String parameter, String message) {
        return new ErrorResponseException(
                HttpStatus.BAD_REQUEST,
                Problems.invalidParameters(List.of(Map.of("field", parameter, "message", message))),
                null);
    }
}
