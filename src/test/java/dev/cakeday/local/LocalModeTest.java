package dev.cakeday.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.CakedayApplication;
import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The local mode as the README's first command runs it: the application with the {@code local}
 * profile and nothing configured starts a real embedded PostgreSQL in its data directory, and a
 * user greeted today shows up in the outbox.
 */
@ExtendWith(OutputCaptureExtension.class)
class LocalModeTest {

    @Test
    void startsAnEmbeddedDatabaseSendsToTheOutboxAndKeepsItsDataAcrossARestart(
            @TempDir Path dataDir, CapturedOutput output) throws Exception {
        awayFromMidnight();
        // Passed already today, so that a user whose birthday is today is greeted at once.
        LocalTime sendTime = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        String jdbcUrl;
        String userId;
        try (ConfigurableApplicationContext app = startLocal(dataDir, sendTime)) {
            assertThat(app.getBeansOfType(EmbeddedPostgres.class)).hasSize(1);
            JdbcClient jdbc = JdbcClient.create(app.getBean(DataSource.class));
            assertThat(Path.of(jdbc.sql("SHOW data_directory").query(String.class).single()))
                    .as("the database keeps its data in cakeday.local.data-dir")
                    .isEqualTo(dataDir.toRealPath());
            jdbcUrl = app.getBean(EmbeddedPostgres.class).getJdbcUrl("postgres", "postgres");
            assertThat(output)
                    .contains("Cakeday in LOCAL MODE")
                    .contains("Database: embedded PostgreSQL 17.")
                    .contains("data in " + dataDir.toAbsolutePath().normalize())
                    .contains("Channel:  outbox");

            Api api = new Api(port(app));
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            Api.Response created =
                    api.postJson(
                            "/user",
                            Api.json(
                                    Map.of(
                                            "firstName", "Ada",
                                            "lastName", "Lovelace",
                                            "email", "ada@example.com",
                                            "birthday", today.withYear(1990).toString(),
                                            "timezone", "UTC")));
            assertThat(created.status()).isEqualTo(201);
            userId = created.json().get("id").asString();

            JsonNode sent = awaitOutbox(api);
            assertThat(sent.get("greeting").asString()).isEqualTo(userId + ":BIRTHDAY:" + today);
            assertThat(sent.get("email").asString()).isEqualTo("ada@example.com");
            assertThat(sent.get("subject").asString()).isEqualTo("Happy birthday, Ada!");
            assertThat(sent.get("message").asString())
                    .isEqualTo("Hey, Ada Lovelace it's your birthday");
            awaitSent(jdbc, sent.get("greeting").asString());
            assertThat(output).contains("Outbox: greeting=" + userId);
        }

        assertThat(answers(jdbcUrl)).as("the embedded server stops with the application").isFalse();

        try (ConfigurableApplicationContext again = startLocal(dataDir, sendTime)) {
            Api api = new Api(port(again));
            assertThat(api.get("/user/" + userId).status())
                    .as("the user created before the restart")
                    .isEqualTo(200);
            assertThat(api.get("/outbox").json())
                    .as("the outbox is this instance's memory, empty after a restart")
                    .isEmpty();
        }
    }

    @Test
    void theEmbeddedDatabaseStartsOnlyInTheLocalProfileAndOnlyWithoutAUrl() {
        ApplicationContextRunner runner =
                new ApplicationContextRunner()
                        .withUserConfiguration(LocalDatabase.class)
                        .withBean(LocalProperties.class, () -> new LocalProperties(Path.of("x")));
        runner.run(context -> assertThat(context).doesNotHaveBean(EmbeddedPostgres.class));
        runner.withPropertyValues(
                        "spring.profiles.active=local",
                        "spring.datasource.url=jdbc:postgresql://db.example:5432/cakeday")
                .run(context -> assertThat(context).doesNotHaveBean(EmbeddedPostgres.class));
    }

    /**
     * A local mode killed hard leaves its PostgreSQL running on the data directory: the next start
     * stops it and starts anew. While the local mode that runs it is alive, the start names it
     * instead and leaves it alone.
     */
    @Test
    void aServerLeftByALocalModeKilledHardIsStoppedButALiveOneIsLeftAlone(
            @TempDir Path dataDir, CapturedOutput output) throws Exception {
        Process owner =
                new ProcessBuilder(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-cp",
                                System.getProperty("java.class.path"),
                                EmbeddedServerProcess.class.getName(),
                                dataDir.toString())
                        .redirectErrorStream(true)
                        .start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(owner.getInputStream()));
            String line;
            while ((line = said.readLine()) != null && !line.equals("started")) {
                // the embedded server's start-up lines
            }
            assertThat(line).as("the owner started its server").isEqualTo("started");
            long server =
                    Long.parseLong(
                            Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());

            LocalTime sendTime = LocalTime.of(9, 0);
            assertThatThrownBy(() -> startLocal(dataDir, sendTime).close())
                    .as("its owner is alive")
                    .rootCause()
                    .hasMessageContaining("Another local mode runs PostgreSQL (pid " + server + ")")
                    .hasMessageContaining("cakeday.local.data-dir");
            assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive)).contains(true);

            owner.destroyForcibly().waitFor();
            assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive))
                    .as("the server outlives its owner killed hard")
                    .contains(true);

            try (ConfigurableApplicationContext app = startLocal(dataDir, sendTime)) {
                assertThat(new Api(port(app)).get("/user").status()).isEqualTo(200);
            }
            assertThat(output).contains("left its PostgreSQL (pid " + server + ") running");
            assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive))
                    .as("the leftover server was stopped")
                    .isNotEqualTo(Optional.of(true));
        } finally {
            owner.destroyForcibly().waitFor();
            // On a failure above, the server the owner left must not outlive the test.
            leftoverOn(dataDir).ifPresent(LocalModeTest::stop);
        }
    }

    static Optional<ProcessHandle> leftoverOn(Path dataDir) throws IOException {
        Path lock = dataDir.resolve("postmaster.pid");
        return Files.exists(lock)
                ? ProcessHandle.of(Long.parseLong(Files.readAllLines(lock).get(0).strip()))
                        .filter(ProcessHandle::isAlive)
                        .filter(
                                process ->
                                        process.info()
                                                .command()
                                                .map(command -> command.endsWith("/postgres"))
                                                .orElse(false))
                : Optional.empty();
    }

    static void stop(ProcessHandle server) {
        server.destroy();
        server.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void theBannerShowsNoPasswordOfAUrl() {
        assertThat(
                        LocalModeBanner.redacted(
                                "jdbc:postgresql://db:5432/cakeday?user=app&password=s3cret"))
                .isEqualTo("jdbc:postgresql://db:5432/cakeday");
        assertThat(LocalModeBanner.redacted("https://mailer:s3cret@provider.example/api"))
                .isEqualTo("https://provider.example/api");
        assertThat(LocalModeBanner.redacted("jdbc:postgresql://localhost:5432/postgres"))
                .isEqualTo("jdbc:postgresql://localhost:5432/postgres");
    }

    static ConfigurableApplicationContext startLocal(Path dataDir, LocalTime sendTime) {
        return new SpringApplicationBuilder(CakedayApplication.class)
                .profiles("local")
                .run(
                        "--server.port=0",
                        "--cakeday.local.data-dir=" + dataDir,
                        "--cakeday.greeting.send-time=" + sendTime,
                        "--db-scheduler.polling-interval=200ms");
    }

    static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    static JsonNode awaitOutbox(Api api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode outbox = api.get("/outbox").json();
            if (!outbox.isEmpty()) {
                assertThat(outbox).hasSize(1);
                return outbox.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no greeting reached the outbox within 30 s");
    }

    // The outbox holds a greeting as soon as the channel accepts it; the SENT write commits just
    // after, in the sending thread.
    static void awaitSent(JdbcClient jdbc, String greetingId) {
        String sql = "SELECT status FROM greetings WHERE id = ?";
        IntegrationTest.await(
                greetingId + " SENT",
                Duration.ofSeconds(10),
                () -> "SENT".equals(jdbc.sql(sql).param(greetingId).query(String.class).single()));
    }

    static boolean answers(String jdbcUrl) {
        try (var connection = DriverManager.getConnection(jdbcUrl)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    // The user's birthday is today's date when the test posts it; near midnight that date could
    // turn between the send time chosen and the post.
    static void awayFromMidnight() throws InterruptedException {
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        if (now.isAfter(LocalTime.of(23, 58))) {
            Thread.sleep(Duration.between(now, LocalTime.MAX).toMillis() + 65_000);
        }
    }
}
