package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The three statements every greeting runs (the read of its facts, SENDING, SENT with the removal
 * of its row), each group-committed: the sending threads of an instance share one statement, one
 * transaction and one connection per batch instead of one each. A thread still waits for its own
 * write's commit, so SENDING is durable before the provider is called, as without grouping; a crash
 * before a batch commits leaves each of its greetings as if its thread had crashed then.
 */
@Component
class DeliveryBatches implements DisposableBean {

    /**
     * How long a batch waits for more after its first item: a few milliseconds of latency per
     * greeting buy one statement for all the threads arriving meanwhile.
     */
    static final Duration WINDOW = Duration.ofMillis(2);

    /** At most one item per sending thread (db-scheduler.threads) in a burst. */
    static final int MAX_ITEMS = 256;

    private final GroupCommit<GreetingId, DeliveryFacts> facts;
    private final GroupCommit<
                    GreetingLogRepository.AttemptStart, Optional<GreetingLogRepository.Attempt>>
            attempts;
    private final GroupCommit<GreetingLogRepository.Delivery, GreetingLogRepository.Settled>
            deliveries;

    DeliveryBatches(
            DeliveryFactsRepository facts,
            GreetingLogRepository greetingLog,
            MeterRegistry meters) {
        this.facts =
                new GroupCommit<>(
                        "facts", WINDOW, MAX_ITEMS, id -> id, facts::loadAll, facts::load, meters);
        this.attempts =
                new GroupCommit<>(
                        "sending",
                        WINDOW,
                        MAX_ITEMS,
                        GreetingLogRepository.AttemptStart::id,
                        greetingLog::startAttempts,
                        start ->
                                greetingLog.startAttempt(
                                        start.id(), start.after(), start.dueAt(), start.now()),
                        meters);
        this.deliveries =
                new GroupCommit<>(
                        "sent",
                        WINDOW,
                        MAX_ITEMS,
                        GreetingLogRepository.Delivery::id,
                        greetingLog::deliveredAll,
                        delivery ->
                                greetingLog.delivered(
                                        delivery.id(),
                                        delivery.messageId(),
                                        delivery.now(),
                                        delivery.rowVersion()),
                        meters);
    }

    /** {@link DeliveryFactsRepository#load}, in the next batch. */
    DeliveryFacts facts(GreetingId id) {
        return facts.submit(id);
    }

    /** {@link GreetingLogRepository#startAttempt}, in the next batch. */
    Optional<GreetingLogRepository.Attempt> startAttempt(
            GreetingId id, int after, Instant dueAt, Instant now) {
        return attempts.submit(new GreetingLogRepository.AttemptStart(id, after, dueAt, now));
    }

    /** {@link GreetingLogRepository#delivered}, in the next batch. */
    GreetingLogRepository.Settled delivered(
            GreetingId id, String messageId, Instant now, long rowVersion) {
        return deliveries.submit(
                new GreetingLogRepository.Delivery(id, messageId, now, rowVersion));
    }

    /** After the scheduler, which depends on this through the task: its threads are done. */
    @Override
    public void destroy() {
        facts.close();
        attempts.close();
        deliveries.close();
    }
}
