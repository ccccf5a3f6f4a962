package dev.cakeday.mail.resend;

import static dev.cakeday.mail.TestGreetings.UNSUBSCRIBE;
import static dev.cakeday.mail.TestGreetings.greeting;
import static dev.cakeday.mail.TestGreetings.withHtml;
import static dev.cakeday.mail.TestGreetings.withUnsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.mail.ChannelSettingException;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.ProviderResult;
import dev.cakeday.mail.TestMail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Resend channel against a real local HTTP server: the request it sends and how it reads each
 * documented answer (https://resend.com/docs/api-reference/errors,
 * https://resend.com/docs/dashboard/emails/idempotency-keys).
 */
class ResendChannelTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
    static final String KEY = "re_test_0123456789abcdef";
    static final String HTML = "<p>Hey, <b>Zoë Ñúñez</b> 🎂</p>";

    MockWebServer server;
    ResendChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        channel = channel(KEY, "greetings@example.com", "Cakeday");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ResendChannel channel(String apiKey, String from, String fromName) {
        return new ResendChannel(
                TestMail.settings(MailProperties.Provider.RESEND, from, fromName),
                new ResendProperties(apiKey, server.url("/").toString()),
                JSON,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static MockResponse error(int status, String name, String message) {
        return new MockResponse.Builder()
                .code(status)
                .addHeader("Content-Type", "application/json")
                .body(
                        "{\"statusCode\":%d,\"name\":\"%s\",\"message\":\"%s\"}"
                                .formatted(status, name, message))
                .build();
    }

    ProviderResult send() {
        return channel.send(greeting("u:BIRTHDAY:2026-12-02", "ada@example.com", "Hey, Ada"));
    }

    @Test
    void postsTheEmailWithTheKeyAsBearerAndTheGreetingIdAsIdempotencyKey() throws Exception {
        server.enqueue(
                new MockResponse.Builder()
                        .code(200)
                        .body("{\"id\":\"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794\"}")
                        .build());

        assertThat(send())
                .isEqualTo(new ProviderResult.Delivered("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"));

        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/emails");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.getHeaders().get("Idempotency-Key")).isEqualTo("u:BIRTHDAY:2026-12-02");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(request.getBody().utf8());
        assertThat(body.get("from").asString()).isEqualTo("Cakeday <greetings@example.com>");
        assertThat(body.get("to").isArray()).isTrue();
        assertThat(body.get("to").size()).isEqualTo(1);
        assertThat(body.get("to").get(0).asString()).isEqualTo("ada@example.com");
        assertThat(body.get("subject").asString()).isEqualTo("Happy birthday, Ada!");
        assertThat(body.get("text").asString()).isEqualTo("Hey, Ada");
        assertThat(body.has("html")).as("text only").isFalse();
        assertThat(body.has("headers")).as("no unsubscribe link").isFalse();
        assertThat(body.size()).isEqualTo(4);
    }

    @Test
    void anHtmlVersionIsSentBesideTheText() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"id\":\"m\"}").build());

        channel.send(withHtml(greeting("k", "zoe@example.com", "Hola Zoë Ñúñez 🎂"), HTML));

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("text").asString()).isEqualTo("Hola Zoë Ñúñez 🎂");
        assertThat(body.get("html").asString()).isEqualTo(HTML);
        assertThat(body.has("headers")).isFalse();
    }

    @Test
    void anUnsubscribeLinkIsSentAsTheOneClickHeaders() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"id\":\"m\"}").build());

        channel.send(withUnsubscribe(greeting("k", "ada@example.com", "Hey, Ada"), UNSUBSCRIBE));

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("headers"))
                .isEqualTo(
                        JSON.readTree(
                                """
                                {"List-Unsubscribe":
                                     "<https://cakeday.example/unsubscribe?user=42&token=c2lnbmVk>",
                                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
                                """));
        assertThat(body.has("html")).isFalse();
    }

    @Test
    void aSenderWithoutANameIsTheBareAddress() throws Exception {
        channel = channel(KEY, "greetings@example.com", null);
        server.enqueue(new MockResponse.Builder().code(200).body("{\"id\":\"m\"}").build());

        send();

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("from").asString()).isEqualTo("greetings@example.com");
    }

    /** Resend said it took the mail: a body it cut short must not cause a second send. */
    @Test
    void aSuccessWhoseBodyCannotBeReadIsStillDelivered() {
        server.enqueue(new MockResponse.Builder().code(200).body("not json {").build());
        server.enqueue(
                new MockResponse.Builder()
                        .code(200)
                        .body("{\"id\":\"cut-short-here\"}")
                        .onResponseBody(new SocketEffect.CloseSocket())
                        .build());

        assertThat(send()).isEqualTo(new ProviderResult.Delivered(null));
        assertThat(send()).isEqualTo(new ProviderResult.Delivered(null));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "401, missing_api_key, Misconfigured",
        "401, restricted_api_key, Misconfigured",
        "401, validation_error, Misconfigured",
        "403, invalid_api_key, Misconfigured",
        "403, validation_error, Misconfigured",
        "404, not_found, Misconfigured",
        "405, method_not_allowed, Misconfigured",
        "422, invalid_from_address, Misconfigured",
        "429, monthly_quota_exceeded, Misconfigured",
        "400, validation_error, Rejected",
        "400, invalid_idempotency_key, Rejected",
        "409, invalid_idempotent_request, Rejected",
        "422, invalid_parameter, Rejected",
        "422, missing_required_field, Rejected",
        "422, validation_error, Rejected",
        "451, security_error, Rejected",
        "409, concurrent_idempotent_requests, Unavailable",
        "429, rate_limit_exceeded, Unavailable",
        "429, daily_quota_exceeded, Unavailable",
        "500, application_error, Unavailable",
        "500, internal_server_error, Unavailable",
    })
    void eachDocumentedErrorIsClassifiedByItsName(int status, String name, String outcome) {
        server.enqueue(error(status, name, "what Resend said"));

        assertThat(send())
                .isEqualTo(
                        TestMail.outcome(
                                outcome,
                                status,
                                "HTTP " + status + ": " + name + ": what Resend said"));
    }

    @Test
    void theUnverifiedDomainAnswerIsMisconfigured() {
        server.enqueue(
                error(
                        403,
                        "validation_error",
                        "The example.com domain is not verified. Please, add and verify your"
                                + " domain on https://resend.com/domains"));

        assertThat(send())
                .isInstanceOfSatisfying(
                        ProviderResult.Misconfigured.class,
                        misconfigured ->
                                assertThat(misconfigured.reason())
                                        .startsWith(
                                                "HTTP 403: validation_error: The example.com"
                                                        + " domain is not verified"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate_limit_exceeded", "daily_quota_exceeded"})
    void aRateLimitOrDailyQuotaWaitsForTheRetryAfterGiven(String name) {
        server.enqueue(
                error(429, name, "Too many requests.")
                        .newBuilder()
                        .addHeader("retry-after", "30")
                        .build());

        assertThat(send())
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable ->
                                assertThat(unavailable.retryAfter())
                                        .isEqualTo(Duration.ofSeconds(30)));
    }

    @Test
    void anAnswerThatIsNotResendsErrorIsClassifiedByItsStatus() {
        server.enqueue(
                new MockResponse.Builder().code(502).body("<html>Bad gateway</html>").build());
        server.enqueue(new MockResponse.Builder().code(422).build());

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Unavailable("HTTP 502: <html>Bad gateway</html>", null));
        assertThat(send()).isEqualTo(new ProviderResult.Rejected(422, "HTTP 422"));
    }

    @Test
    void theKeyNeverAppearsInAReasonEvenWhenResendRepeatsIt() {
        server.enqueue(error(403, "invalid_api_key", "API key " + KEY + " is invalid."));

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Misconfigured(
                                403, "HTTP 403: invalid_api_key: API key (hidden) is invalid."));
    }

    @Test
    void aDroppedConnectionIsTemporary() {
        server.enqueue(
                new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

        assertThat(send()).isInstanceOf(ProviderResult.Unavailable.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void aMissingKeyStopsTheStartNamingTheProperty(String apiKey) {
        assertThatThrownBy(() -> channel(apiKey, "greetings@example.com", null))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> assertThat(e.property()).isEqualTo("cakeday.mail.resend.api-key"));
        assertThatThrownBy(() -> channel(null, "greetings@example.com", null))
                .isInstanceOf(ChannelSettingException.class)
                .hasMessageStartingWith("cakeday.mail.resend.api-key is required");
    }

    @Test
    void aMissingSenderStopsTheStartNamingThePropertyAndNotTheKey() {
        assertThatThrownBy(() -> channel(KEY, null, null))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> {
                            assertThat(e.property()).isEqualTo("cakeday.mail.from");
                            assertThat(e.getMessage()).doesNotContain(KEY);
                        });
    }
}
