package dev.cakeday.mail.postmark;

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
 * The Postmark channel against a real local HTTP server: the request it sends and how it reads each
 * documented answer (https://postmarkapp.com/developer/api/overview#response-codes,
 * https://postmarkapp.com/developer/api/overview#error-codes,
 * https://postmarkapp.com/developer/api/email-api).
 */
class PostmarkChannelTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
    static final String TOKEN = "9f2b7c1e-postmark-server-token";
    static final String HTML = "<p>Hey, <b>Zoë Ñúñez</b> 🎂</p>";

    MockWebServer server;
    PostmarkChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        channel = channel(TOKEN, "outbound", "greetings@example.com");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    PostmarkChannel channel(String serverToken, String messageStream, String from) {
        return new PostmarkChannel(
                TestMail.settings(MailProperties.Provider.POSTMARK, from, "Cakeday"),
                new PostmarkProperties(serverToken, messageStream, server.url("/").toString()),
                JSON,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static MockResponse error(int status, int errorCode, String message) {
        return new MockResponse.Builder()
                .code(status)
                .addHeader("Content-Type", "application/json")
                .body("{\"ErrorCode\":%d,\"Message\":\"%s\"}".formatted(errorCode, message))
                .build();
    }

    ProviderResult send() {
        return channel.send(greeting("u:BIRTHDAY:2026-12-02", "ada@example.com", "Hey, Ada"));
    }

    @Test
    void postsTheEmailOnTheMessageStreamWithTheServerToken() throws Exception {
        server.enqueue(
                new MockResponse.Builder()
                        .code(200)
                        .body(
                                "{\"To\":\"ada@example.com\","
                                        + "\"SubmittedAt\":\"2026-12-02T09:00:00.1-05:00\","
                                        + "\"MessageID\":\"0a129aee-e1cd-480d-b08d-4f48548ff48d\","
                                        + "\"ErrorCode\":0,\"Message\":\"OK\"}")
                        .build());

        assertThat(send())
                .isEqualTo(new ProviderResult.Delivered("0a129aee-e1cd-480d-b08d-4f48548ff48d"));

        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/email");
        assertThat(request.getHeaders().get("X-Postmark-Server-Token")).isEqualTo(TOKEN);
        assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(request.getHeaders().get("Idempotency-Key")).isNull();
        JsonNode body = JSON.readTree(request.getBody().utf8());
        assertThat(body.get("From").asString()).isEqualTo("Cakeday <greetings@example.com>");
        assertThat(body.get("To").asString()).isEqualTo("ada@example.com");
        assertThat(body.get("Subject").asString()).isEqualTo("Happy birthday, Ada!");
        assertThat(body.get("TextBody").asString()).isEqualTo("Hey, Ada");
        assertThat(body.get("MessageStream").asString()).isEqualTo("outbound");
        assertThat(body.has("HtmlBody")).as("text only").isFalse();
        assertThat(body.has("Headers")).as("no unsubscribe link").isFalse();
        assertThat(body.size()).isEqualTo(5);
    }

    @Test
    void anHtmlVersionIsSentAsTheHtmlBody() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"MessageID\":\"m\"}").build());

        channel.send(withHtml(greeting("k", "zoe@example.com", "Hola Zoë Ñúñez 🎂"), HTML));

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("TextBody").asString()).isEqualTo("Hola Zoë Ñúñez 🎂");
        assertThat(body.get("HtmlBody").asString()).isEqualTo(HTML);
        assertThat(body.has("Headers")).isFalse();
    }

    @Test
    void anUnsubscribeLinkIsSentAsTheOneClickHeaders() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"MessageID\":\"m\"}").build());

        channel.send(withUnsubscribe(greeting("k", "ada@example.com", "Hey, Ada"), UNSUBSCRIBE));

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("Headers"))
                .isEqualTo(
                        JSON.readTree(
                                """
                                [{"Name": "List-Unsubscribe",
                                  "Value":
                                      "<https://cakeday.example/unsubscribe?user=42&token=c2lnbmVk>"},
                                 {"Name": "List-Unsubscribe-Post",
                                  "Value": "List-Unsubscribe=One-Click"}]
                                """));
        assertThat(body.has("HtmlBody")).isFalse();
    }

    @Test
    void theConfiguredMessageStreamIsUsed() throws Exception {
        channel = channel(TOKEN, "birthdays", "greetings@example.com");
        server.enqueue(new MockResponse.Builder().code(200).body("{\"MessageID\":\"m\"}").build());

        send();

        JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
        assertThat(body.get("MessageStream").asString()).isEqualTo("birthdays");
    }

    /** Postmark said it took the mail: a body it cut short must not cause a second send. */
    @Test
    void aSuccessWhoseBodyCannotBeReadIsStillDelivered() {
        server.enqueue(new MockResponse.Builder().code(200).body("not json {").build());
        server.enqueue(
                new MockResponse.Builder()
                        .code(200)
                        .body("{\"MessageID\":\"cut-short-here\"}")
                        .onResponseBody(new SocketEffect.CloseSocket())
                        .build());

        assertThat(send()).isEqualTo(new ProviderResult.Delivered(null));
        assertThat(send()).isEqualTo(new ProviderResult.Delivered(null));
    }

    @ParameterizedTest(name = "HTTP {0} ErrorCode {1} -> {2}")
    @CsvSource({
        "401, 10, Misconfigured",
        "422, 10, Misconfigured",
        "422, 400, Misconfigured",
        "422, 401, Misconfigured",
        "422, 405, Misconfigured",
        "422, 412, Misconfigured",
        "422, 413, Misconfigured",
        "422, 1235, Misconfigured",
        "422, 300, Rejected",
        "422, 406, Rejected",
        "422, 402, Rejected",
        "422, 100, Unavailable",
        "500, 0, Unavailable",
    })
    void eachDocumentedErrorCodeIsClassified(int status, int errorCode, String outcome) {
        server.enqueue(error(status, errorCode, "what Postmark said"));

        assertThat(send())
                .isEqualTo(
                        TestMail.outcome(
                                outcome,
                                status,
                                "HTTP "
                                        + status
                                        + ": ErrorCode "
                                        + errorCode
                                        + ": what Postmark said"));
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
        "401, Misconfigured",
        "404, Misconfigured",
        "413, Rejected",
        "422, Rejected",
        "429, Unavailable",
        "500, Unavailable",
        "503, Unavailable",
    })
    void statusesWithoutAnErrorCodeAreClassifiedByTheStatus(int status, String outcome) {
        server.enqueue(new MockResponse.Builder().code(status).body("Service says no").build());

        assertThat(send())
                .isEqualTo(
                        TestMail.outcome(outcome, status, "HTTP " + status + ": Service says no"));
    }

    /** Postmark answers 300 also for a From address that is no confirmed sender signature. */
    @Test
    void anInvalidRequestAboutTheFromAddressIsOurSetupNotTheMail() {
        String said =
                "Invalid 'From' address: 'greetings@example.com' is not a verified sender"
                        + " signature.";
        server.enqueue(error(422, 300, said));

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Misconfigured(422, "HTTP 422: ErrorCode 300: " + said));
    }

    @Test
    void theInactiveRecipientAnswerIsRejectedForGood() {
        server.enqueue(
                error(
                        422,
                        406,
                        "You tried to send to recipient(s) that have been marked as inactive."
                                + " Found inactive addresses: ada@example.com."));

        assertThat(send())
                .isInstanceOfSatisfying(
                        ProviderResult.Rejected.class,
                        rejected ->
                                assertThat(rejected.reason())
                                        .startsWith("HTTP 422: ErrorCode 406: You tried to send"));
    }

    @Test
    void aRateLimitWaitsForTheRetryAfterGiven() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "45").build());

        assertThat(send())
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable ->
                                assertThat(unavailable.retryAfter())
                                        .isEqualTo(Duration.ofSeconds(45)));
    }

    @Test
    void theTokenNeverAppearsInAReasonEvenWhenPostmarkRepeatsIt() {
        server.enqueue(
                error(401, 10, "Request does not contain a valid Server API token: " + TOKEN));

        assertThat(send())
                .isEqualTo(
                        new ProviderResult.Misconfigured(
                                401,
                                "HTTP 401: ErrorCode 10: Request does not contain a valid Server"
                                        + " API token: (hidden)"));
    }

    @Test
    void aDroppedConnectionIsTemporary() {
        server.enqueue(
                new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

        assertThat(send()).isInstanceOf(ProviderResult.Unavailable.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void aMissingTokenOrStreamStopsTheStartNamingTheProperty(String blank) {
        assertThatThrownBy(() -> channel(blank, "outbound", "greetings@example.com"))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e ->
                                assertThat(e.property())
                                        .isEqualTo("cakeday.mail.postmark.server-token"));
        assertThatThrownBy(() -> channel(null, "outbound", "greetings@example.com"))
                .isInstanceOf(ChannelSettingException.class)
                .hasMessageStartingWith("cakeday.mail.postmark.server-token is required");
        assertThatThrownBy(() -> channel(TOKEN, blank, "greetings@example.com"))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e ->
                                assertThat(e.property())
                                        .isEqualTo("cakeday.mail.postmark.message-stream"));
    }

    @Test
    void aMissingSenderStopsTheStartNamingThePropertyAndNotTheToken() {
        assertThatThrownBy(() -> channel(TOKEN, "outbound", " "))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> {
                            assertThat(e.property()).isEqualTo("cakeday.mail.from");
                            assertThat(e.getMessage()).doesNotContain(TOKEN);
                        });
    }
}
