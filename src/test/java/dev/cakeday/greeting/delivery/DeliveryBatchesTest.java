package dev.cakeday.greeting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingTasks;
import dev.cakeday.support.GreetingAssert;
import dev.cakeday.support.IntegrationTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The group-committed statements keep each greeting's guards: in one batch, every greeting gets
 * what the one-greeting statement would have given it, whatever the others get.
 */
class DeliveryBatchesTest extends IntegrationTest {

    // Far beyond the planning horizon: no queue row but those written here.
    static final LocalDate DATE = LocalDate.of(2031, 5, 17);

    @Autowired GreetingLogRepository greetingLog;
    @Autowired DeliveryFactsRepository facts;
    @Autowired JdbcClient jdbc;
    @Autowired DeliveryBatches batches;
    @Autowired DataSource dataSource;

    /**
     * A user's row held by another transaction (an import's, say) holds up that user's greeting
     * only: the batch it shares with another gives up its lock wait, and each greeting's thread
     * writes alone, the free one at once.
     */
    @Test
    void aRowLockedElsewhereHoldsUpOnlyItsOwnGreeting() throws Exception {
        GreetingId held = greeting(user("{}"));
        GreetingId free = greeting(user("{}"));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Connection importer = dataSource.getConnection()) {
            importer.setAutoCommit(false);
            try (PreparedStatement lock =
                    importer.prepareStatement("UPDATE users SET last_name = 'Held' WHERE id = ?")) {
                lock.setObject(1, held.userId());
                assertThat(lock.executeUpdate()).isEqualTo(1);
            }
            Future<Optional<GreetingLogRepository.Attempt>> ofHeld =
                    threads.submit(() -> batches.startAttempt(held, 0, now, now));
            Future<Optional<GreetingLogRepository.Attempt>> ofFree =
                    threads.submit(() -> batches.startAttempt(free, 0, now, now));

            assertThat(ofFree.get(15, TimeUnit.SECONDS))
                    .as("the free greeting, while the other user's row is still held")
                    .contains(new GreetingLogRepository.Attempt(1, 0));
            assertThat(ofHeld.isDone()).as("the held greeting waits for the lock").isFalse();
            importer.commit();
            assertThat(ofHeld.get(15, TimeUnit.SECONDS))
                    .contains(new GreetingLogRepository.Attempt(1, 0));
        } finally {
            threads.shutdownNow();
        }
    }

    final Instant now = CLOCK.instant().truncatedTo(ChronoUnit.MICROS);

    @AfterEach
    void removeWhatWasWritten() {
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_instance LIKE ?")
                .param("%:" + DATE)
                .update();
        jdbc.sql("DELETE FROM greetings WHERE local_date = ?").param(DATE).update();
        jdbc.sql("DELETE FROM users WHERE email LIKE 'batch-%@example.com'").update();
    }

    @Test
    void sendingInOneBatchGuardsEachGreetingAsAloneWouldHave() {
        GreetingId fresh = greeting(user("{}"));
        GreetingId optedOut = greeting(user("{ALL}"));
        GreetingId optedOutOfBirthdays = greeting(user("{BIRTHDAY}"));
        GreetingId gone = greeting(UUID.randomUUID());
        GreetingId stale = greeting(user("{}"));
        GreetingId next = greeting(user("{}"));
        assertThat(greetingLog.startAttempt(stale, 0, now, now)).isPresent();
        assertThat(greetingLog.startAttempt(next, 0, now, now)).isPresent();
        Instant due = now.minusSeconds(30);

        List<GreetingLogRepository.AttemptStart> starts =
                List.of(
                        start(fresh, 0, due),
                        start(optedOut, 0, due),
                        start(optedOutOfBirthdays, 0, due),
                        start(gone, 0, due),
                        start(stale, 0, due),
                        start(next, 1, due));
        Map<GreetingLogRepository.AttemptStart, Optional<GreetingLogRepository.Attempt>> started =
                greetingLog.startAttempts(starts);

        assertThat(started.get(starts.get(0))).contains(new GreetingLogRepository.Attempt(1, 0));
        assertThat(started.get(starts.get(1))).as("opted out of all").isEmpty();
        assertThat(started.get(starts.get(2))).as("opted out of birthdays").isEmpty();
        assertThat(started.get(starts.get(3))).as("the user is gone").isEmpty();
        assertThat(started.get(starts.get(4)))
                .as("attempt 1 is already under way: a second attempt #1 is refused")
                .isEmpty();
        assertThat(started.get(starts.get(5)))
                .as("attempt 2, after an attempt 1 that never recorded its outcome")
                .contains(new GreetingLogRepository.Attempt(2, 1));
        GreetingAssert.assertThatGreeting(jdbc, fresh.toString())
                .hasStatus("SENDING")
                .hasAttempts(1)
                .isDueAt(due);
        assertThat(greetingLog.state(optedOut)).isEmpty();
        assertThat(greetingLog.state(gone)).isEmpty();
        GreetingAssert.assertThatGreeting(jdbc, stale.toString()).hasAttempts(1).isDueAt(now);
        GreetingAssert.assertThatGreeting(jdbc, next.toString())
                .hasAttempts(2)
                .hasUncertainAttempts(1);
    }

    @Test
    void sentInOneBatchRemovesOnlyTheRowsAtThePickedVersion() {
        GreetingId mine = greeting(user("{}"));
        GreetingId takenOver = greeting(user("{}"));
        GreetingId finished = greeting(user("{}"));
        for (GreetingId id : List.of(mine, takenOver, finished)) {
            greetingLog.startAttempt(id, 0, now, now);
        }
        queueRow(mine, 1);
        queueRow(takenOver, 3);
        assertThat(greetingLog.close(finished, GreetingTransition.REJECTED, 1, "no", now, now))
                .isTrue();

        List<GreetingLogRepository.Delivery> deliveries =
                List.of(
                        delivery(mine, "m-1"),
                        delivery(takenOver, "m-2"),
                        delivery(finished, "m-3"));
        Map<GreetingLogRepository.Delivery, GreetingLogRepository.Settled> settled =
                greetingLog.deliveredAll(deliveries);

        assertThat(settled.get(deliveries.get(0)))
                .isEqualTo(new GreetingLogRepository.Settled(true, true));
        assertThat(settled.get(deliveries.get(1)))
                .as("a row another instance took over (version 3) is left to it")
                .isEqualTo(new GreetingLogRepository.Settled(true, false));
        assertThat(settled.get(deliveries.get(2)))
                .as("a final status is never overwritten")
                .isEqualTo(new GreetingLogRepository.Settled(false, false));
        GreetingAssert.assertThatGreeting(jdbc, mine.toString())
                .hasStatus("SENT")
                .hasProviderMessageIdStartingWith("m-1");
        GreetingAssert.assertThatGreeting(jdbc, finished.toString()).hasStatus("FAILED");
        assertThat(queueRows()).containsExactly(takenOver.toString());
    }

    @Test
    void factsOfABatchAreThoseOfEachGreeting() {
        GreetingId known = greeting(user("{}"));
        GreetingId gone = greeting(UUID.randomUUID());
        greetingLog.startAttempt(known, 0, now, now);

        Map<GreetingId, DeliveryFacts> read = facts.loadAll(List.of(known, gone));

        assertThat(read).containsOnlyKeys(known, gone);
        assertThat(read.get(known)).isEqualTo(facts.load(known));
        assertThat(read.get(known).state()).map(GreetingLogRepository.State::attempts).contains(1);
        assertThat(read.get(gone)).isEqualTo(facts.load(gone));
        assertThat(read.get(gone).user()).isEmpty();
    }

    GreetingLogRepository.AttemptStart start(GreetingId id, int after, Instant due) {
        return new GreetingLogRepository.AttemptStart(id, after, due, now);
    }

    GreetingLogRepository.Delivery delivery(GreetingId id, String messageId) {
        return new GreetingLogRepository.Delivery(id, messageId, now, 1);
    }

    static GreetingId greeting(UUID userId) {
        return new GreetingId(userId, "BIRTHDAY", DATE);
    }

    UUID user(String optOut) {
        return jdbc.sql(
                        """
                INSERT INTO users (first_name, last_name, email, birthday, timezone, opt_out, created_at, updated_at)
                VALUES ('Bat', 'Ch', 'batch-' || gen_random_uuid() || '@example.com', :birthday, 'UTC',
                        CAST(:optOut AS text[]), :now, :now)
                RETURNING id""")
                .param("birthday", DATE.withYear(1990))
                .param("optOut", optOut)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .query(UUID.class)
                .single();
    }

    void queueRow(GreetingId id, long version) {
        jdbc.sql(
                        """
                INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                VALUES (:task, :id, :at, true, :version)""")
                .param("task", GreetingTasks.GREETING_TASK)
                .param("id", id.toString())
                .param("at", now.atOffset(ZoneOffset.UTC))
                .param("version", version)
                .update();
    }

    List<String> queueRows() {
        return jdbc.sql("SELECT task_instance FROM scheduled_tasks WHERE task_instance LIKE ?")
                .param("%:" + DATE)
                .query(String.class)
                .list();
    }
}
