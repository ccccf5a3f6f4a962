package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingMetrics;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.SendInstant;
import dev.cakeday.greeting.message.GreetingTemplates;
import dev.cakeday.greeting.message.RenderedGreeting;
import dev.cakeday.mail.Emails;
import dev.cakeday.mail.OutgoingGreeting;
import dev.cakeday.mail.ProviderGate;
import dev.cakeday.mail.ProviderResult;
import dev.cakeday.unsubscribe.UnsubscribeLinks;
import dev.cakeday.user.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.stereotype.Component;

/**
 * Delivers one greeting: re-checks the user, records SENDING (committed) before calling the
 * provider and the outcome after it. A re-run that finds a final status sends nothing; one that
 * finds SENDING sends again under the same Idempotency-Key. Each step is one statement in its own
 * transaction (a read, then one guarded write), and the three every greeting runs are
 * group-committed with other greetings' ({@link DeliveryBatches}).
 */
@Component
public class GreetingDelivery {

    private static final Logger log = LoggerFactory.getLogger(GreetingDelivery.class);

    /** What to do with the greeting's row once the handler returns. */
    public sealed interface Next {
        /** The greeting has a final status: remove the row. */
        record Done() implements Next {}

        /** Run again at this instant (a retry, or a send instant that moved later). */
        record RunAt(Instant at) implements Next {}

        /** The greeting has a final status and the handler removed the row itself. */
        record Removed() implements Next {}
    }

    private sealed interface Step {
        record Finished() implements Step {}

        record NotBefore(Instant at) implements Step {}

        /**
         * {@code lateFrom}: whence lateness and the max-lateness window count (the due time, or an
         * operator's later retry).
         */
        record Send(int attempt, Instant lateFrom, OutgoingGreeting greeting) implements Step {}
    }

    private static final Next DONE = new Next.Done();
    private static final Next REMOVED = new Next.Removed();
    private static final Step FINISHED = new Step.Finished();
    static final String OPTED_OUT = "opted out";

    private final GreetingLogRepository greetingLog;
    private final DeliveryBatches batches;
    private final GreetingEligibility eligibility;
    private final GreetingTemplates templates;
    private final UnsubscribeLinks unsubscribeLinks;
    private final SendInstant sendInstant;
    private final GreetingCalendar calendar;
    private final RetryPolicy retryPolicy;
    private final ProviderGate provider;
    private final GreetingMetrics metrics;
    private final Clock clock;

    public GreetingDelivery(
            GreetingLogRepository greetingLog,
            DeliveryBatches batches,
            GreetingEligibility eligibility,
            GreetingTemplates templates,
            UnsubscribeLinks unsubscribeLinks,
            SendInstant sendInstant,
            GreetingCalendar calendar,
            RetryPolicy retryPolicy,
            ProviderGate provider,
            GreetingMetrics metrics,
            Clock clock) {
        this.greetingLog = greetingLog;
        this.batches = batches;
        this.eligibility = eligibility;
        this.templates = templates;
        this.unsubscribeLinks = unsubscribeLinks;
        this.sendInstant = sendInstant;
        this.calendar = calendar;
        this.retryPolicy = retryPolicy;
        this.provider = provider;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param scheduledFor the row's execution time, recorded as due when the user is gone
     * @param rowVersion the row's version as this instance picked it
     */
    public Next deliver(GreetingId id, Instant scheduledFor, long rowVersion) {
        ProviderGate.Entry entry = provider.enter();
        if (entry instanceof ProviderGate.Entry.RateLimited limited) {
            Instant next = clock.instant().plus(limited.retryIn());
            log.info(
                    "greeting={} outcome=DEFERRED next={} reason=\"rate limit reached\"", id, next);
            return new Next.RunAt(next);
        }
        if (entry instanceof ProviderGate.Entry.CircuitOpen) {
            // Back as it was, at its own time: the next poll claims it again, oldest first.
            log.info("greeting={} outcome=DEFERRED reason=\"provider circuit open\"", id);
            return new Next.RunAt(scheduledFor);
        }
        Step step = null;
        try {
            step = prepare(id, scheduledFor, clock.instant());
        } finally {
            // Only a Send goes on to call the provider; every other path gives the permission back.
            if (!(step instanceof Step.Send)) {
                provider.leave();
            }
        }
        if (step instanceof Step.NotBefore notBefore) {
            log.info("greeting={} outcome=NOT_YET next={}", id, notBefore.at());
            return new Next.RunAt(notBefore.at());
        }
        if (step instanceof Step.Send send) {
            return send(id, send, rowVersion);
        }
        return DONE;
    }

    private Step prepare(GreetingId id, Instant scheduledFor, Instant now) {
        DeliveryFacts known = batches.facts(id);
        Optional<GreetingLogRepository.State> state = known.state();
        if (state.isPresent() && state.get().status().isFinal()) {
            return alreadyFinished(id, state.get().status().name());
        }
        int attempts = state.map(GreetingLogRepository.State::attempts).orElse(0);
        GreetingEligibility.Verdict verdict = eligibility.check(id, known.user(), known.owed());
        if (verdict instanceof GreetingEligibility.Verdict.NotOwed notOwed) {
            return skip(id, attempts, notOwed.obstacle().reason(id), scheduledFor, now);
        }
        GreetingEligibility.Verdict.Owed owed = (GreetingEligibility.Verdict.Owed) verdict;
        User user = owed.user();
        Instant dueAt = sendInstant.owed(id.date(), user.timezone(), owed.owed().since());
        if (now.isBefore(dueAt)) {
            return new Step.NotBefore(dueAt);
        }
        Instant lateFrom = state.map(s -> s.lateFrom(dueAt)).orElse(dueAt);
        if (calendar.expired(lateFrom, now)) {
            if (!greetingLog.close(
                    id,
                    GreetingTransition.EXPIRED,
                    attempts,
                    "not delivered within max-lateness",
                    dueAt,
                    now)) {
                return movedOn(id, now);
            }
            metrics.outcome(GreetingStatus.EXPIRED, id.occasion());
            log.warn("greeting={} outcome=EXPIRED due={}", id, dueAt);
            return FINISHED;
        }
        RenderedGreeting words =
                templates.render(
                        id.occasion(),
                        user.locale(),
                        user.firstName(),
                        user.lastName(),
                        id.date(),
                        owed.occasionDate());
        Optional<GreetingLogRepository.Attempt> attempt =
                batches.startAttempt(id, attempts, dueAt, now);
        if (attempt.isEmpty()) {
            // The opt-out committed between the read above and the write: no other attempt ran.
            if (batches.facts(id).user().map(u -> u.optedOutOf(id.occasion())).orElse(false)) {
                return skip(id, attempts, OPTED_OUT, scheduledFor, now);
            }
            return movedOn(id, now);
        }
        if (state.isPresent() && state.get().outcomeUnknown()) {
            metrics.uncertainAttempt();
            log.warn(
                    "greeting={} outcome=RESEND_UNCERTAIN attempt={} uncertain={}: the previous attempt never recorded"
                            + " its outcome; a channel without an idempotency key, or a provider that"
                            + " ignores it, may deliver twice",
                    id,
                    attempt.get().number(),
                    attempt.get().uncertain());
        }
        return new Step.Send(
                attempt.get().number(),
                lateFrom,
                new OutgoingGreeting(
                        id.toString(),
                        id.occasion(),
                        id.date(),
                        user.id(),
                        user.firstName(),
                        user.lastName(),
                        user.email(),
                        words.locale(),
                        words.subject(),
                        words.text(),
                        words.html(),
                        dueAt,
                        unsubscribeLinks.link(user.id(), id.occasion()).orElse(null)));
    }

    /**
     * After the handler threw instead of delivering (a bug, data it cannot read; not a provider
     * answer): once the greeting's date is past max-lateness in every zone, it is recorded EXPIRED
     * with the error, like any greeting not delivered in time. Returns whether the row can go.
     */
    public boolean expireAfterError(
            GreetingId id, Throwable error, Instant scheduledFor, Instant now) {
        if (now.isBefore(calendar.latestDeadline(id.date()))) {
            return false;
        }
        Optional<GreetingLogRepository.State> state = greetingLog.state(id);
        if (state.isPresent() && state.get().status().isFinal()) {
            return true;
        }
        Instant retriedAt = state.map(GreetingLogRepository.State::retriedAt).orElse(null);
        if (retriedAt != null && !calendar.expired(retriedAt, now)) {
            // Re-opened by an operator: its window runs from the request.
            return false;
        }
        String reason =
                "gave up at max-lateness; the handler kept failing: "
                        + error.getClass().getSimpleName()
                        + ": "
                        + error.getMessage();
        boolean closed =
                greetingLog.close(
                        id,
                        GreetingTransition.EXPIRED,
                        state.map(GreetingLogRepository.State::attempts).orElse(0),
                        ProviderResult.shortened(reason),
                        scheduledFor,
                        now);
        if (closed) {
            metrics.outcome(GreetingStatus.EXPIRED, id.occasion());
            log.warn("greeting={} outcome=EXPIRED reason=\"{}\"", id, reason);
        }
        return closed;
    }

    /**
     * A guarded write changed nothing: between this handler's read and its write, another attempt
     * (an instance that took over, or one declared dead while merely slow) moved the entry on.
     * Finished: the row can go. Still SENDING: the row stays, to be looked at again after a pause.
     */
    private Step movedOn(GreetingId id, Instant now) {
        return lookAgainAt(id, now)
                .<Step>map(Step.NotBefore::new)
                .orElseGet(() -> alreadyFinished(id, "FINISHED_MEANWHILE"));
    }

    /** As {@link #movedOn}, after a call whose outcome this instance could no longer record. */
    private Next movedOnAfterSend(GreetingId id, Instant now) {
        return lookAgainAt(id, now).<Next>map(Next.RunAt::new).orElse(DONE);
    }

    /** Empty when the greeting is final meanwhile; else when to look at it again. */
    private Optional<Instant> lookAgainAt(GreetingId id, Instant now) {
        if (greetingLog.state(id).map(state -> state.status().isFinal()).orElse(false)) {
            return Optional.empty();
        }
        Instant later = now.plus(retryPolicy.ceiling(1));
        log.info("greeting={} outcome=MOVED_ON next={}: another attempt is under way", id, later);
        return Optional.of(later);
    }

    private static Step alreadyFinished(GreetingId id, String how) {
        log.info("greeting={} outcome=ALREADY_{}", id, how);
        return FINISHED;
    }

    private Step skip(GreetingId id, int attempts, String reason, Instant dueAt, Instant now) {
        if (!greetingLog.close(id, GreetingTransition.SKIPPED, attempts, reason, dueAt, now)) {
            return movedOn(id, now);
        }
        metrics.outcome(GreetingStatus.SKIPPED, id.occasion());
        log.info("greeting={} outcome=SKIPPED reason=\"{}\"", id, reason);
        return FINISHED;
    }

    private Next send(GreetingId id, Step.Send send, long rowVersion) {
        long started = System.nanoTime();
        ProviderResult result = provider.send(send.greeting());
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        Instant now = clock.instant();
        if (result instanceof ProviderResult.Delivered delivered) {
            GreetingLogRepository.Settled settled =
                    batches.delivered(id, delivered.messageId(), now, rowVersion);
            if (!settled.rowRemoved()) {
                log.warn(
                        "greeting={} row left in place: another instance took it over while this one sent",
                        id);
            }
            if (!settled.sent()) {
                log.warn(
                        "greeting={} outcome=SENT_ALREADY_SETTLED: another instance settled it meanwhile",
                        id);
                return REMOVED;
            }
            Duration late = Duration.between(send.lateFrom(), now);
            metrics.sent(id.occasion(), late);
            log.info(
                    "greeting={} outcome=SENT attempt={} to={} latencyMs={} lateMs={}",
                    id,
                    send.attempt(),
                    Emails.mask(send.greeting().email()),
                    latencyMs,
                    late.toMillis());
            return REMOVED;
        }
        if (result instanceof ProviderResult.Rejected rejected) {
            if (!greetingLog.close(
                    id,
                    GreetingTransition.REJECTED,
                    send.attempt(),
                    rejected.reason(),
                    send.greeting().dueAt(),
                    now)) {
                return movedOnAfterSend(id, now);
            }
            metrics.outcome(GreetingStatus.FAILED, id.occasion());
            log.warn(
                    "greeting={} outcome=FAILED attempt={} to={} latencyMs={} reason=\"{}\"",
                    id,
                    send.attempt(),
                    Emails.mask(send.greeting().email()),
                    latencyMs,
                    rejected.reason());
            return DONE;
        }
        // Unavailable for now, or misconfigured: neither is the greeting's fault, so both are
        // retried.
        ProviderResult.Retryable retryable = (ProviderResult.Retryable) result;
        boolean misconfigured = result instanceof ProviderResult.Misconfigured;
        String error =
                misconfigured
                        ? "provider answered as if Cakeday were misconfigured: "
                                + retryable.reason()
                        : retryable.reason();
        Duration retryAfter = retryable.retryAfter();
        Instant deadline = calendar.deadline(send.lateFrom());
        // The last try is made just before the deadline; a Retry-After that reaches past it cannot
        // be honoured in time.
        Instant lastTry = deadline.minusSeconds(1);
        Instant next =
                retryAfter != null
                        ? now.plus(retryAfter)
                        : min(now.plus(retryPolicy.delay(send.attempt())), lastTry);
        if (next.isAfter(lastTry) || !now.isBefore(lastTry)) {
            String reason = "gave up at max-lateness; last error: " + error;
            if (!greetingLog.close(
                    id,
                    GreetingTransition.GAVE_UP,
                    send.attempt(),
                    reason,
                    send.greeting().dueAt(),
                    now)) {
                return movedOnAfterSend(id, now);
            }
            metrics.outcome(GreetingStatus.EXPIRED, id.occasion());
            log.warn(
                    "greeting={} outcome=EXPIRED attempt={} latencyMs={} reason=\"{}\"",
                    id,
                    send.attempt(),
                    latencyMs,
                    error);
            return DONE;
        }
        boolean uncertain = provider.mayDuplicate(result);
        if (!greetingLog.retryLater(id, send.attempt(), error, next, now, uncertain)) {
            return movedOnAfterSend(id, now);
        }
        if (uncertain) {
            metrics.uncertainAttempt();
            log.warn(
                    "greeting={} outcome=RESEND_UNCERTAIN attempt={} next={}: no answer came back,"
                            + " and this channel has no idempotency key; the re-send may deliver twice",
                    id,
                    send.attempt(),
                    next);
        }
        // A misconfiguration needs an operator: it is logged as a warning (and alerted on through
        // its meter).
        log.atLevel(misconfigured ? Level.WARN : Level.INFO)
                .log(
                        "greeting={} outcome=RETRY attempt={} to={} latencyMs={} next={} reason=\"{}\"",
                        id,
                        send.attempt(),
                        Emails.mask(send.greeting().email()),
                        latencyMs,
                        next,
                        error);
        return new Next.RunAt(next);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
