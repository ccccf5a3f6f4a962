package dev.cakeday.mail.sendgrid;

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
 * The SendGrid channel against a real local HTTP server: the request it sends and how it reads each
 * documented answer (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send,
 * https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/rate-limits).
 */
class SendGridChannelTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
    static final String KEY = "SG.test-key.0123456789abcdef";
    static final String HTML = "<p>Hey, <b>Zoë Ñúñez</b> 🎂</p>";

    MockWebServer server;
    SendGridChannel channel;

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

    SendGridChannel channel(String apiKey, String from, String fromName) {
        return new SendGridChannel(
                TestMail.settings(MailProperties.Provider.SENDGRID, from, fromName),
                new SendGridProperties(apiKey, server.url("/").toString()),
                JSON,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static MockResponse error(int status, String field, String message) {
        return new MockResponse.Builder()
                .code(status)
                .addHeader("Content-Type", "application/json")
                .body(
                        "{\"errors\":[{\"message\":\"%s\",\"field\":%s,\"help\":null}]}"
                                .formatted(message, field == null ? "null" : "\"" + field + "\""))
                .build();
    }

    ProviderResult send() {
        return channel.send(greeting("u:BIRTHDAY:2026-12-02", "ada@example.com", "Hey, Ada"));
    }

    @Test
    void postsTheV3MailWithTheKeyAsBearerAndReadsTheMessageIdHeader() throws Exception {
        server.enqueue(
                new MockResponse.Builder()
                        .code(202)
                        .addHeader("X-Message-Id", "W86EgYT6SQKk0lRflfLRsA")
                        .build());

        assertThat(send()).isEqualTo(new ProviderResult.Delivered("W86EgYT6SQKk0lRflfLRsA"));

        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/v3/mail/send");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(request.getHeaders().get("Idempotency-Key")).isNull();
        JsonNode body = JSON.readTree(request.getBody().utf8());
        assertThat(body)
                .isEqualTo(
                        JSON.readTree(
                                """
                                {"personalizations": [{"to": [{"email": "ada@example.com",
                                                               "name": "Ada Lovelace"}]}],
                                 "from": {"email": "greetings@example.com", "name": "Cakeday"},
                                 "subject": "Happy birthday, Ada!",
                                 "content": [{"type": "text/plain", "value": "Hey, Ada"}]}
                                """));
    }

    @Test
    void anHtmlVersionIsTheSecondContentAfterTheText() throws Exception {
        server.enqueue(new MockResponse.Builder().code(202).build());

        channel.send(withHtml(greeting("k", "zoe@example.com", "Hola Zoë Ñúñez 🎂"), HTML));

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("content"))
                .isEqualTo(
                        JSON.readTree(
                                """
                                [{"type": "text/plain", "value": "Hola Zoë Ñúñez 🎂"},
                                 {"type": "text/html", "value": "<p>Hey, <b>Zoë Ñúñez</b> 🎂</p>"}]
                                """));
        assertThat(body.has("headers")).isFalse();
    }

    @Test
    void anUnsubscribeLinkIsSentAsTheOneClickHeaders() throws Exception {
        server.enqueue(new MockResponse.Builder().code(202).build());

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
        assertThat(body.get("content"))
                .isEqualTo(JSON.readTree("[{\"type\": \"text/plain\", \"value\": \"Hey, Ada\"}]"));
    }

    @Test
    void aSenderWithoutANameLeavesTheNameOut() throws Exception {
        channel = channel(KEY, "greetings@example.com", null);
        server.enqueue(new MockResponse.Builder().code(202).build());

        assertThat(send()).isEqualTo(new ProviderResult.Delivered(null));

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("from"))
                .isEqualTo(JSON.readTree("{\"email\": \"greetings@example.com\"}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "400, Rejected",
        "413, Rejected",
        "401, Misconfigured",
        "403, Misconfigured",
        "404, Misconfigured",
        "405, Misconfigured",
        "429, Unavailable",
        "500, Unavailable",
        "503, Unavailable",
    })
    void eachDocumentedStatusIsClassified(int status, String outcome) {
        server.enqueue(error(status, "personalizations.0.to.0.email", "what SendGrid said"));

        assertThat(send())
                .isEqualTo(
                        TestMail.outcome(
                                outcome,
                                status,
                                "HTTP "
                                        + status
                                        + ": personalizations.0.to.0.email: what SendGrid said"));
    }

    @Test
    void anUnverifiedSenderIdentityIsMisconfigured() {
        server.enqueue(
                error(
                        403,
                        "from",
                        "The from address does not match a verified Sender Identity. Mail cannot"
                                + " be sent until this error is resolved."));

        assertThat(send())
                .isInstanceOfSatisfying(
                        ProviderResult.Misconfigured.class,
                        misconfigured ->
                                assertThat(misconfigured.reason())
                                        .startsWith(
                                                "HTTP 403: from: The from address does not match"));
    }

    @Test
    void anErrorWithoutAFieldIsReportedByItsMessage() {
        server.enqueue(error(401, null, "The provided authorization grant is invalid."));

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Misconfigured(
                                401, "HTTP 401: The provided authorization grant is invalid."));
    }

    @Test
    void aRateLimitWaitsUntilTheResetSendGridGives() {
        server.enqueue(
                error(429, null, "too many requests")
                        .newBuilder()
                        .addHeader("X-RateLimit-Limit", "150")
                        .addHeader("X-RateLimit-Remaining", "0")
                        .addHeader("X-RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 75))
                        .build());
        server.enqueue(
                error(429, null, "too many requests")
                        .newBuilder()
                        .addHeader("X-RateLimit-Reset", String.valueOf(NOW.getEpochSecond() - 5))
                        .build());
        server.enqueue(
                error(429, null, "too many requests")
                        .newBuilder()
                        .addHeader("Retry-After", "20")
                        .build());

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Unavailable(
                                "HTTP 429: too many requests", Duration.ofSeconds(75)));
        assertThat(((ProviderResult.Unavailable) send()).retryAfter()).isEqualTo(Duration.ZERO);
        assertThat(((ProviderResult.Unavailable) send()).retryAfter())
                .isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void anAnswerThatIsNotSendGridsErrorListIsReportedWhole() {
        server.enqueue(
                new MockResponse.Builder().code(502).body("<html>Bad gateway</html>").build());

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Unavailable("HTTP 502: <html>Bad gateway</html>", null));
    }

    @Test
    void theKeyNeverAppearsInAReasonEvenWhenSendGridRepeatsIt() {
        server.enqueue(error(401, null, "The key " + KEY + " is invalid, expired, or revoked."));

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Misconfigured(
                                401,
                                "HTTP 401: The key (hidden) is invalid, expired, or revoked."));
    }

    @Test
    void aDroppedConnectionIsTemporaryWithItsOutcomeUnknownAndIsNotResentAtOnce() {
        server.enqueue(
                new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(new MockResponse.Builder().code(202).build());

        assertThat(send())
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable ->
                                assertThat(unavailable.outcomeUnknown())
                                        .as("SendGrid read the request and may have sent it")
                                        .isTrue());
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void aMissingKeyStopsTheStartNamingTheProperty(String apiKey) {
        assertThatThrownBy(() -> channel(apiKey, "greetings@example.com", null))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> assertThat(e.property()).isEqualTo("cakeday.mail.sendgrid.api-key"));
        assertThatThrownBy(() -> channel(null, "greetings@example.com", null))
                .isInstanceOf(ChannelSettingException.class)
                .hasMessageStartingWith("cakeday.mail.sendgrid.api-key is required");
    }

    @Test
    void aMissingSenderStopsTheStartNamingThePropertyAndNotTheKey() {
        assertThatThrownBy(() -> channel(KEY, null, "Cakeday"))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> {
                            assertThat(e.property()).isEqualTo("cakeday.mail.from");
                            assertThat(e.getMessage()).doesNotContain(KEY);
                        });
    }
}
