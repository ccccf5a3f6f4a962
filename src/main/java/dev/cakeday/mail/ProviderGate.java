package dev.cakeday.mail;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stands before the provider: a circuit breaker stops calls to a provider that keeps failing (one
 * probe per {@code open-wait} while open), and an optional rate limit keeps this instance under its
 * share of the provider's quota. A caller that is not let through puts its greeting back without
 * calling (see {@link #enter()}).
 */
@Component
public class ProviderGate {

    static final String BREAKER = "provider";
    private static final Duration RATE_LIMIT_WAIT = Duration.ofMillis(500);
    // How often a held caller looks whether the breaker lets it through (with jitter: half to
    // whole).
    private static final Duration HOLD_STEP = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(ProviderGate.class);

    private final Channel channel;
    // A tag of every call, so that a switch of channel shows on the dashboard.
    private final String channelName;
    private final CircuitBreaker breaker;
    private final RateLimiter rateLimiter;
    private final Duration openWait;
    private final MeterRegistry meters;
    // Held, not built per call: building a meter looks it up in the registry each time.
    private final Map<String, Timer> calls = new ConcurrentHashMap<>();
    private final Counter deferredOpen;
    private final Counter deferredRate;

    // The settings first: a cakeday.mail.provider naming no channel fails their binding, with a
    // message naming the property, before the channel is looked for.
    public ProviderGate(MailProperties properties, Channel channel, MeterRegistry meters) {
        this.channel = channel;
        this.channelName = properties.provider().setting();
        this.meters = meters;
        MailProperties.CircuitBreaker settings = properties.circuitBreaker();
        this.openWait = settings.openWait();
        CircuitBreakerRegistry breakers =
                CircuitBreakerRegistry.of(
                        CircuitBreakerConfig.custom()
                                .failureRateThreshold(settings.failureRateThreshold())
                                .slidingWindowSize(settings.slidingWindow())
                                .minimumNumberOfCalls(settings.minimumCalls())
                                .waitDurationInOpenState(settings.openWait())
                                .permittedNumberOfCallsInHalfOpenState(1)
                                .build());
        this.breaker = breakers.circuitBreaker(BREAKER);
        this.breaker
                .getEventPublisher()
                .onStateTransition(
                        event ->
                                log.warn(
                                        "provider circuit breaker {}", event.getStateTransition()));
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        this.rateLimiter = properties.maxRate() <= 0 ? null : rateLimiter(properties.maxRate());
        this.deferredOpen = deferred(meters, "circuit_open");
        this.deferredRate = deferred(meters, "rate_limited");
    }

    private static RateLimiter rateLimiter(double perSecond) {
        // Whole permits per period: a fractional rate becomes N permits per N/rate seconds.
        int permits = (int) Math.max(1, Math.round(perSecond));
        Duration period = Duration.ofNanos((long) (permits / perSecond * 1_000_000_000L));
        return RateLimiter.of(
                "provider",
                RateLimiterConfig.custom()
                        .limitForPeriod(permits)
                        .limitRefreshPeriod(period)
                        .timeoutDuration(RATE_LIMIT_WAIT)
                        .build());
    }

    private static Counter deferred(MeterRegistry meters, String reason) {
        return Counter.builder("cakeday.provider.deferred")
                .description("Greetings put back without calling the provider")
                .tag("reason", reason)
                .register(meters);
    }

    /** What {@link #enter()} decided. */
    public sealed interface Entry {
        /**
         * Call the provider now (then {@link #send}), or give the permission back with {@link
         * #leave()}.
         */
        record Granted() implements Entry {}

        /** Over this instance's rate: put the greeting back and try again after {@code retryIn}. */
        record RateLimited(Duration retryIn) implements Entry {}

        /**
         * The breaker stayed open for a whole {@code open-wait}: put the greeting back as it was.
         */
        record CircuitOpen() implements Entry {}
    }

    private static final Entry GRANTED = new Entry.Granted();
    private static final Entry CIRCUIT_OPEN = new Entry.CircuitOpen();

    /**
     * Lets the caller through, or holds it while the breaker is open, for at most one {@code
     * open-wait}: the breaker's probe goes to one held caller, and when it closes every held caller
     * goes on at once. Holding, rather than putting each greeting back with a later time, leaves
     * the due rows as they are: no write per greeting every few seconds, and the queue lag keeps
     * measuring from the real due time.
     */
    public Entry enter() {
        long holdUntil = System.nanoTime() + openWait.toNanos();
        while (!breaker.tryAcquirePermission()) {
            long left = holdUntil - System.nanoTime();
            if (left <= 0) {
                deferredOpen.increment();
                return CIRCUIT_OPEN;
            }
            try {
                Thread.sleep(
                        Math.min(
                                TimeUnit.NANOSECONDS.toMillis(left) + 1,
                                ThreadLocalRandom.current()
                                        .nextLong(
                                                HOLD_STEP.toMillis() / 2,
                                                HOLD_STEP.toMillis() + 1)));
            } catch (InterruptedException e) {
                // Shutting down: the greeting goes back as it was.
                Thread.currentThread().interrupt();
                deferredOpen.increment();
                return CIRCUIT_OPEN;
            }
        }
        if (rateLimiter != null && !rateLimiter.acquirePermission()) {
            breaker.releasePermission();
            deferredRate.increment();
            return new Entry.RateLimited(
                    Duration.ofMillis(ThreadLocalRandom.current().nextLong(250, 1_000)));
        }
        return GRANTED;
    }

    /** Gives back a permission taken by {@link #enter()} when no call follows. */
    public void leave() {
        breaker.releasePermission();
    }

    /**
     * Calls the provider after {@link #enter()}; the outcome feeds the breaker and the call timer.
     */
    public ProviderResult send(OutgoingGreeting greeting) {
        long started = System.nanoTime();
        ProviderResult result;
        try {
            result = channel.send(greeting);
        } catch (RuntimeException e) {
            // Every call let through must be recorded, or a half-open breaker would wait for its
            // probe forever.
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            throw e;
        }
        long elapsed = System.nanoTime() - started;
        if (result instanceof ProviderResult.Retryable failed) {
            breaker.onError(
                    elapsed,
                    TimeUnit.NANOSECONDS,
                    new ProviderUnavailableException(failed.reason()));
        } else {
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        }
        calls.computeIfAbsent(
                        outcome(result),
                        outcome ->
                                Timer.builder("cakeday.provider.calls")
                                        .description("Calls to the channel, by channel and outcome")
                                        .tag("channel", channelName)
                                        .tag("outcome", outcome)
                                        .register(meters))
                .record(elapsed, TimeUnit.NANOSECONDS);
        return result;
    }

    /**
     * Whether a retry after {@code result} may deliver the greeting twice: the attempt's outcome is
     * unknown, and the channel cannot de-duplicate the re-send.
     */
    public boolean mayDuplicate(ProviderResult result) {
        return result instanceof ProviderResult.Unavailable unavailable
                && unavailable.outcomeUnknown()
                && !channel.deduplicates();
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    private static String outcome(ProviderResult result) {
        if (result instanceof ProviderResult.Delivered) {
            return "delivered";
        }
        if (result instanceof ProviderResult.Misconfigured) {
            return "misconfigured";
        }
        return result instanceof ProviderResult.Rejected ? "rejected" : "unavailable";
    }

    /** How a temporary provider failure is reported to the circuit breaker. */
    static final class ProviderUnavailableException extends RuntimeException {
        ProviderUnavailableException(String reason) {
            super(reason, null, false, false);
        }
    }
}
