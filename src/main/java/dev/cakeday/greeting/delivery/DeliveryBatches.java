package dev.cakeday.greeting.delivery;

import dev.cakeday.greeting.GreetingId;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The three statements every greeting runs (the read of its facts, SENDING, SENT with the removal
 * of its row), each group-committed: the sending threads of an instance share one statement, one
 * transaction and one connection per batch instead of one each. A thread still waits for its own
 * write's commit, so SENDING is durable before the provider is called, as without grouping; a crash
 * before a batch commits leaves each of its greetings as if its thread had crashed then.
 */
@Component
public class DeliveryBatches implements DisposableBean {

    /**
     * How long a batch waits for more after its first item: a few milliseconds of latency per
     * greeting buy one statement for all the threads arriving meanwhile.
     */
    static final Duration WINDOW = Duration.ofMillis(2);

    /** What is left to run at shutdown is at most one batch each: a few seconds at most. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** Bounds one statement's arrays and the time its transaction holds its locks. */
    static final int MAX_ITEMS = 256;

    /**
     * A batch waits no longer than this for a row lock (a user's row held by an import, say): it
     * then fails and each greeting's thread runs its own statement, so that one held row stops one
     * greeting, not every greeting the instance sends.
     */
    static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'";

    private final GroupCommit<GreetingId, DeliveryFacts> facts;
    private final GroupCommit<
                    GreetingLogRepository.AttemptStart, Optional<GreetingLogRepository.Attempt>>
            attempts;
    private final GroupCommit<GreetingLogRepository.Delivery, GreetingLogRepository.Settled>
            deliveries;

    DeliveryBatches(
            DeliveryFactsRepository facts,
            GreetingLogRepository greetingLog,
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            MeterRegistry meters) {
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        this.facts =
                new GroupCommit<>(
                        "facts", WINDOW, MAX_ITEMS, id -> id, facts::loadAll, facts::load, meters);
        this.attempts =
                new GroupCommit<>(
                        "sending",
                        WINDOW,
                        MAX_ITEMS,
                        GreetingLogRepository.AttemptStart::id,
                        starts ->
                                transaction.execute(
                                        status -> {
                                            jdbc.sql(LOCK_TIMEOUT).update();
                                            return greetingLog.startAttempts(starts);
                                        }),
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
                        sent ->
                                transaction.execute(
                                        status -> {
                                            jdbc.sql(LOCK_TIMEOUT).update();
                                            return greetingLog.deliveredAll(sent);
                                        }),
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

    /**
     * After the scheduler has stopped (it depends on this through the task). A sending thread it
     * left running past its wait finds the batches closed and fails, as in a crash: its greeting
     * goes again under the same key.
     */
    @Override
    public void destroy() {
        List<GroupCommit<?, ?>> all = List.of(facts, attempts, deliveries);
        all.forEach(GroupCommit::stop);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        all.forEach(commit -> commit.awaitStopped(deadline));
    }
}
