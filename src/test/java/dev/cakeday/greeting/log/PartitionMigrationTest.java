package dev.cakeday.greeting.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.delivery.GreetingLogRepository;
import dev.cakeday.greeting.delivery.GreetingLogRepository.Attempt;
import dev.cakeday.greeting.delivery.GreetingLogRepository.Settled;
import dev.cakeday.greeting.delivery.GreetingTransition;
import dev.cakeday.support.MigratedSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V7 on a log in use: the unpartitioned log of V6 with finished greetings over several months, an
 * operator's retry, and a greeting mid-retry whose row is queued. Every row arrives in its month,
 * unchanged, and the greeting in flight carries on under the new key.
 */
class PartitionMigrationTest {

    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void theLogIsPartitionedWithoutLosingOrChangingARowAndAGreetingMidRetryCarriesOn() {
        try (MigratedSchema schema = new MigratedSchema("6")) {
            JdbcClient jdbc = schema.jdbc();
            UUID userId = user(jdbc);
            int sent = 0;
            for (LocalDate date = LocalDate.of(2025, 10, 25);
                    date.isBefore(LocalDate.of(2026, 12, 1));
                    date = date.plusDays(7)) {
                log(jdbc, UUID.randomUUID() + ":BIRTHDAY:" + date, date, "SENT", 1, null);
                sent++;
            }
            String failed = UUID.randomUUID() + ":ANNIVERSARY:2026-11-30";
            log(jdbc, failed, LocalDate.of(2026, 11, 30), "FAILED", 1, null);
            jdbc.sql(
                            """
                            INSERT INTO greeting_retries (greeting_id, asked_at, asked_by, previous_status,
                                                          previous_error, forced)
                            VALUES (?, now(), 'ops', 'FAILED', '422 from the provider', false)""")
                    .param(failed)
                    .update();
            // Mid-retry: two attempts made, the second failed for now, the third queued.
            GreetingId inFlight = new GreetingId(userId, "BIRTHDAY", LocalDate.of(2026, 12, 2));
            Instant nextAttempt = NOW.plusSeconds(60);
            log(jdbc, inFlight.toString(), inFlight.date(), "SENDING", 2, nextAttempt);
            jdbc.sql(
                            """
                            INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                            VALUES ('greeting', ?, ?, false, 3)""")
                    .params(inFlight.toString(), Timestamp.from(nextAttempt))
                    .update();
            List<Map<String, Object>> log = rows(jdbc, "SELECT * FROM greetings ORDER BY id");
            List<Map<String, Object>> retries =
                    rows(jdbc, "SELECT * FROM greeting_retries ORDER BY greeting_id");
            List<Map<String, Object>> queue =
                    rows(jdbc, "SELECT * FROM scheduled_tasks ORDER BY task_instance");
            assertThat(log).hasSize(sent + 2);

            schema.migrate("latest");

            assertThat(rows(jdbc, "SELECT * FROM greetings ORDER BY id")).isEqualTo(log);
            assertThat(constraints(jdbc)).containsExactlyInAnyOrderElementsOf(CONSTRAINTS);
            assertThat(rows(jdbc, "SELECT * FROM greeting_retries ORDER BY greeting_id"))
                    .isEqualTo(retries);
            assertThat(rows(jdbc, "SELECT * FROM scheduled_tasks ORDER BY task_instance"))
                    .isEqualTo(queue);
            assertThat(outOfTheirMonth(jdbc))
                    .as("every row in its own month's partition, none in the default one")
                    .isZero();

            GreetingLogRepository repository = new GreetingLogRepository(jdbc);
            assertThat(repository.startAttempt(inFlight, 2, NOW, nextAttempt))
                    .as("the third attempt, guarded by the second, under the new key")
                    .contains(new Attempt(3, 0));
            assertThat(repository.delivered(inFlight, "msg-3", nextAttempt, 3))
                    .isEqualTo(new Settled(true, true));
            assertThat(
                            repository.close(
                                    inFlight,
                                    GreetingTransition.GAVE_UP,
                                    3,
                                    "late write of an old attempt",
                                    NOW,
                                    nextAttempt))
                    .as("a SENT greeting is final under the new key too")
                    .isFalse();
            assertThat(
                            jdbc.sql("SELECT status FROM greetings WHERE id = ?")
                                    .param(inFlight.toString())
                                    .query(String.class)
                                    .list())
                    .containsExactly("SENT");
            assertThat(jdbc.sql("SELECT count(*) FROM scheduled_tasks").query(Long.class).single())
                    .isZero();

            assertThatThrownBy(
                            () ->
                                    log(
                                            jdbc,
                                            inFlight.toString(),
                                            LocalDate.of(2027, 1, 2),
                                            "SENT",
                                            1,
                                            null))
                    .as("a greeting's row under another date than its id's")
                    .isInstanceOf(DataIntegrityViolationException.class)
                    .hasMessageContaining("greetings_date_in_id");
        }
    }

    /**
     * The runbook's procedure for a large log (sql/partition-log): the copy made month by month
     * while the old version writes on, a swap that refuses a copy missing a row, then V7, which
     * finds the log partitioned and keeps it as it is.
     */
    @Test
    void aLogPartitionedAheadByTheRunbooksProcedureIsSwappedWholeAndKeptByV7() throws Exception {
        try (MigratedSchema schema = new MigratedSchema("6")) {
            JdbcClient jdbc = schema.jdbc();
            for (LocalDate date = LocalDate.of(2025, 11, 3);
                    date.isBefore(LocalDate.of(2026, 12, 1));
                    date = date.plusDays(5)) {
                log(jdbc, UUID.randomUUID() + ":BIRTHDAY:" + date, date, "SENT", 1, null);
            }
            // Finished long before the copy, as most of a large log is.
            jdbc.sql("UPDATE greetings SET created_at = local_date, updated_at = local_date + 1")
                    .update();
            String inFlight = user(jdbc) + ":BIRTHDAY:2026-12-02";
            log(jdbc, inFlight, LocalDate.of(2026, 12, 2), "SENDING", 1, NOW);

            run(schema, "1-prepare.sql", true);
            run(schema, "2-copy.sql", true);
            // The old version writes on meanwhile: an attempt, and a new greeting.
            jdbc.sql("UPDATE greetings SET attempts = 2, updated_at = now() WHERE id = ?")
                    .param(inFlight)
                    .update();
            log(
                    jdbc,
                    UUID.randomUUID() + ":ANNIVERSARY:2026-12-03",
                    LocalDate.of(2026, 12, 3),
                    "SENT",
                    1,
                    null);
            run(schema, "3-index.sql", true);
            List<Map<String, Object>> log = rows(jdbc, "SELECT * FROM greetings ORDER BY id");

            String copied =
                    jdbc.sql("SELECT id FROM greetings_v7 WHERE status = 'SENT' LIMIT 1")
                            .query(String.class)
                            .single();
            jdbc.sql("DELETE FROM greetings_v7 WHERE id = ?").param(copied).update();
            assertThatThrownBy(() -> run(schema, "4-swap.sql", false))
                    .hasMessageContaining("the copy differs from the log");
            assertThat(relkind(jdbc, "greetings")).as("nothing swapped").isEqualTo("r");
            jdbc.sql("INSERT INTO greetings_v7 SELECT * FROM greetings WHERE id = ?")
                    .param(copied)
                    .update();

            run(schema, "4-swap.sql", false);
            schema.migrate("latest");

            assertThat(relkind(jdbc, "greetings")).isEqualTo("p");
            assertThat(rows(jdbc, "SELECT * FROM greetings ORDER BY id")).isEqualTo(log);
            assertThat(constraints(jdbc))
                    .as("as V7 names them on a fresh install")
                    .containsExactlyInAnyOrderElementsOf(CONSTRAINTS);
            assertThat(outOfTheirMonth(jdbc))
                    .as("every row in its own month's partition, none in the default one")
                    .isZero();
            assertThat(
                            jdbc.sql(
                                            "SELECT indexname FROM pg_indexes WHERE schemaname = ? AND tablename = 'greetings'")
                                    .param(schema.name())
                                    .query(String.class)
                                    .list())
                    .containsExactlyInAnyOrder(
                            "greetings_pkey",
                            "greetings_user_idx",
                            "greetings_sent_at_idx",
                            "greetings_open_idx",
                            "greetings_local_date_idx");
            assertThat(relkind(jdbc, "greetings_unpartitioned"))
                    .as("kept until dropped")
                    .isEqualTo("r");
            GreetingId id = GreetingId.parse(inFlight);
            assertThat(new GreetingLogRepository(jdbc).startAttempt(id, 2, NOW, NOW))
                    .contains(new Attempt(3, 0));
            assertThat(new LogPartitions(jdbc).addMonth(YearMonth.of(2031, 1)))
                    .as("V7's function, on the log partitioned ahead")
                    .isZero();
            assertThat(relkind(jdbc, "greetings_2031_01")).isEqualTo("r");
        }
    }

    static void run(MigratedSchema schema, String file, boolean autoCommit) throws Exception {
        String sql = Files.readString(Path.of("sql/partition-log", file));
        try (Connection connection = schema.connect();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(autoCommit);
            statement.execute(sql);
            if (!autoCommit) {
                connection.commit();
            }
        }
    }

    static UUID user(JdbcClient jdbc) {
        return jdbc.sql(
                        """
                        INSERT INTO users (first_name, last_name, email, birthday, timezone,
                                           created_at, updated_at)
                        VALUES ('Ada', 'Lovelace', 'ada@example.com', DATE '1990-12-02',
                                'Europe/London', now(), now())
                        RETURNING id""")
                .query(UUID.class)
                .single();
    }

    /** The log's constraints, as a fresh install names them (MigrationTest). */
    static final List<String> CONSTRAINTS =
            List.of("greetings_pkey", "greetings_status_check", "greetings_date_in_id");

    static List<String> constraints(JdbcClient jdbc) {
        return jdbc.sql(
                        "SELECT conname FROM pg_constraint"
                                + " WHERE conrelid = to_regclass('greetings') AND contype IN ('p', 'c')")
                .query(String.class)
                .list();
    }

    /** Rows not in their own month's partition (in the default one, say). */
    static long outOfTheirMonth(JdbcClient jdbc) {
        return jdbc.sql(
                        """
                        SELECT count(*) FROM greetings
                        WHERE CAST(tableoid AS regclass)::text <> 'greetings_' || to_char(local_date, 'YYYY_MM')""")
                .query(Long.class)
                .single();
    }

    static String relkind(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)")
                .param(table)
                .query(String.class)
                .single();
    }

    static void log(
            JdbcClient jdbc,
            String id,
            LocalDate date,
            String status,
            int attempts,
            Instant nextAttempt) {
        jdbc.sql(
                        """
                        INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts,
                                               last_error, next_attempt_at, sent_at, created_at, updated_at)
                        VALUES (:id, CAST(split_part(:id, ':', 1) AS uuid), split_part(:id, ':', 2), :date,
                                CAST(:date AS timestamptz) + interval '9 hours', :status, :attempts,
                                CASE WHEN :status <> 'SENT' THEN 'provider said 503' END,
                                CAST(:next AS timestamptz),
                                CASE WHEN :status = 'SENT' THEN CAST(:date AS timestamptz) + interval '9 hours 1 second' END,
                                now(), now())""")
                .param("id", id)
                .param("date", date)
                .param("status", status)
                .param("attempts", attempts)
                .param("next", Optional.ofNullable(nextAttempt).map(Timestamp::from).orElse(null))
                .update();
    }

    static List<Map<String, Object>> rows(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query().listOfRows();
    }
}
