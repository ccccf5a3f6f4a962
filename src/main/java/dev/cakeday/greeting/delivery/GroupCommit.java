package dev.cakeday.greeting.delivery;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of one statement: the sending threads hand it their items, and one writer thread
 * runs the items that arrive within a short window as one multi-row statement, in one transaction.
 * Each thread waits until its own item's batch has committed, and gets its own result back, so that
 * a write it waits for is as durable as one it made itself.
 *
 * <p>A batch that fails is handed back: each thread runs its own item alone, on its own thread, so
 * that an item the statement cannot take (or a row lock it would wait for) holds up only its own
 * thread, and a failure of the database fails each item as it would have without grouping.
 *
 * @param <I> what a thread hands in; items of one key (one greeting) never share a batch, since a
 *     multi-row statement cannot change one row twice
 * @param <O> what a thread gets back
 */
final class GroupCommit<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** Runs a batch: one result for each item, keyed by the item. */
    interface Batch<I, O> extends Function<List<I>, Map<I, O>> {}

    /** What the writer answers a waiting thread: its result, or "run your item alone". */
    private sealed interface Answer<O> {
        record Done<O>(O result) implements Answer<O> {}

        record Alone<O>() implements Answer<O> {}
    }

    private record Waiting<I, O>(I item, CompletableFuture<Answer<O>> answer) {}

    private final String name;
    private final Duration window;
    private final int maxItems;
    private final Function<I, ?> key;
    private final Batch<I, O> batch;
    private final Function<I, O> single;
    private final DistributionSummary sizes;
    private final LinkedBlockingQueue<Waiting<I, O>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Object handOver = new Object();
    private volatile boolean closed;
    private boolean stopped;

    /**
     * @param window how long the writer waits for more items after the first of a batch
     * @param single runs one item alone, after its batch failed
     */
    GroupCommit(
            String name,
            Duration window,
            int maxItems,
            Function<I, ?> key,
            Batch<I, O> batch,
            Function<I, O> single,
            MeterRegistry meters) {
        this.name = name;
        this.window = window;
        this.maxItems = maxItems;
        this.key = key;
        this.batch = batch;
        this.single = single;
        this.sizes =
                DistributionSummary.builder("cakeday.delivery.batch.size")
                        .description("Greetings per group-committed delivery statement")
                        .tag("statement", name)
                        .register(meters);
        this.writer = new Thread(this::write, "group-commit-" + name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Runs the item in the next batch and returns its result once that batch has committed; throws
     * what running it threw. It waits through an interrupt (and keeps the flag): the statement is
     * already on its way, and its outcome must be known before the caller goes on.
     */
    O submit(I item) {
        CompletableFuture<Answer<O>> answer = new CompletableFuture<>();
        synchronized (handOver) {
            if (stopped) {
                throw new IllegalStateException("group commit " + name + " is closed");
            }
            queue.add(new Waiting<>(item, answer));
        }
        try {
            return answer.join() instanceof Answer.Done<O> done
                    ? done.result()
                    : single.apply(item);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void write() {
        List<Waiting<I, O>> deferred = new ArrayList<>();
        while (true) {
            synchronized (handOver) {
                if (closed && queue.isEmpty() && deferred.isEmpty()) {
                    stopped = true;
                    return;
                }
            }
            List<Waiting<I, O>> next = new ArrayList<>();
            try {
                collect(next, deferred);
                if (!next.isEmpty()) {
                    run(next);
                }
            } catch (InterruptedException e) {
                // Nothing interrupts the writer but a JVM going down: the batch in hand is run on
                // the threads that wait for it.
                next.forEach(waiting -> waiting.answer().complete(new Answer.Alone<>()));
            } catch (Throwable e) {
                // The writer must outlive anything a batch throws; its threads get the error.
                log.error("group commit {}: a batch of {} failed", name, next.size(), e);
                next.forEach(waiting -> waiting.answer().completeExceptionally(e));
            }
        }
    }

    /** The next batch: items deferred from the last one first, then what arrives in the window. */
    private void collect(List<Waiting<I, O>> next, List<Waiting<I, O>> deferred)
            throws InterruptedException {
        Set<Object> keys = new HashSet<>();
        List<Waiting<I, O>> carried = new ArrayList<>(deferred);
        deferred.clear();
        for (Waiting<I, O> waiting : carried) {
            add(waiting, next, keys, deferred);
        }
        if (next.isEmpty()) {
            // A short wait when idle, so that close() is seen without interrupting a statement.
            Waiting<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            add(first, next, keys, deferred);
        }
        long deadline = System.nanoTime() + window.toNanos();
        while (next.size() < maxItems) {
            long left = deadline - System.nanoTime();
            Waiting<I, O> more = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (more == null) {
                break;
            }
            add(more, next, keys, deferred);
        }
    }

    private void add(
            Waiting<I, O> waiting,
            List<Waiting<I, O>> next,
            Set<Object> keys,
            List<Waiting<I, O>> deferred) {
        Object itemKey;
        try {
            itemKey = key.apply(waiting.item());
        } catch (RuntimeException e) {
            waiting.answer().completeExceptionally(e);
            return;
        }
        if (next.size() < maxItems && keys.add(itemKey)) {
            next.add(waiting);
        } else {
            deferred.add(waiting);
        }
    }

    private void run(List<Waiting<I, O>> next) {
        List<I> items = new ArrayList<>(next.size());
        for (Waiting<I, O> waiting : next) {
            items.add(waiting.item());
        }
        Map<I, O> results;
        try {
            results = batch.apply(items);
        } catch (RuntimeException e) {
            log.warn(
                    "group commit {}: a batch of {} failed ({}); each thread runs its item alone",
                    name,
                    next.size(),
                    e.toString());
            next.forEach(waiting -> waiting.answer().complete(new Answer.Alone<>()));
            return;
        }
        sizes.record(next.size());
        for (Waiting<I, O> waiting : next) {
            if (results.containsKey(waiting.item())) {
                waiting.answer().complete(new Answer.Done<>(results.get(waiting.item())));
            } else {
                waiting.answer()
                        .completeExceptionally(
                                new IllegalStateException(
                                        "group commit "
                                                + name
                                                + ": no result for "
                                                + waiting.item()));
            }
        }
    }

    /** Asks the writer to stop once it has run what was handed in before. */
    void stop() {
        closed = true;
    }

    /** Waits until the writer has stopped, or the deadline ({@link System#nanoTime}) passed. */
    void awaitStopped(long deadline) {
        try {
            writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs what was handed in before, then stops the writer. */
    @Override
    public void close() {
        stop();
        awaitStopped(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }
}
