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
 * <p>A batch that fails is run again item by item: an item the statement cannot take fails alone,
 * and a failure of the database fails each item as it would have without grouping.
 *
 * @param <I> what a thread hands in; items of one key (one greeting) never share a batch, since a
 *     multi-row statement cannot change one row twice
 * @param <O> what a thread gets back
 */
final class GroupCommit<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** Runs a batch: one result for each item, keyed by the item. */
    interface Batch<I, O> extends Function<List<I>, Map<I, O>> {}

    private record Waiting<I, O>(I item, CompletableFuture<O> result) {}

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
        CompletableFuture<O> result = new CompletableFuture<>();
        synchronized (handOver) {
            if (stopped) {
                throw new IllegalStateException("group commit " + name + " is closed");
            }
            queue.add(new Waiting<>(item, result));
        }
        try {
            return result.join();
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
            try {
                List<Waiting<I, O>> next = collect(deferred);
                if (!next.isEmpty()) {
                    run(next);
                }
            } catch (InterruptedException e) {
                // Nothing interrupts the writer but a JVM going down; the loop goes on draining.
            }
        }
    }

    /** The next batch: items deferred from the last one first, then what arrives in the window. */
    private List<Waiting<I, O>> collect(List<Waiting<I, O>> deferred) throws InterruptedException {
        List<Waiting<I, O>> next = new ArrayList<>(Math.min(maxItems, 64));
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
                return next;
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
        return next;
    }

    private void add(
            Waiting<I, O> waiting,
            List<Waiting<I, O>> next,
            Set<Object> keys,
            List<Waiting<I, O>> deferred) {
        if (next.size() < maxItems && keys.add(key.apply(waiting.item()))) {
            next.add(waiting);
        } else {
            deferred.add(waiting);
        }
    }

    private void run(List<Waiting<I, O>> next) {
        sizes.record(next.size());
        List<I> items = new ArrayList<>(next.size());
        for (Waiting<I, O> waiting : next) {
            items.add(waiting.item());
        }
        Map<I, O> results;
        try {
            results = batch.apply(items);
        } catch (RuntimeException | Error e) {
            if (next.size() == 1) {
                next.get(0).result().completeExceptionally(e);
                return;
            }
            log.warn(
                    "group commit {}: a batch of {} failed ({}); running its items one by one",
                    name,
                    next.size(),
                    e.toString());
            for (Waiting<I, O> waiting : next) {
                runAlone(waiting);
            }
            return;
        }
        for (Waiting<I, O> waiting : next) {
            waiting.result().complete(results.get(waiting.item()));
        }
    }

    private void runAlone(Waiting<I, O> waiting) {
        try {
            waiting.result().complete(single.apply(waiting.item()));
        } catch (RuntimeException | Error e) {
            waiting.result().completeExceptionally(e);
        }
    }

    /** Runs what was handed in before, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
