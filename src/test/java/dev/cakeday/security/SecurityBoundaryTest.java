package dev.cakeday.security;

import static dev.cakeday.support.RawHttp.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import dev.cakeday.support.RawHttp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The security boundary tried from outside, with the requests an attacker would send: every
 * spelling of a protected path, every method, a reader's writes, method-override headers. Each must
 * be refused (400 from the firewall, 401 or 403) as problem+json, and leave the data as it was.
 * This context runs without a scheduler: the shared one already polls the same database.
 */
@TestPropertySource(
        properties = {
            "cakeday.api.token=legacy-admin-token",
            "cakeday.api.tokens[0].name=ops-reader",
            "cakeday.api.tokens[0].token=reader-token-1",
            "cakeday.api.tokens[0].role=reader",
            "cakeday.api.tokens[1].name=deploy-2026-12",
            "cakeday.api.tokens[1].token=admin-token-2",
            "cakeday.api.tokens[1].role=admin",
            "cakeday.api.public-metrics=false",
            "db-scheduler.enabled=false",
            "management.endpoint.health.validate-group-membership=false"
        })
@ExtendWith(OutputCaptureExtension.class)
class SecurityBoundaryTest extends IntegrationTest {

    static final String[] ADMIN = {"Authorization", "Bearer admin-token-2"};
    static final String[] LEGACY_ADMIN = {"Authorization", "Bearer legacy-admin-token"};
    static final String[] READER = {"Authorization", "Bearer reader-token-1"};

    static final List<String> METHODS =
            List.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH");

    /** Spellings of protected paths; {id} is an existing user's id. */
    static final List<String> PROTECTED =
            List.of(
                    "/user",
                    "/user?limit=1",
                    "/user/{id}",
                    "/user/{id}/greetings",
                    "/user/import",
                    "/%75ser?limit=1",
                    "/%75%73%65%72",
                    "/user/%7Bid%7D",
                    "/USER",
                    "/user/",
                    "/user/{id}/",
                    "/user;x?limit=1",
                    "/user;x/{id}",
                    "/user;x/import",
                    "/user/{id};x",
                    "/user/import;jsessionid=1",
                    "/user%2F{id}",
                    "/user%2f{id}",
                    "/user%3Bx",
                    "/user%3bx/{id}",
                    "/user%5C{id}",
                    "/user%zz",
                    "/greetings",
                    "/greetings/upcoming",
                    "/greetings/retry?status=FAILED&from=2026-01-01&to=2026-01-01",
                    "/access",
                    "/console/../greetings/status",
                    "/console/%2e%2e/user",
                    "/console/..;/user",
                    "/webjars/..;/user",
                    "/webjars/uplot/../../user",
                    "//console/../user",
                    "/webjars/swagger-ui/5.32.2/index.html",
                    "/user%",
                    "/./user",
                    "/x/../user",
                    "/user/./{id}",
                    "/user/x/../{id}",
                    "/%2e/user",
                    "/user/%2e%2e/user/{id}",
                    "//user",
                    "/user//{id}",
                    "///user?limit=1",
                    "/actuator",
                    "/actuator/env",
                    "/actuator/beans",
                    "/actuator/prometheus",
                    "/actuator/metrics",
                    "/actuator/health/../env",
                    "/actuator/health/..;/env",
                    "/actuator;x/prometheus",
                    "/error/../user",
                    "/swagger-ui/../user",
                    "/v3/api-docs/../../user",
                    "/nothing-here",
                    "/unsubscribe",
                    "/unsubscribe/x/y",
                    "/unsubscribe/x/../../user",
                    "/unsubscribe/..;/user");

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    RawHttp http;
    String userId;
    String email;

    @BeforeEach
    void plantAUser() {
        http = new RawHttp(port);
        email = "planted-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        RawHttp.Response created =
                http.send(
                        "POST",
                        "/user",
                        userJson(email),
                        with(ADMIN, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        userId = Api.readTree(created.body()).get("id").asString();
    }

    @Test
    void everySpellingOfAProtectedPathIsRefusedWithoutATokenAndChangesNothing() {
        Map<String, Object> before = snapshot();
        List<String> answered = new ArrayList<>();
        for (String path : PROTECTED) {
            String target = path.replace("{id}", userId);
            for (String method : METHODS) {
                String body =
                        method.equals("POST") || method.equals("PUT") || method.equals("PATCH")
                                ? userJson(
                                        "intruder-"
                                                + UUID.randomUUID().toString().substring(0, 8)
                                                + "@example.com")
                                : null;
                RawHttp.Response response =
                        http.send(method, target, body, "Content-Type", "application/json");
                String what = method + " " + target + " -> " + response;
                if (response.status() != 400 && response.status() != 401) {
                    answered.add(what);
                    continue;
                }
                assertThat(response.body()).as(what).doesNotContain(email);
                if (!method.equals("HEAD")) {
                    assertThat(response.header("Content-Type"))
                            .as(what)
                            .startsWith("application/problem+json");
                }
                if (response.status() == 401) {
                    assertThat(response.header("WWW-Authenticate")).as(what).startsWith("Bearer");
                }
            }
        }
        assertThat(answered)
                .as("requests answered other than 400 or 401 without a token")
                .isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aReaderReadsButEveryWriteIsForbidden() {
        assertThat(http.send("GET", "/user/" + userId, null, READER).status()).isEqualTo(200);
        assertThat(http.send("HEAD", "/user?limit=1", null, READER).status()).isEqualTo(200);
        assertThat(http.send("GET", "/%75ser/" + userId, null, READER).body()).contains(email);
        Map<String, Object> before = snapshot();

        List<RawHttp.Response> writes =
                List.of(
                        http.send(
                                "POST",
                                "/user",
                                userJson("reader-" + UUID.randomUUID() + "@example.com"),
                                with(READER, "Content-Type", "application/json")),
                        http.send(
                                "PUT",
                                "/user/" + userId,
                                userJson("changed@example.com"),
                                with(READER, "Content-Type", "application/json")),
                        http.send("DELETE", "/user/" + userId, null, READER),
                        http.send("DELETE", "/%75ser/" + userId, null, READER),
                        http.send(
                                "PATCH",
                                "/user/" + userId,
                                "{}",
                                with(READER, "Content-Type", "application/json")),
                        http.send(
                                "POST",
                                "/user/import",
                                "firstName,lastName,email,birthday,timezone\n",
                                with(READER, "Content-Type", "text/csv")));
        for (RawHttp.Response write : writes) {
            assertThat(write.status()).as(write.toString()).isEqualTo(403);
            assertThat(write.header("Content-Type")).startsWith("application/problem+json");
            assertThat(write.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
            assertThat(Api.readTree(write.body()).get("type").asString())
                    .isEqualTo("urn:cakeday:problem:forbidden");
        }
        assertThat(http.send("DELETE", "/user;x/" + userId, null, READER).status()).isEqualTo(400);
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"})
    void methodOverrideHeadersChangeNothing(String header) {
        Map<String, Object> before = snapshot();
        assertThat(
                        http.send("GET", "/user/" + userId, null, with(READER, header, "DELETE"))
                                .status())
                .isEqualTo(200);
        assertThat(
                        http.send("GET", "/user/" + userId, null, with(ADMIN, header, "DELETE"))
                                .status())
                .isEqualTo(200);
        assertThat(
                        http.send(
                                        "POST",
                                        "/user/" + userId + "?_method=DELETE",
                                        null,
                                        with(READER, header, "DELETE"))
                                .status())
                .isEqualTo(403);
        assertThat(http.send("GET", "/user/" + userId + "?_method=DELETE", null, READER).status())
                .isEqualTo(200);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void severalTokensAreValidAtOnceAndWrongOnesAreRefused(CapturedOutput output) {
        for (String[] admin : List.of(ADMIN, LEGACY_ADMIN)) {
            RawHttp.Response created =
                    http.send(
                            "POST",
                            "/user",
                            userJson(
                                    "rotated-"
                                            + UUID.randomUUID().toString().substring(0, 8)
                                            + "@example.com"),
                            with(admin, "Content-Type", "application/json"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        for (String authorization :
                List.of(
                        "Bearer admin-token-",
                        "Bearer ADMIN-TOKEN-2",
                        "Bearer admin-token-22",
                        "Bearer reader-token-1x",
                        "Bearer ",
                        "Basic YWRtaW46YWRtaW4tdG9rZW4tMg==",
                        "admin-token-2",
                        "Bearer legacy-admin-token admin-token-2")) {
            RawHttp.Response refused =
                    http.send("GET", "/user?limit=1", null, "Authorization", authorization);
            assertThat(refused.status()).as(authorization).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
            assertThat(Api.readTree(refused.body()).get("type").asString())
                    .isEqualTo("urn:cakeday:problem:unauthorized");
            assertThat(refused.body()).doesNotContain("token-");
        }
        assertThat(output.getAll())
                .doesNotContain("admin-token-2", "reader-token-1", "legacy-admin-token");
    }

    @Test
    void onlyTheAllowListAnswersWithoutAToken() {
        assertThat(http.send("GET", "/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(http.send("GET", "/actuator/health", null).status()).isIn(200, 503);
        assertThat(http.send("GET", "/actuator/info", null).status()).isEqualTo(200);
        assertThat(http.send("GET", "/v3/api-docs", null).status()).isEqualTo(200);
        assertThat(http.send("GET", "/swagger-ui/index.html", null).status()).isEqualTo(200);
        // cakeday.api.public-metrics=false here: metrics need a token, a reader's is enough.
        assertThat(http.send("GET", "/actuator/prometheus", null).status()).isEqualTo(401);
        assertThat(http.send("GET", "/actuator/prometheus", null, READER).status()).isEqualTo(200);
        // An unsubscribe link is its own authority (its HMAC): no token, and any token, gets the
        // page.
        RawHttp.Response unsubscribe =
                http.send("POST", "/unsubscribe/forged.token", null, "Authorization", "Bearer x");
        assertThat(unsubscribe.status()).isEqualTo(200);
        assertThat(unsubscribe.header("Content-Type")).startsWith("text/html");
        assertThat(http.send("GET", "/unsubscribe/forged.token", null).status()).isEqualTo(200);
        // Not exposed at all: found by nobody, token or not.
        assertThat(http.send("GET", "/actuator/env", null, ADMIN).status()).isEqualTo(404);
        // An open path answers whatever a probe or a proxy sends along; a protected one does not.
        for (String authorization : List.of("Bearer revoked-token", "Basic cHJvYmU6cHJvYmU=")) {
            assertThat(
                            http.send(
                                            "GET",
                                            "/actuator/health/liveness",
                                            null,
                                            "Authorization",
                                            authorization)
                                    .status())
                    .isEqualTo(200);
            assertThat(
                            http.send(
                                            "GET",
                                            "/actuator/prometheus",
                                            null,
                                            "Authorization",
                                            authorization)
                                    .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void operatorsReadWithAnyTokenRetryOnlyAsAdminAndTheLogNamesTheToken() {
        LocalDate date = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC).plusDays(2);
        String body =
                Api.json(
                        Map.of(
                                "firstName", "Grace",
                                "lastName", "Hopper",
                                "email", "op-" + UUID.randomUUID() + "@example.com",
                                "birthday", date.withYear(1990).toString(),
                                "timezone", "UTC"));
        String user =
                Api.readTree(
                                http.send(
                                                "POST",
                                                "/user",
                                                body,
                                                with(ADMIN, "Content-Type", "application/json"))
                                        .body())
                        .get("id")
                        .asString();
        String id = user + ":BIRTHDAY:" + date;
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_instance = ?").param(id).update();
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, last_error,
                                       created_at, updated_at)
                VALUES (:id, CAST(:user AS uuid), 'BIRTHDAY', :date, :due, 'FAILED', 1, 'refused', now(), now())""")
                .param("id", id)
                .param("user", user)
                .param("date", date)
                .param("due", date.atTime(9, 0).atOffset(ZoneOffset.UTC))
                .update();
        String retry = "/greetings/" + id + "/retry";

        for (String read :
                List.of(
                        "/greetings?status=FAILED",
                        "/greetings/upcoming",
                        "/greetings/summary",
                        "/greetings/status")) {
            assertThat(http.send("GET", read, null).status()).as(read).isEqualTo(401);
            assertThat(http.send("GET", read, null, READER).status()).as(read).isEqualTo(200);
        }
        assertThat(http.send("POST", retry, null).status()).isEqualTo(401);
        assertThat(http.send("POST", retry, null, READER).status()).isEqualTo(403);
        assertThat(
                        http.send(
                                        "POST",
                                        "/greetings/retry?status=FAILED&from="
                                                + date
                                                + "&to="
                                                + date,
                                        null,
                                        READER)
                                .status())
                .isEqualTo(403);
        assertThat(status(id)).isEqualTo("FAILED");
        assertThat(
                        jdbc.sql("SELECT count(*) FROM greeting_retries WHERE greeting_id = ?")
                                .param(id)
                                .query(Long.class)
                                .single())
                .isZero();

        RawHttp.Response retried = http.send("POST", retry, null, ADMIN);

        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        assertThat(Api.readTree(retried.body()).get("retriedBy").asString())
                .isEqualTo("deploy-2026-12");
        assertThat(
                        jdbc.sql("SELECT asked_by FROM greeting_retries WHERE greeting_id = ?")
                                .param(id)
                                .query(String.class)
                                .single())
                .isEqualTo("deploy-2026-12");
    }

    @Test
    void aTokenLearnsItsOwnNameAndRole() {
        assertThat(Api.readTree(http.send("GET", "/access", null, READER).body()).toString())
                .isEqualTo("{\"name\":\"ops-reader\",\"role\":\"READER\"}");
        assertThat(Api.readTree(http.send("GET", "/access", null, ADMIN).body()).toString())
                .isEqualTo("{\"name\":\"deploy-2026-12\",\"role\":\"ADMIN\"}");
    }

    @Test
    void anAdminsActionThatAPageOnAnotherSiteMadeTheBrowserSendIsRefused() {
        Map<String, Object> before = snapshot();
        List<String[]> elsewhere =
                List.of(
                        new String[] {"Origin", "https://evil.example"},
                        new String[] {"Sec-Fetch-Site", "cross-site"},
                        new String[] {"Sec-Fetch-Site", "same-site"},
                        new String[] {"Origin", "null"});
        for (String[] from : elsewhere) {
            RawHttp.Response deleted =
                    http.send("DELETE", "/user/" + userId, null, with(ADMIN, from));
            assertThat(deleted.status()).as(String.join(": ", from)).isEqualTo(403);
            assertThat(Api.readTree(deleted.body()).get("type").asString())
                    .isEqualTo("urn:cakeday:problem:cross-site");
        }
        assertThat(snapshot()).isEqualTo(before);
        assertThat(
                        http.send(
                                        "DELETE",
                                        "/user/" + userId,
                                        null,
                                        with(ADMIN, "Sec-Fetch-Site", "same-origin"))
                                .status())
                .isEqualTo(204);
    }

    private String status(String greetingId) {
        return jdbc.sql("SELECT status FROM greetings WHERE id = ?")
                .param(greetingId)
                .query(String.class)
                .single();
    }

    private Map<String, Object> snapshot() {
        return jdbc.sql(
                        """
                SELECT count(*) AS users, max(updated_at)::text AS last_change,
                       (SELECT first_name || ' ' || last_name || ' ' || email FROM users WHERE id = CAST(:id AS uuid)) AS planted,
                       (SELECT count(*) FROM users WHERE email LIKE 'intruder-%' OR email LIKE 'reader-%') AS intruders
                FROM users""")
                .param("id", userId)
                .query()
                .singleRow();
    }

    private static String userJson(String email) {
        return Api.json(
                Map.of(
                        "firstName",
                        "Ada",
                        "lastName",
                        "Lovelace",
                        "email",
                        email,
                        "birthday",
                        "1990-12-10",
                        "timezone",
                        "Europe/London"));
    }
}
