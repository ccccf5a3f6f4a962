package dev.cakeday.greeting.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.greeting.GreetingProperties;
import dev.cakeday.greeting.calendar.LeapDayPolicy;
import dev.cakeday.support.MigratedSchema;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The log's months, on a schema of its own migrated to the partitioned log (V7): partitions ahead,
 * the default partition emptied, months past retention dropped and archived, and an unsafe
 * retention refused.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogMaintenanceTest {

    static final GreetingProperties GREETING =
            new GreetingProperties(
                    LocalTime.of(9, 0),
                    LeapDayPolicy.FEB_28,
                    Duration.ofDays(3),
                    Duration.ofDays(3),
                    LocalTime.of(0, 10),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(15),
                    null,
                    null,
                    Locale.ENGLISH,
                    null,
                    true);

    MigratedSchema schema;
    JdbcClient jdbc;

    @BeforeEach
    void schema() {
        schema = new MigratedSchema();
        jdbc = schema.jdbc();
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    LogMaintenance maintenance(Duration retention, Path archiveDir, String today) {
        Clock clock = Clock.fixed(Instant.parse(today + "T12:00:00Z"), ZoneOffset.UTC);
        return new LogMaintenance(
                new LogPartitions(jdbc),
                new LogProperties(retention, archiveDir),
                GREETING,
                jdbc,
                schema.dataSource(),
                new TransactionTemplate(new DataSourceTransactionManager(schema.dataSource())),
                clock);
    }

    @Test
    void partitionsAreKeptReadyForThirteenMonthsAhead() {
        // Five years from now: none of those months was made by the migration.
        LocalDate later = LocalDate.now(ZoneOffset.UTC).plusYears(5);
        var run = maintenance(Duration.ZERO, null, later.toString()).maintain();

        List<YearMonth> ahead =
                IntStream.rangeClosed(0, 13)
                        .mapToObj(i -> YearMonth.from(later).plusMonths(i))
                        .toList();
        assertThat(run.added()).containsExactlyElementsOf(ahead);
        assertThat(new LogPartitions(jdbc).months()).containsAll(ahead);
        assertThat(
                        maintenance(Duration.ZERO, null, later.plusDays(1).toString())
                                .maintain()
                                .added())
                .as("a second run has nothing to add")
                .isEmpty();
    }

    @Test
    void aGreetingWhoseMonthHasNoPartitionLandsInTheDefaultOneAndIsMovedOut(CapturedOutput output) {
        String id = insertRow(LocalDate.of(2040, 2, 29), "SENT");
        assertThat(partitionOf(id)).isEqualTo("greetings_default");

        var run = maintenance(Duration.ZERO, null, "2026-12-03").maintain();

        assertThat(run.movedFromDefault()).isEqualTo(1);
        assertThat(partitionOf(id)).isEqualTo("greetings_2040_02");
        assertThat(count("SELECT count(*) FROM greetings_default")).isZero();
        assertThat(output)
                .contains(
                        "Moved 1 greetings of 2040-02 out of the log's default partition into a"
                                + " partition of their own");
    }

    @Test
    void monthsWhollyPastRetentionAreDroppedAndTheRestKept() {
        List<String> dropped = List.of(insert(LocalDate.of(2025, 1, 31), "SENT"));
        String lastKept = insert(LocalDate.of(2025, 2, 1), "SENT");
        String recent = insert(LocalDate.of(2026, 3, 1), "FAILED");
        retry(dropped.get(0));
        retry(lastKept);

        assertThat(maintenance(Duration.ofDays(400), null, "2026-03-09").maintain().dropped())
                .as("400 days before 2026-03-09 is 2025-02-01; two days' margin keep January")
                .isEmpty();

        // 400 days and the 2-day margin before 2026-03-10 is 2025-02-01: January is wholly past.
        var run = maintenance(Duration.ofDays(400), null, "2026-03-10").maintain();

        assertThat(run.dropped()).containsExactly(YearMonth.of(2025, 1));
        assertThat(tableExists("greetings_2025_01")).isFalse();
        assertThat(ids()).containsExactlyInAnyOrder(lastKept, recent);
        assertThat(jdbc.sql("SELECT greeting_id FROM greeting_retries").query(String.class).list())
                .as("the dropped month's retries go with it")
                .containsExactly(lastKept);

        assertThat(maintenance(Duration.ofDays(400), null, "2026-03-11").maintain().dropped())
                .as("February still has a day inside retention")
                .isEmpty();
    }

    @Test
    void keepingEverythingDropsNothing() {
        String old = insert(LocalDate.of(2001, 1, 1), "SENT");

        var run = maintenance(Duration.ZERO, null, "2026-12-03").maintain();

        assertThat(run.dropped()).isEmpty();
        assertThat(ids()).containsExactly(old);
    }

    @Test
    void aMonthHoldingAGreetingInDeliveryIsKept(CapturedOutput output) {
        String reopened = insert(LocalDate.of(2024, 6, 10), "SENDING");

        var run = maintenance(Duration.ofDays(400), null, "2026-12-03").maintain();

        assertThat(run.dropped()).doesNotContain(YearMonth.of(2024, 6));
        assertThat(ids()).containsExactly(reopened);
        assertThat(output)
                .contains(
                        "The log's month 2024-06 is past retention but holds a greeting in"
                                + " delivery: kept until it is done");
    }

    @Test
    void theArchiveHoldsEveryRowOfTheDroppedMonthAsItWas(@TempDir Path archive) throws Exception {
        for (int day = 1; day <= 31; day++) {
            insert(LocalDate.of(2024, 3, day), day % 3 == 0 ? "FAILED" : "SENT");
        }
        String tricky = insert(LocalDate.of(2024, 3, 15), "EXPIRED");
        jdbc.sql("UPDATE greetings SET last_error = ? WHERE id = ?")
                .params("a \"quoted\", comma\nand a second line", tricky)
                .update();
        retry(tricky);
        List<Map<String, Object>> before = rows("SELECT * FROM greetings ORDER BY local_date, id");

        var run = maintenance(Duration.ofDays(400), archive, "2026-12-03").maintain();

        assertThat(run.dropped()).containsExactly(YearMonth.of(2024, 3));
        assertThat(count("SELECT count(*) FROM greetings")).isZero();
        assertThat(archive.resolve("greetings-2024-03.csv.gz")).exists();
        assertThat(archive.resolve("greeting-retries-2024-03.csv.gz")).exists();
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(
                                        archive.resolve("greetings-2024-03.csv.gz"))))
                .as("readable by the service's user alone")
                .isEqualTo("rw-------");
        try (var files = Files.list(archive)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("no partial file left behind")
                    .containsExactlyInAnyOrder(
                            "greetings-2024-03.csv.gz", "greeting-retries-2024-03.csv.gz");
        }

        // Rows back in, by PostgreSQL's own CSV reader: the same rows, value for value.
        jdbc.sql("CREATE TABLE restored (LIKE greetings)").update();
        long restored = copyIn("restored", archive.resolve("greetings-2024-03.csv.gz"));
        assertThat(restored).isEqualTo(32);
        assertThat(rows("SELECT * FROM restored ORDER BY local_date, id")).isEqualTo(before);
        jdbc.sql("CREATE TABLE restored_retries (LIKE greeting_retries)").update();
        assertThat(copyIn("restored_retries", archive.resolve("greeting-retries-2024-03.csv.gz")))
                .isEqualTo(1);
    }

    /**
     * A month dropped comes back when a greeting of it is recorded late (EXPIRED after an outage
     * longer than retention): its second archive keeps the first.
     */
    @Test
    void aMonthArchivedTwiceKeepsBothArchives(@TempDir Path archive) throws Exception {
        insert(LocalDate.of(2024, 2, 10), "SENT");
        insert(LocalDate.of(2024, 2, 11), "SENT");
        maintenance(Duration.ofDays(400), archive, "2026-12-03").maintain();
        insert(LocalDate.of(2024, 2, 12), "EXPIRED");

        var run = maintenance(Duration.ofDays(400), archive, "2026-12-03").maintain();

        assertThat(run.dropped()).containsExactly(YearMonth.of(2024, 2));
        assertThat(LogArchive.csvRecords(archive.resolve("greetings-2024-02.csv.gz")))
                .as("the first archive, header and two greetings")
                .isEqualTo(3);
        assertThat(LogArchive.csvRecords(archive.resolve("greetings-2024-02-2.csv.gz")))
                .as("the second, header and the late one")
                .isEqualTo(2);
    }

    @Test
    void aMonthLeftDetachedByAnInterruptedRunIsArchivedAndDroppedByTheNext(@TempDir Path archive) {
        insert(LocalDate.of(2024, 8, 1), "SENT");
        insert(LocalDate.of(2024, 8, 2), "SENT");
        jdbc.sql("ALTER TABLE greetings DETACH PARTITION greetings_2024_08").update();

        var run = maintenance(Duration.ofDays(400), archive, "2026-12-03").maintain();

        assertThat(run.dropped()).contains(YearMonth.of(2024, 8));
        assertThat(tableExists("greetings_2024_08")).isFalse();
        assertThat(archive.resolve("greetings-2024-08.csv.gz")).exists();
    }

    /**
     * Detaching a month waits for every transaction on the log and holds up new ones meanwhile: it
     * gives up after a short wait instead, and the next run drops the month.
     */
    @Test
    @Timeout(60)
    void aDropThatWouldWaitForALongTransactionOnTheLogGivesUpUntilTheNextRun(CapturedOutput output)
            throws Exception {
        insert(LocalDate.of(2024, 5, 5), "SENT");
        maintenance(Duration.ZERO, null, "2026-12-03").maintain();
        LogMaintenance maintenance = maintenance(Duration.ofDays(400), null, "2026-12-03");
        try (Connection reader = schema.connect()) {
            reader.setAutoCommit(false);
            reader.createStatement().executeQuery("SELECT count(*) FROM greetings").close();

            long started = System.nanoTime();
            var run = maintenance.maintain();

            assertThat(run.dropped()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(Duration.ofSeconds(30));
            assertThat(tableExists("greetings_2024_05")).isTrue();
            assertThat(output)
                    .contains(
                            "Could not drop the log's month 2024-05; the next maintenance run tries"
                                    + " again");
            reader.rollback();
        }

        assertThat(maintenance.maintain().dropped()).containsExactly(YearMonth.of(2024, 5));
    }

    @Test
    void aRetentionShorterThanMaxLatenessAndHorizonIsRefused() {
        assertThatThrownBy(() -> maintenance(Duration.ofDays(5), null, "2026-12-03"))
                .isInstanceOf(UnsafeRetentionException.class)
                .hasMessage(
                        "cakeday.log.retention (5d) is shorter than cakeday.greeting.max-lateness"
                                + " plus cakeday.greeting.horizon (6d): months still holding"
                                + " greetings in delivery could be dropped");
        assertThat(maintenance(Duration.ofDays(6), null, "2026-12-03")).isNotNull();
        assertThat(maintenance(Duration.ZERO, null, "2026-12-03")).isNotNull();
    }

    /** A log row of a new user's birthday on that date; its month's partition made as needed. */
    String insert(LocalDate date, String status) {
        new LogPartitions(jdbc).addMonth(YearMonth.from(date));
        return insertRow(date, status);
    }

    String insertRow(LocalDate date, String status) {
        String id = UUID.randomUUID() + ":BIRTHDAY:" + date;
        jdbc.sql(
                        """
                        INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts,
                                               created_at, updated_at)
                        VALUES (:id, CAST(split_part(:id, ':', 1) AS uuid), 'BIRTHDAY', :date,
                                CAST(:date AS timestamptz) + interval '9 hours', :status, 1, now(), now())""")
                .param("id", id)
                .param("date", date)
                .param("status", status)
                .update();
        return id;
    }

    void retry(String id) {
        jdbc.sql(
                        """
                        INSERT INTO greeting_retries (greeting_id, asked_at, asked_by, previous_status, forced)
                        VALUES (?, now(), 'ops', 'FAILED', false)""")
                .param(id)
                .update();
    }

    String partitionOf(String id) {
        return jdbc.sql("SELECT CAST(tableoid AS regclass)::text FROM greetings WHERE id = ?")
                .param(id)
                .query(String.class)
                .single();
    }

    boolean tableExists(String table) {
        return jdbc.sql("SELECT to_regclass(?) IS NOT NULL")
                .param(table)
                .query(Boolean.class)
                .single();
    }

    List<String> ids() {
        return jdbc.sql("SELECT id FROM greetings").query(String.class).list();
    }

    long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    List<Map<String, Object>> rows(String sql) {
        return jdbc.sql(sql).query().listOfRows();
    }

    long copyIn(String table, Path file) throws Exception {
        try (Connection connection = schema.connect();
                InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY " + table + " FROM STDIN WITH (FORMAT csv, HEADER)", in);
        }
    }
}
