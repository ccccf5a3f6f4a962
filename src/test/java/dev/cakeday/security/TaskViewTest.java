package dev.cakeday.security;

import static dev.cakeday.support.RawHttp.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import dev.cakeday.support.RawHttp;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The task view (db-scheduler-ui at /db-scheduler, its API at /db-scheduler-api) tried from
 * outside: a browser's Basic credentials with a token as the password, a reader who may only look,
 * an admin who may run and delete from the view's own page but not from another site's, and Basic
 * refused everywhere else. Each refused action leaves the greeting's row as it was.
 *
 * <p>The view reads through a running scheduler, so this context has one; it polls rarely (the
 * shared context's scheduler does the work) and is closed after the class.
 */
@TestPropertySource(
        properties = {
            "cakeday.api.tokens[0].name=console-reader",
            "cakeday.api.tokens[0].token=view-reader-token",
            "cakeday.api.tokens[0].role=reader",
            "cakeday.api.tokens[1].name=console-admin",
            "cakeday.api.tokens[1].token=view-admin-token",
            "cakeday.api.tokens[1].role=admin",
            "cakeday.greeting.plan-on-startup=false",
            "db-scheduler.polling-interval=1h"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TaskViewTest extends IntegrationTest {

    static final String[] READER = basic("operator", "view-reader-token");
    static final String[] ADMIN = basic("operator", "view-admin-token");
    static final String[] ADMIN_BEARER = {"Authorization", "Bearer view-admin-token"};
    static final String[] READER_BEARER = {"Authorization", "Bearer view-reader-token"};
    static final String BASIC_CHALLENGE = "Basic realm=\"cakeday\"";

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    RawHttp http;
    String email;
    String greeting;

    @BeforeEach
    void planAGreeting() {
        http = new RawHttp(port);
        email = "console-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        LocalDate birthday = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC).plusDays(2);
        RawHttp.Response created =
                http.send(
                        "POST",
                        "/user",
                        Api.json(
                                Map.of(
                                        "firstName", "Grace",
                                        "lastName", "Hopper",
                                        "email", email,
                                        "birthday", birthday.withYear(1992).toString(),
                                        "timezone", "UTC")),
                        with(ADMIN_BEARER, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        greeting = Api.readTree(created.body()).get("id").asString() + ":BIRTHDAY:" + birthday;
        assertThat(row()).as("the planned row of " + greeting).isPresent();
    }

    @Test
    void withoutCredentialsTheBrowserIsAskedForThem() {
        for (String path :
                List.of(
                        "/db-scheduler",
                        "/db-scheduler/index.html",
                        "/db-scheduler/js/context-path.js",
                        "/db-scheduler-api/config",
                        "/db-scheduler-api/tasks/all")) {
            RawHttp.Response refused = http.send("GET", path, null);
            assertThat(refused.status()).as(path).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).as(path).isEqualTo(BASIC_CHALLENGE);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
        Map<String, Object> before = row().orElseThrow();
        RawHttp.Response run = http.send("POST", rerun(Instant.now()), null, sameOrigin());
        assertThat(run.status()).isEqualTo(401);
        assertThat(run.header("WWW-Authenticate")).isEqualTo(BASIC_CHALLENGE);
        assertThat(row()).contains(before);
    }

    @Test
    void wrongBasicCredentialsAreRefusedAndAskedForAgain() {
        Map<String, Object> before = row().orElseThrow();
        for (String[] wrong :
                List.of(
                        basic("operator", "view-admin-token-"),
                        basic("view-admin-token", ""),
                        basic("operator", "VIEW-ADMIN-TOKEN"),
                        new String[] {"Authorization", "Basic view-admin-token"},
                        new String[] {
                            "Authorization",
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(
                                                    "view-admin-token"
                                                            .getBytes(StandardCharsets.UTF_8))
                        })) {
            for (String[] request :
                    List.of(
                            new String[] {"GET", "/db-scheduler-api/tasks/all"},
                            new String[] {"POST", rerun(Instant.now())},
                            new String[] {"POST", delete()})) {
                RawHttp.Response refused =
                        http.send(request[0], request[1], null, with(wrong, sameOrigin()));
                String what = request[0] + " " + request[1] + " with " + wrong[1];
                assertThat(refused.status()).as(what).isEqualTo(401);
                assertThat(refused.header("WWW-Authenticate")).as(what).isEqualTo(BASIC_CHALLENGE);
                assertThat(Api.readTree(refused.body()).get("type").asString())
                        .isEqualTo("urn:cakeday:problem:unauthorized");
                assertThat(refused.body()).doesNotContain("view-admin-token");
            }
        }
        assertThat(row()).contains(before);
    }

    @Test
    void aReaderListsTheGreetingRowsWithoutTaskDataOrEmail() {
        RawHttp.Response list =
                http.send("GET", "/db-scheduler-api/tasks/all?size=100", null, READER);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        JsonNode greetings = group(Api.readTree(list.body()), "greeting");
        assertThat(greetings.get("taskInstance").valueStream().map(JsonNode::asString))
                .contains(greeting);
        assertThat(greetings.get("taskData").isEmpty()).as("task data is hidden").isTrue();
        assertThat(list.body()).doesNotContain(email, email.substring(0, email.indexOf('@')));

        RawHttp.Response details =
                http.send(
                        "GET",
                        "/db-scheduler-api/tasks/details?taskName=greeting&taskId=" + greeting,
                        null,
                        READER);
        assertThat(details.status()).as(details.toString()).isEqualTo(200);
        JsonNode item = Api.readTree(details.body()).get("items").get(0);
        assertThat(item.get("taskInstance").get(0).asString()).isEqualTo(greeting);
        assertThat(item.get("taskData").get(0).isNull()).as("task data is hidden").isTrue();
        assertThat(Instant.parse(item.get("executionTime").get(0).asString()))
                .isEqualTo(executionTime(row().orElseThrow()));
        assertThat(details.body()).doesNotContain(email);

        assertThat(http.send("GET", "/db-scheduler-api/tasks/poll", null, READER).status())
                .isEqualTo(200);
        // The page shows a reader no run or delete buttons; history is off (the greetings log is
        // it).
        JsonNode config =
                Api.readTree(http.send("GET", "/db-scheduler-api/config", null, READER).body());
        assertThat(config.get("readOnly").asBoolean()).isTrue();
        assertThat(config.get("showHistory").asBoolean()).isFalse();
        assertThat(http.send("GET", "/db-scheduler-api/logs/all", null, ADMIN).status())
                .isEqualTo(404);
    }

    @Test
    void aReaderCanNeitherRunNorDelete() {
        Map<String, Object> before = row().orElseThrow();
        for (String[] reader : List.of(READER, READER_BEARER)) {
            for (String action :
                    List.of(
                            rerun(Instant.now()),
                            delete(),
                            "/db-scheduler-api/tasks/rerunGroup?name=greeting&onlyFailed=false")) {
                RawHttp.Response refused =
                        http.send("POST", action, null, with(reader, sameOrigin()));
                assertThat(refused.status()).as(reader[1] + " " + action).isEqualTo(403);
                assertThat(Api.readTree(refused.body()).get("type").asString())
                        .isEqualTo("urn:cakeday:problem:forbidden");
            }
        }
        assertThat(row()).contains(before);
    }

    @Test
    void anAdminRunsAndDeletesFromTheViewsOwnPage() {
        JsonNode config =
                Api.readTree(http.send("GET", "/db-scheduler-api/config", null, ADMIN).body());
        assertThat(config.get("readOnly").asBoolean()).isFalse();
        long version = version(row().orElseThrow());
        // The page's "run" sends its browser's now; a time still ahead keeps the schedulers off the
        // row while the test looks at it.
        Instant runAt = CLOCK.instant().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        RawHttp.Response run = http.send("POST", rerun(runAt), null, with(ADMIN, sameOrigin()));

        assertThat(run.status()).as(run.toString()).isEqualTo(200);
        Map<String, Object> rerun = row().orElseThrow();
        assertThat(executionTime(rerun)).isEqualTo(runAt);
        assertThat(version(rerun)).isEqualTo(version + 1);

        RawHttp.Response deleted =
                http.send("POST", delete(), null, with(ADMIN, "Sec-Fetch-Site", "same-origin"));

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(row()).isEmpty();
    }

    @Test
    void anAdminsBasicCredentialsSentFromAnotherSiteActOnNothing() {
        Map<String, Object> before = row().orElseThrow();
        List<String[]> elsewhere =
                List.of(
                        new String[] {"Origin", "https://evil.example"},
                        new String[] {
                            "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"
                        },
                        new String[] {"Origin", "null"},
                        new String[] {"Origin", "http://127.0.0.1:" + (port + 1)},
                        new String[] {"Origin", "https://127.0.0.1:" + port},
                        new String[] {"Origin", "not an origin"},
                        new String[] {"Sec-Fetch-Site", "same-site"},
                        new String[] {"Sec-Fetch-Site", "none"},
                        new String[] {});
        for (String[] headers : elsewhere) {
            for (String action : List.of(rerun(Instant.now()), delete())) {
                RawHttp.Response refused = http.send("POST", action, null, with(ADMIN, headers));
                String what = action + " with " + String.join(" ", headers);
                assertThat(refused.status()).as(what).isEqualTo(403);
                assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                assertThat(Api.readTree(refused.body()).get("type").asString())
                        .as(what)
                        .isEqualTo("urn:cakeday:problem:cross-site");
            }
        }
        assertThat(row()).contains(before);
        // Reading needs no such proof: a page elsewhere cannot read the answer.
        assertThat(
                        http.send(
                                        "GET",
                                        "/db-scheduler-api/tasks/all",
                                        null,
                                        with(ADMIN, "Origin", "https://evil.example"))
                                .status())
                .isEqualTo(200);
    }

    @Test
    void anAdminBearerTokenActsWithoutAnOrigin() {
        long version = version(row().orElseThrow());
        Instant runAt = CLOCK.instant().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        RawHttp.Response run = http.send("POST", rerun(runAt), null, ADMIN_BEARER);

        assertThat(run.status()).as(run.toString()).isEqualTo(200);
        assertThat(executionTime(row().orElseThrow())).isEqualTo(runAt);
        assertThat(version(row().orElseThrow())).isEqualTo(version + 1);

        RawHttp.Response deleted = http.send("POST", delete(), null, ADMIN_BEARER);

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(row()).isEmpty();
    }

    @Test
    void basicCredentialsAreRefusedOutsideTheTaskView() {
        long users = users();
        for (String path :
                List.of(
                        "/user?limit=1",
                        "/DB-SCHEDULER-API/tasks/all",
                        "/db-scheduler-apix/tasks/all",
                        "/db-schedulerx",
                        "/actuator/metrics")) {
            RawHttp.Response refused = http.send("GET", path, null, ADMIN);
            assertThat(refused.status()).as(path).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate"))
                    .as(path)
                    .isEqualTo("Bearer realm=\"cakeday\", error=\"invalid_token\"");
        }
        RawHttp.Response create =
                http.send(
                        "POST",
                        "/user",
                        Api.json(
                                Map.of(
                                        "firstName", "Mallory",
                                        "lastName", "Basic",
                                        "email", "basic-" + UUID.randomUUID() + "@example.com",
                                        "birthday", "1990-01-01",
                                        "timezone", "UTC")),
                        with(ADMIN, "Content-Type", "application/json", "Origin", origin()));
        assertThat(create.status()).isEqualTo(401);
        assertThat(users()).isEqualTo(users);
        // The firewall refuses the ambiguous spellings before any of this.
        Map<String, Object> before = row().orElseThrow();
        for (String path :
                List.of(
                        "/db-scheduler/../user",
                        "/db-scheduler/%2e%2e/user",
                        "/db-scheduler-api;x/tasks/all",
                        "/db-scheduler-api/tasks/delete;x?id=" + greeting + "&name=greeting",
                        "//db-scheduler-api/tasks/all")) {
            for (String method : List.of("GET", "POST")) {
                assertThat(http.send(method, path, null, with(ADMIN, sameOrigin())).status())
                        .as(method + " " + path)
                        .isEqualTo(400);
            }
        }
        assertThat(row()).contains(before);
    }

    @Test
    void thePageAndItsAssetsAreServedToTheirCredentials() {
        RawHttp.Response page = http.send("GET", "/db-scheduler", null, ADMIN);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<script");
        assertThat(http.send("GET", "/db-scheduler/js/context-path.js", null, READER).status())
                .isEqualTo(200);
        Matcher asset = Pattern.compile("/db-scheduler/assets/[^\"']+").matcher(page.body());
        List<String> assets = new ArrayList<>();
        while (asset.find()) {
            assets.add(asset.group());
        }
        assertThat(assets).isNotEmpty();
        for (String path : assets) {
            assertThat(http.send("GET", path, null, READER).status()).as(path).isEqualTo(200);
            assertThat(http.send("GET", path, null).status()).as(path).isEqualTo(401);
        }
        // The view's API belongs to its page, not to Cakeday's documented API.
        JsonNode documented =
                Api.readTree(http.send("GET", "/v3/api-docs", null).body()).get("paths");
        assertThat(documented.propertyNames()).noneMatch(path -> path.startsWith("/db-scheduler"));
    }

    private String rerun(Instant at) {
        return "/db-scheduler-api/tasks/rerun?id=" + greeting + "&name=greeting&scheduleTime=" + at;
    }

    private String delete() {
        return "/db-scheduler-api/tasks/delete?id=" + greeting + "&name=greeting";
    }

    private String origin() {
        return "http://127.0.0.1:" + port;
    }

    private String[] sameOrigin() {
        return new String[] {"Origin", origin()};
    }

    /** The greeting's row in scheduled_tasks, if it has one. */
    private Optional<Map<String, Object>> row() {
        return jdbc
                .sql(
                        """
                SELECT execution_time, version, picked, picked_by, consecutive_failures
                FROM scheduled_tasks WHERE task_name = 'greeting' AND task_instance = :id""")
                .param("id", greeting)
                .query()
                .listOfRows()
                .stream()
                .findFirst();
    }

    private long users() {
        return jdbc.sql("SELECT count(*) FROM users").query(Long.class).single();
    }

    private static Instant executionTime(Map<String, Object> row) {
        return ((Timestamp) row.get("execution_time")).toInstant();
    }

    private static long version(Map<String, Object> row) {
        return ((Number) row.get("version")).longValue();
    }

    private static JsonNode group(JsonNode page, String taskName) {
        for (JsonNode item : page.get("items")) {
            if (item.get("taskName").asString().equals(taskName)) {
                return item;
            }
        }
        throw new AssertionError("no " + taskName + " rows listed: " + page);
    }

    private static String[] basic(String user, String password) {
        return new String[] {
            "Authorization",
            "Basic "
                    + Base64.getEncoder()
                            .encodeToString(
                                    (user + ":" + password).getBytes(StandardCharsets.UTF_8))
        };
    }
}
