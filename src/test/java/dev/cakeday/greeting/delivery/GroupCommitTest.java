package dev.cakeday.greeting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mechanism of group commit with real threads: items handed in together run as one batch, each
 * thread gets its own result or its own error, and a batch that fails is run item by item.
 */
class GroupCommitTest {

    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ExecutorService threads = Executors.newFixedThreadPool(40);
    GroupCommit<String, String> commit;

    @AfterEach
    void stop() {
        threads.shutdownNow();
        if (commit != null) {
            commit.close();
        }
    }

    GroupCommit<String, String> groupCommit(
            Duration window, Function<String, ?> key, Function<String, String> single) {
        commit =
                new GroupCommit<>(
                        "test",
                        window,
                        256,
                        key,
                        items -> {
                            batches.add(List.copyOf(items));
                            if (items.size() > 1 && items.contains("bad")) {
                                throw new IllegalArgumentException("the batch cannot take bad");
                            }
                            if (items.contains("down")) {
                                throw new IllegalStateException("database down");
                            }
                            if (items.contains("error")) {
                                throw new AssertionError("not an exception");
                            }
                            return items.stream()
                                    .filter(item -> !item.equals("missing"))
                                    .collect(Collectors.toMap(item -> item, item -> item + "!"));
                        },
                        single,
                        meters);
        return commit;
    }

    List<Future<String>> submitTogether(GroupCommit<String, String> commit, List<String> items)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(items.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (String item : items) {
            results.add(
                    threads.submit(
                            () -> {
                                ready.countDown();
                                go.await();
                                return commit.submit(item);
                            }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        return results;
    }

    @Test
    void threadsArrivingTogetherShareABatchAndEachGetsItsOwnResult() throws Exception {
        GroupCommit<String, String> commit =
                groupCommit(Duration.ofMillis(200), item -> item, item -> item + "?");
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add("g" + i);
        }

        List<Future<String>> results = submitTogether(commit, items);

        for (int i = 0; i < items.size(); i++) {
            assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(items.get(i) + "!");
        }
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(40);
        assertThat(batches).as("40 items in at most two statements").hasSizeLessThanOrEqualTo(2);
        assertThat(meters.get("cakeday.delivery.batch.size").tag("statement", "test").summary())
                .satisfies(
                        sizes -> {
                            assertThat(sizes.count()).isEqualTo(batches.size());
                            assertThat(sizes.totalAmount()).isEqualTo(40);
                        });
    }

    @Test
    void aBatchThatFailsIsRunItemByItemOnTheThreadsSoThatOnlyTheBadItemFails() throws Exception {
        List<String> singleThreads = new CopyOnWriteArrayList<>();
        GroupCommit<String, String> commit =
                groupCommit(
                        Duration.ofMillis(200),
                        item -> item,
                        item -> {
                            singleThreads.add(Thread.currentThread().getName());
                            if (item.equals("bad")) {
                                throw new IllegalStateException("bad alone");
                            }
                            return item + "?";
                        });

        List<Future<String>> results = submitTogether(commit, List.of("a", "bad", "b"));

        assertThat(results.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("a?");
        assertThat(results.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("b?");
        assertThatThrownBy(() -> results.get(1).get(10, TimeUnit.SECONDS))
                .cause()
                .as("the caller gets the error itself, not a wrapper")
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bad alone");
        assertThat(singleThreads)
                .as("each item alone on its own thread, not the writer's")
                .hasSize(3)
                .noneMatch(name -> name.startsWith("group-commit-"));
    }

    @Test
    void anErrorReachesItsThreadUnwrappedAndTheWriterGoesOn() {
        GroupCommit<String, String> commit =
                groupCommit(
                        Duration.ZERO,
                        item -> item,
                        item -> {
                            throw new IllegalStateException("database down, alone too");
                        });

        assertThatThrownBy(() -> commit.submit("down"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("database down, alone too");
        assertThatThrownBy(() -> commit.submit("error"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("not an exception");
        assertThatThrownBy(() -> commit.submit("missing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no result for missing");
        assertThat(commit.submit("up")).as("the writer goes on").isEqualTo("up!");
    }

    @Test
    void itemsOfOneKeyNeverShareABatch() throws Exception {
        GroupCommit<String, String> commit =
                groupCommit(Duration.ofMillis(200), item -> item.substring(0, 1), item -> item);

        List<Future<String>> results = submitTogether(commit, List.of("a1", "a2", "a3", "b1"));

        for (Future<String> result : results) {
            assertThat(result.get(10, TimeUnit.SECONDS)).endsWith("!");
        }
        for (List<String> batch : batches) {
            List<String> keys = batch.stream().map(item -> item.substring(0, 1)).toList();
            assertThat(new HashSet<>(keys)).as("keys of one batch").hasSameSizeAs(keys);
        }
        assertThat(batches).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void closeRunsWhatWasHandedInAndRefusesWhatComesAfter() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        commit =
                new GroupCommit<>(
                        "test",
                        Duration.ZERO,
                        256,
                        item -> item,
                        items -> {
                            running.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return Map.of(items.get(0), "done");
                        },
                        item -> item,
                        meters);
        Future<String> handedIn = threads.submit(() -> commit.submit("x"));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> queued = threads.submit(() -> commit.submit("z"));
        Thread.sleep(100);
        Future<?> closing = threads.submit(commit::close);
        Thread.sleep(200);
        assertThat(closing.isDone()).as("close waits for the batch under way").isFalse();
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(handedIn.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(queued.get(10, TimeUnit.SECONDS))
                .as("an item queued before close still runs")
                .isEqualTo("done");
        assertThatThrownBy(() -> commit.submit("y"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
