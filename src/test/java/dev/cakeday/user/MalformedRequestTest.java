package dev.cakeday.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Every kind of bad input gets a 4xx problem+json and changes nothing in the database. */
class MalformedRequestTest extends IntegrationTest {

    private static final String EXISTING = "{existing}";

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    Api api;
    String existingId;
    String existingRow;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        existingId = api.postJson("/user", Api.json(valid())).json().get("id").asString();
        existingRow = snapshot(existingId);
    }

    record Case(
            String method,
            String path,
            String contentType,
            String body,
            int status,
            String field) {}

    static Map<String, Object> valid() {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("firstName", "Ada");
        user.put("lastName", "Lovelace");
        user.put("email", "m" + UUID.randomUUID().toString().substring(0, 12) + "@example.com");
        user.put("birthday", "1990-12-10");
        user.put("timezone", "Europe/London");
        return user;
    }

    static String with(Consumer<Map<String, Object>> change) {
        Map<String, Object> user = valid();
        change.accept(user);
        return Api.json(user);
    }

    static Arguments post(String name, String body, String field) {
        return Arguments.of(name, new Case("POST", "/user", "application/json", body, 400, field));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                post("malformed JSON", "{\"firstName\": \"Ada\",", null),
                post("not JSON at all", "hello", null),
                post("empty body", "", null),
                post("JSON array instead of object", "[]", null),
                post("JSON string instead of object", "\"Ada\"", null),
                post("JSON null", "null", null),
                post("unknown field", with(u -> u.put("nickname", "A")), null),
                post(
                        "duplicate key",
                        "{\"firstName\":\"Ada\",\"firstName\":\"Bob\",\"lastName\":\"L\","
                                + "\"email\":\"d@example.com\",\"birthday\":\"1990-01-01\",\"timezone\":\"UTC\"}",
                        null),
                post("trailing garbage", with(u -> {}) + " {}", null),
                post("firstName is a number", with(u -> u.put("firstName", 42)), null),
                post(
                        "firstName is an array",
                        with(u -> u.put("firstName", new String[] {"Ada"})),
                        null),
                post("email is a boolean", with(u -> u.put("email", true)), null),
                post("birthday is a number", with(u -> u.put("birthday", 19901210)), null),
                post(
                        "timezone is an object",
                        with(u -> u.put("timezone", Map.of("id", "UTC"))),
                        null),
                post("missing firstName", with(u -> u.remove("firstName")), "firstName"),
                post("missing lastName", with(u -> u.remove("lastName")), "lastName"),
                post("missing email", with(u -> u.remove("email")), "email"),
                post("missing birthday", with(u -> u.remove("birthday")), "birthday"),
                post("missing timezone", with(u -> u.remove("timezone")), "timezone"),
                post("null lastName", with(u -> u.put("lastName", null)), "lastName"),
                post("blank firstName", with(u -> u.put("firstName", "   ")), "firstName"),
                post(
                        "firstName of 101 characters",
                        with(u -> u.put("firstName", "A".repeat(101))),
                        "firstName"),
                post("firstName with a digit", with(u -> u.put("firstName", "Ada1")), "firstName"),
                post(
                        "firstName with a control character",
                        with(u -> u.put("firstName", "Ada\u0007")),
                        "firstName"),
                post(
                        "lastName with a line break",
                        with(u -> u.put("lastName", "Love\nlace")),
                        "lastName"),
                post("lastName with markup", with(u -> u.put("lastName", "<script>")), "lastName"),
                post("email without @", with(u -> u.put("email", "ada.example.com")), "email"),
                post(
                        "email with a space",
                        with(u -> u.put("email", "ada lovelace@example.com")),
                        "email"),
                post(
                        "email without a domain dot",
                        with(u -> u.put("email", "ada@localhost")),
                        "email"),
                post(
                        "email of 255 characters",
                        with(
                                u ->
                                        u.put(
                                                "email",
                                                "a".repeat(61)
                                                        + "@"
                                                        + "b".repeat(63)
                                                        + "."
                                                        + "c".repeat(63)
                                                        + "."
                                                        + "d".repeat(61)
                                                        + ".com")),
                        "email"),
                post(
                        "birthday in day/month/year form",
                        with(u -> u.put("birthday", "10/12/1990")),
                        "birthday"),
                post(
                        "birthday without zero padding",
                        with(u -> u.put("birthday", "1990-1-5")),
                        "birthday"),
                post(
                        "birthday that does not exist",
                        with(u -> u.put("birthday", "2021-02-29")),
                        "birthday"),
                post(
                        "birthday with a time",
                        with(u -> u.put("birthday", "1990-12-10T00:00:00Z")),
                        "birthday"),
                post(
                        "birthday in the future",
                        with(u -> u.put("birthday", "2999-01-01")),
                        "birthday"),
                post(
                        "birthday before 1900",
                        with(u -> u.put("birthday", "1899-12-31")),
                        "birthday"),
                post(
                        "timezone as a fixed offset",
                        with(u -> u.put("timezone", "+05:00")),
                        "timezone"),
                post(
                        "timezone as UTC offset",
                        with(u -> u.put("timezone", "UTC+05:00")),
                        "timezone"),
                post(
                        "timezone that does not exist",
                        with(u -> u.put("timezone", "Mars/Olympus_Mons")),
                        "timezone"),
                post(
                        "timezone in the wrong case",
                        with(u -> u.put("timezone", "europe/london")),
                        "timezone"),
                post(
                        "anniversary in the future",
                        with(u -> u.put("anniversary", "2999-06-01")),
                        "anniversary"),
                post(
                        "anniversary not a date",
                        with(u -> u.put("anniversary", "soon")),
                        "anniversary"),
                Arguments.of(
                        "text/plain content type",
                        new Case("POST", "/user", "text/plain", with(u -> {}), 415, null)),
                Arguments.of(
                        "no content type",
                        new Case("POST", "/user", null, with(u -> {}), 415, null)),
                Arguments.of(
                        "form content type",
                        new Case(
                                "POST",
                                "/user",
                                "application/x-www-form-urlencoded",
                                "firstName=Ada",
                                415,
                                null)),
                Arguments.of(
                        "body over 64 KiB",
                        new Case(
                                "POST",
                                "/user",
                                "application/json",
                                with(u -> u.put("firstName", "A".repeat(70_000))),
                                413,
                                null)),
                Arguments.of(
                        "PUT malformed JSON",
                        new Case("PUT", "/user/" + EXISTING, "application/json", "{", 400, null)),
                Arguments.of(
                        "PUT missing field",
                        new Case(
                                "PUT",
                                "/user/" + EXISTING,
                                "application/json",
                                with(u -> u.remove("email")),
                                400,
                                "email")),
                Arguments.of(
                        "PUT future birthday",
                        new Case(
                                "PUT",
                                "/user/" + EXISTING,
                                "application/json",
                                with(u -> u.put("birthday", "2999-01-01")),
                                400,
                                "birthday")),
                Arguments.of(
                        "PUT wrong content type",
                        new Case(
                                "PUT",
                                "/user/" + EXISTING,
                                "text/plain",
                                with(u -> {}),
                                415,
                                null)),
                Arguments.of(
                        "GET non-UUID id",
                        new Case("GET", "/user/not-a-uuid", null, null, 400, null)),
                Arguments.of(
                        "PUT non-UUID id",
                        new Case("PUT", "/user/123", "application/json", with(u -> {}), 400, null)),
                Arguments.of(
                        "DELETE non-UUID id",
                        new Case("DELETE", "/user/123", null, null, 400, null)),
                Arguments.of(
                        "page limit 0", new Case("GET", "/user?limit=0", null, null, 400, null)),
                Arguments.of(
                        "page limit 501",
                        new Case("GET", "/user?limit=501", null, null, 400, null)),
                Arguments.of(
                        "page limit not a number",
                        new Case("GET", "/user?limit=ten", null, null, 400, null)),
                Arguments.of(
                        "page cursor not a UUID",
                        new Case("GET", "/user?after=xyz", null, null, 400, null)),
                Arguments.of(
                        "PATCH is not supported",
                        new Case(
                                "PATCH", "/user/" + EXISTING, "application/json", "{}", 405, null)),
                Arguments.of("unknown path", new Case("GET", "/users", null, null, 404, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestGetsProblemAndChangesNothing(String name, Case c) {
        long before = count();

        Api.Response response =
                api.send(
                        c.method(),
                        c.path().replace(EXISTING, existingId),
                        c.contentType(),
                        c.body());

        assertProblem(response, c.status());
        if (c.field() != null) {
            JsonNode errors = response.json().get("errors");
            assertThat(errors).as("errors of %s", response.body()).isNotNull();
            assertThat(errors.findValuesAsString("field")).contains(c.field());
            assertThat(response.json().get("detail").asString()).contains(c.field());
        }
        assertThat(count()).isEqualTo(before);
        assertThat(snapshot(existingId)).isEqualTo(existingRow);
    }

    @Test
    void chunkedBodyOver64KiBIsRefusedWithoutReadingItAll() {
        long before = count();
        byte[] body =
                with(u -> u.put("lastName", "B".repeat(200_000))).getBytes(StandardCharsets.UTF_8);

        Api.Response response =
                api.send(
                        HttpRequest.newBuilder(api.uri("/user"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofInputStream(
                                                () -> new ByteArrayInputStream(body))));

        assertProblem(response, 413);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void validationListsEveryFailingField() {
        String body =
                "{\"firstName\":\"\",\"lastName\":\"L4\",\"email\":\"x\",\"birthday\":\"x\",\"timezone\":\"x\"}";

        Api.Response response = api.postJson("/user", body);

        assertProblem(response, 400);
        assertThat(response.json().get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder(
                        "firstName", "lastName", "email", "birthday", "timezone");
        assertThat(response.json().get("errors").findValuesAsString("message"))
                .allSatisfy(m -> assertThat(m).isNotBlank());
    }

    @Test
    void unknownFieldIsNamed() {
        Api.Response response = api.postJson("/user", with(u -> u.put("nickname", "A")));
        assertThat(response.json().get("detail").asString()).contains("nickname");
    }

    @Test
    void wrongTypeNamesTheField() {
        Api.Response response = api.postJson("/user", with(u -> u.put("firstName", 42)));
        assertThat(response.json().get("detail").asString())
                .contains("firstName")
                .contains("string");
    }

    private static void assertProblem(Api.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType())
                .as(response.body())
                .startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type")).as(response.body()).isNotNull();
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    private long count() {
        return jdbc.sql("SELECT count(*) FROM users").query(Long.class).single();
    }

    private String snapshot(String id) {
        return jdbc.sql("SELECT row_to_json(u)::text FROM users u WHERE id = ?::uuid")
                .param(id)
                .query(String.class)
                .single();
    }
}
