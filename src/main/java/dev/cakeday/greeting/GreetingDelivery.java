package dev.cakeday.greeting;

import dev.cakeday.mail.ProviderClient;
import dev.cakeday.mail.ProviderResult;
import dev.cakeday.user.User;
import dev.cakeday.user.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers one greeting: re-checks the user, records SENDING (committed) before calling the
 * provider and the outcome after it. A re-run that finds a final status sends nothing; one that
 * finds SENDING sends again under the same Idempotency-Key.
 */
@Component
class GreetingDelivery {

    private static final Logger log = LoggerFactory.getLogger(GreetingDelivery.class);

    /** What to do with the greeting's row once the handler returns. */
    sealed interface Next {
        /** The greeting has a final status: remove the row. */
        record Done() implements Next {
        }

        /** Run again at this instant (a retry, or a send instant that moved later). */
        record RunAt(Instant at) implements Next {
        }
    }

    private sealed interface Step {
        record Finished() implements Step {
        }

        record NotBefore(Instant at) implements Step {
        }

        record Send(int attempt, String email, String message, Instant dueAt) implements Step {
        }
    }

    private static final Next DONE = new Next.Done();
    private static final Step FINISHED = new Step.Finished();

    private final GreetingLog greetingLog;
    private final UserDirectory users;
    private final UserOccasions userOccasions;
    private final Occasions occasions;
    private final SendInstant sendInstant;
    private final GreetingCalendar calendar;
    private final RetryPolicy retryPolicy;
    private final ProviderClient provider;
    private final TransactionTemplate transaction;
    private final Clock clock;

    GreetingDelivery(GreetingLog greetingLog, UserDirectory users, UserOccasions userOccasions, Occasions occasions,
            SendInstant sendInstant, GreetingCalendar calendar, RetryPolicy retryPolicy, ProviderClient provider,
            TransactionTemplate transaction, Clock clock) {
        this.greetingLog = greetingLog;
        this.users = users;
        this.userOccasions = userOccasions;
        this.occasions = occasions;
        this.sendInstant = sendInstant;
        this.calendar = calendar;
        this.retryPolicy = retryPolicy;
        this.provider = provider;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** @param scheduledFor the row's execution time, recorded as due when the user is gone */
    Next deliver(GreetingId id, Instant scheduledFor) {
        Step step = transaction.execute(status -> prepare(id, scheduledFor, clock.instant()));
        if (step instanceof Step.NotBefore notBefore) {
            log.info("greeting={} outcome=NOT_YET next={}", id, notBefore.at());
            return new Next.RunAt(notBefore.at());
        }
        if (step instanceof Step.Send send) {
            return send(id, send);
        }
        return DONE;
    }

    private Step prepare(GreetingId id, Instant scheduledFor, Instant now) {
        Optional<GreetingStatus> status = greetingLog.lockStatus(id);
        if (status.isPresent() && status.get().isFinal()) {
            log.info("greeting={} outcome=ALREADY_{}", id, status.get());
            return FINISHED;
        }
        Optional<Occasion> occasion = occasions.find(id.occasion());
        Optional<User> user = users.find(id.userId());
        if (occasion.isEmpty() || user.isEmpty()) {
            return skip(id, occasion.isEmpty() ? "unknown occasion" : "the user was deleted", scheduledFor, now);
        }
        Optional<LocalDate> date = occasion.get().dateOf(user.get());
        if (date.isEmpty() || !calendar.greetingDate(date.get(), id.date().getYear()).equals(id.date())) {
            return skip(id, "the user's " + id.occasion().toLowerCase() + " no longer falls on " + id.date(),
                    scheduledFor, now);
        }
        Optional<OwedSince> owed = userOccasions.find(id.userId(), id.occasion());
        if (owed.isEmpty() || !owed.get().owes(id.date())) {
            return skip(id, "not owed: the user was created or changed after this date", scheduledFor, now);
        }
        Instant dueAt = sendInstant.owed(id.date(), user.get().timezone(), owed.get().since());
        if (now.isBefore(dueAt)) {
            return new Step.NotBefore(dueAt);
        }
        if (calendar.expired(dueAt, now)) {
            greetingLog.finish(id, GreetingStatus.EXPIRED, "not delivered within max-lateness", dueAt, now);
            log.warn("greeting={} outcome=EXPIRED due={}", id, dueAt);
            return FINISHED;
        }
        GreetingLog.Attempt attempt = greetingLog.markSending(id, dueAt, now);
        if (status.isPresent() && attempt.uncertain() > 0) {
            log.warn("greeting={} outcome=RESEND_UNCERTAIN attempt={} uncertain={}: the previous attempt never recorded"
                    + " its outcome; a provider that ignores the Idempotency-Key may deliver twice", id, attempt.number(),
                    attempt.uncertain());
        }
        return new Step.Send(attempt.number(), user.get().email(), occasions.message(occasion.get(), user.get()), dueAt);
    }

    private Step skip(GreetingId id, String reason, Instant dueAt, Instant now) {
        greetingLog.finish(id, GreetingStatus.SKIPPED, reason, dueAt, now);
        log.info("greeting={} outcome=SKIPPED reason=\"{}\"", id, reason);
        return FINISHED;
    }

    private Next send(GreetingId id, Step.Send send) {
        long started = System.nanoTime();
        ProviderResult result = provider.send(id.toString(), send.email(), send.message());
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        Instant now = clock.instant();
        if (result instanceof ProviderResult.Delivered delivered) {
            transaction.executeWithoutResult(s -> greetingLog.markSent(id, delivered.messageId(), now));
            log.info("greeting={} outcome=SENT attempt={} latencyMs={} lateMs={}", id, send.attempt(), latencyMs,
                    Duration.between(send.dueAt(), now).toMillis());
            return DONE;
        }
        if (result instanceof ProviderResult.Rejected rejected) {
            transaction.executeWithoutResult(s ->
                    greetingLog.finish(id, GreetingStatus.FAILED, rejected.reason(), send.dueAt(), now));
            log.warn("greeting={} outcome=FAILED attempt={} latencyMs={} reason=\"{}\"", id, send.attempt(), latencyMs,
                    rejected.reason());
            return DONE;
        }
        ProviderResult.Unavailable unavailable = (ProviderResult.Unavailable) result;
        Duration wait = unavailable.retryAfter() != null ? unavailable.retryAfter() : retryPolicy.delay(send.attempt());
        Instant next = now.plus(wait);
        if (!next.isBefore(calendar.deadline(send.dueAt()))) {
            String reason = "gave up at max-lateness; last error: " + unavailable.reason();
            transaction.executeWithoutResult(s ->
                    greetingLog.finish(id, GreetingStatus.EXPIRED, reason, send.dueAt(), now));
            log.warn("greeting={} outcome=EXPIRED attempt={} latencyMs={} reason=\"{}\"", id, send.attempt(),
                    latencyMs, unavailable.reason());
            return DONE;
        }
        transaction.executeWithoutResult(s -> greetingLog.recordRetry(id, unavailable.reason(), next, now));
        log.info("greeting={} outcome=RETRY attempt={} latencyMs={} next={} reason=\"{}\"", id, send.attempt(),
                latencyMs, next, unavailable.reason());
        return new Next.RunAt(next);
    }
}
