package dev.cakeday.mail.webhook;

import static dev.cakeday.mail.TestGreetings.UNSUBSCRIBE;
import static dev.cakeday.mail.TestGreetings.greeting;
import static dev.cakeday.mail.TestGreetings.withHtml;
import static dev.cakeday.mail.TestGreetings.withUnsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.cakeday.mail.Channel;
import dev.cakeday.mail.ChannelSettingException;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.OutgoingGreeting;
import dev.cakeday.mail.ProviderResult;
import dev.cakeday.mail.TestMail;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook channel against a real local HTTP server playing the operator's receiver, which
 * verifies each request as Standard Webhooks' own library does.
 */
class WebhookChannelTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String SECRET =
            "whsec_"
                    + Base64.getEncoder()
                            .encodeToString(
                                    "thirty-two bytes of test secret!"
                                            .getBytes(StandardCharsets.UTF_8));
    // Part of the URL's path, as Slack-style hooks carry their token: never to be repeated.
    static final String TOKEN = "T0KEN-in-the-path";
    static final String ID = "00000000-0000-0000-0000-000000000042:BIRTHDAY:2026-12-02";
    // The library checks the timestamp against the real time: the channel's clock stands at it.
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    MockWebServer receiver;
    WebhookChannel channel;

    @BeforeEach
    void start() throws Exception {
        receiver = new MockWebServer();
        receiver.start();
        channel = channel(receiverUrl(), SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    String receiverUrl() {
        return receiver.url("/hooks/" + TOKEN).toString();
    }

    static WebhookChannel channel(String url, String secret, Clock clock) {
        return new WebhookChannel(mail(), new WebhookProperties(url, secret, null), JSON, clock);
    }

    static MailProperties mail() {
        return TestMail.settings(MailProperties.Provider.WEBHOOK, null, null);
    }

    static MockResponse answer(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).build();
    }

    /** What the receiver does first: Standard Webhooks' check of the headers and the raw body. */
    static void verify(String secret, Map<String, List<String>> headers, String body)
            throws WebhookVerificationException, EmptyWebhookSecretException {
        new Webhook(secret).verify(body, headers);
    }

    static OutgoingGreeting zoe() {
        return new OutgoingGreeting(
                ID,
                "BIRTHDAY",
                LocalDate.of(2026, 12, 2),
                UUID.fromString("00000000-0000-0000-0000-000000000042"),
                "Zoë",
                "Ñúñez",
                "zoe@example.com",
                "es",
                "¡Feliz cumpleaños, Zoë!",
                "Hola Zoë Ñúñez, ¡feliz cumpleaños! 🎂",
                null,
                Instant.parse("2026-12-02T08:00:00Z"),
                null);
    }

    RecordedRequest received() throws InterruptedException {
        return receiver.takeRequest(1, TimeUnit.SECONDS);
    }

    @Test
    void postsASignedJsonEventThatTheReceiverVerifies() throws Exception {
        receiver.enqueue(answer(200, "ok"));

        ProviderResult result = channel.send(zoe());

        assertThat(result).isEqualTo(new ProviderResult.Delivered(ID));
        RecordedRequest request = received();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/hooks/" + TOKEN);
        assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(request.getHeaders().get("webhook-id")).isEqualTo(ID);
        assertThat(request.getHeaders().get("webhook-timestamp"))
                .isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(request.getHeaders().get("webhook-signature")).startsWith("v1,");
        assertThatCode(
                        () ->
                                verify(
                                        SECRET,
                                        request.getHeaders().toMultimap(),
                                        request.getBody().utf8()))
                .doesNotThrowAnyException();
    }

    @Test
    void theEventCarriesEveryFieldOfTheGreetingInUtf8() throws Exception {
        receiver.enqueue(answer(204, ""));

        channel.send(zoe());

        RecordedRequest request = received();
        String body = request.getBody().utf8();
        assertThat(request.getBody().toByteArray())
                .isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        JsonNode event = JSON.readTree(body);
        assertThat(event.propertyNames())
                .containsExactlyInAnyOrder(
                        "type",
                        "id",
                        "occasion",
                        "date",
                        "userId",
                        "firstName",
                        "lastName",
                        "email",
                        "locale",
                        "subject",
                        "text",
                        "html",
                        "dueAt",
                        "unsubscribeUrl");
        assertThat(event.get("type").asString()).isEqualTo("greeting.due");
        assertThat(event.get("id").asString()).isEqualTo(ID);
        assertThat(event.get("occasion").asString()).isEqualTo("BIRTHDAY");
        assertThat(event.get("date").asString()).isEqualTo("2026-12-02");
        assertThat(event.get("userId").asString())
                .isEqualTo("00000000-0000-0000-0000-000000000042");
        assertThat(event.get("firstName").asString()).isEqualTo("Zoë");
        assertThat(event.get("lastName").asString()).isEqualTo("Ñúñez");
        assertThat(event.get("email").asString()).isEqualTo("zoe@example.com");
        assertThat(event.get("locale").asString()).isEqualTo("es");
        assertThat(event.get("subject").asString()).isEqualTo("¡Feliz cumpleaños, Zoë!");
        assertThat(event.get("text").asString()).isEqualTo("Hola Zoë Ñúñez, ¡feliz cumpleaños! 🎂");
        assertThat(event.get("dueAt").asString()).isEqualTo("2026-12-02T08:00:00Z");
        assertThat(event.get("html").isNull()).as("text only").isTrue();
        assertThat(event.get("unsubscribeUrl").isNull()).as("no unsubscribe link").isTrue();
    }

    /** For a receiver that sends the mail itself, with the headers Cakeday's own channels send. */
    @Test
    void theEventCarriesTheHtmlVersionAndTheUnsubscribeLinkWhenTheGreetingHasThem()
            throws Exception {
        String html = "<p>Hola <b>Zoë Ñúñez</b>, ¡feliz cumpleaños! 🎂</p>";
        receiver.enqueue(answer(204, ""));

        channel.send(withUnsubscribe(withHtml(zoe(), html), UNSUBSCRIBE));

        RecordedRequest request = received();
        String body = request.getBody().utf8();
        JsonNode event = JSON.readTree(body);
        assertThat(event.get("html").asString()).isEqualTo(html);
        assertThat(event.get("unsubscribeUrl").asString())
                .isEqualTo("https://cakeday.example/unsubscribe?user=42&token=c2lnbmVk");
        verify(SECRET, request.getHeaders().toMultimap(), body);
    }

    /** A receiver reads one shape, even where the application's mapper leaves nulls out. */
    @Test
    void theEventKeepsItsNullFieldsUnderAMapperThatOmitsNulls() {
        JsonMapper omittingNulls =
                JsonMapper.builder()
                        .changeDefaultPropertyInclusion(
                                inclusion -> inclusion.withValueInclusion(Include.NON_NULL))
                        .build();

        JsonNode event =
                omittingNulls.valueToTree(GreetingEvent.of(greeting("k", "a@example.com", "m")));

        assertThat(event.has("html")).isTrue();
        assertThat(event.has("unsubscribeUrl")).isTrue();
    }

    @Test
    void aTamperedBodyOrHeaderOrAnotherSecretFailsVerification() throws Exception {
        receiver.enqueue(answer(200, ""));
        channel.send(zoe());
        RecordedRequest request = received();
        String body = request.getBody().utf8();
        Map<String, List<String>> headers = request.getHeaders().toMultimap();

        assertThatThrownBy(() -> verify(SECRET, headers, body.replace("Zoë", "Zoe")))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> verify(SECRET, headers, body + " "))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(
                        () ->
                                verify(
                                        SECRET,
                                        replaced(headers, "webhook-id", ID.replace("42", "43")),
                                        body))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(
                        () ->
                                verify(
                                        SECRET,
                                        replaced(
                                                headers,
                                                "webhook-timestamp",
                                                Long.toString(NOW.getEpochSecond() - 1)),
                                        body))
                .isInstanceOf(WebhookVerificationException.class);
        String otherSecret =
                "whsec_"
                        + Base64.getEncoder()
                                .encodeToString(
                                        "another secret, thirty-two bytes"
                                                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verify(otherSecret, headers, body))
                .isInstanceOf(WebhookVerificationException.class);
    }

    /**
     * A rotation: with the previous secret set, each greeting carries one signature per secret, so
     * a receiver still on the old secret and one already on the new both verify it, and a third
     * secret still does not.
     */
    @Test
    void duringARotationEitherSecretVerifies() throws Exception {
        String previous =
                "whsec_"
                        + Base64.getEncoder()
                                .encodeToString(
                                        "the secret before, 32 bytes long"
                                                .getBytes(StandardCharsets.UTF_8));
        WebhookChannel rotating =
                new WebhookChannel(
                        mail(),
                        new WebhookProperties(receiverUrl(), SECRET, previous),
                        JSON,
                        Clock.fixed(NOW, ZoneOffset.UTC));
        receiver.enqueue(answer(204, ""));

        assertThat(rotating.send(zoe())).isEqualTo(new ProviderResult.Delivered(ID));

        RecordedRequest request = received();
        String body = request.getBody().utf8();
        Map<String, List<String>> headers = request.getHeaders().toMultimap();
        assertThat(request.getHeaders().get("webhook-signature").split(" "))
                .hasSize(2)
                .allMatch(signature -> signature.startsWith("v1,"));
        verify(SECRET, headers, body);
        verify(previous, headers, body);
        String other =
                "whsec_"
                        + Base64.getEncoder()
                                .encodeToString(
                                        "another secret, thirty-two bytes"
                                                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verify(other, headers, body))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void aPreviousSecretOfTheWrongFormIsNamedWithoutItsValue() {
        assertThatThrownBy(
                        () ->
                                new WebhookChannel(
                                        mail(),
                                        new WebhookProperties(
                                                receiverUrl(), SECRET, "s3cr3t-4f1c9"),
                                        JSON,
                                        Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e ->
                                assertThat(e.property())
                                        .isEqualTo("cakeday.mail.webhook.previous-secret"))
                .message()
                .doesNotContain("s3cr3t");
    }

    static Map<String, List<String>> replaced(
            Map<String, List<String>> headers, String name, String value) {
        Map<String, List<String>> copy = new HashMap<>(headers);
        copy.put(name, List.of(value));
        return copy;
    }

    /**
     * A retry, here by another instance half a minute later, is signed anew with its own timestamp
     * but keeps the webhook-id the receiver de-duplicates on.
     */
    @Test
    void theWebhookIdIsTheGreetingIdOnEveryAttempt() throws Exception {
        receiver.enqueue(answer(503, "busy"));
        receiver.enqueue(answer(200, ""));
        WebhookChannel later =
                channel(receiverUrl(), SECRET, Clock.fixed(NOW.plusSeconds(30), ZoneOffset.UTC));

        assertThat(channel.send(zoe())).isInstanceOf(ProviderResult.Unavailable.class);
        assertThat(later.send(zoe())).isEqualTo(new ProviderResult.Delivered(ID));

        RecordedRequest first = received();
        RecordedRequest retry = received();
        assertThat(retry.getHeaders().get("webhook-id"))
                .isEqualTo(first.getHeaders().get("webhook-id"))
                .isEqualTo(ID);
        assertThat(retry.getBody()).isEqualTo(first.getBody());
        assertThat(retry.getHeaders().get("webhook-timestamp"))
                .isEqualTo(Long.toString(NOW.getEpochSecond() + 30));
        assertThat(retry.getHeaders().get("webhook-signature"))
                .isNotEqualTo(first.getHeaders().get("webhook-signature"));
        for (RecordedRequest attempt : List.of(first, retry)) {
            assertThatCode(
                            () ->
                                    verify(
                                            SECRET,
                                            attempt.getHeaders().toMultimap(),
                                            attempt.getBody().utf8()))
                    .doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void anySuccessIsDeliveredUnderTheGreetingId(int code) {
        receiver.enqueue(answer(code, code == 204 ? "" : "{\"id\":\"theirs\"}"));

        assertThat(channel.send(greeting("k", "a@example.com", "m")))
                .isEqualTo(new ProviderResult.Delivered("k"));
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void rateLimitsAndServerErrorsAreTemporaryAfterTheirRetryAfter(int code) {
        receiver.enqueue(
                new MockResponse.Builder()
                        .code(code)
                        .addHeader("Retry-After", "120")
                        .body("busy")
                        .build());

        assertThat(channel.send(greeting("k", "a@example.com", "m")))
                .isEqualTo(
                        new ProviderResult.Unavailable(
                                "HTTP " + code + ": busy", Duration.ofSeconds(120)));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 409, 413, 422})
    void answersAboutTheEventRejectItForGood(int code) {
        receiver.enqueue(answer(code, "unknown occasion"));

        assertThat(channel.send(greeting("k", "a@example.com", "m")))
                .isEqualTo(
                        new ProviderResult.Rejected(code, "HTTP " + code + ": unknown occasion"));
    }

    /** 410: the receiver removed the endpoint, which every greeting would meet. */
    @ParameterizedTest
    @ValueSource(ints = {301, 307, 401, 403, 404, 405, 410, 415})
    void answersAboutTheEndpointMeanMisconfigured(int code) {
        receiver.enqueue(
                new MockResponse.Builder()
                        .code(code)
                        .addHeader("Location", "https://elsewhere.example/")
                        .body("no such hook")
                        .build());

        assertThat(channel.send(greeting("k", "a@example.com", "m")))
                .isEqualTo(
                        new ProviderResult.Misconfigured(code, "HTTP " + code + ": no such hook"));
        assertThat(receiver.getRequestCount()).as("no redirect followed").isEqualTo(1);
    }

    @Test
    void aDroppedConnectionIsTemporary() {
        receiver.enqueue(
                new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

        assertThat(channel.send(greeting("k", "a@example.com", "m")))
                .isInstanceOf(ProviderResult.Unavailable.class);
    }

    @Test
    void aRefusedConnectionIsTemporaryAndItsReasonHoldsNoToken() {
        receiver.close();

        assertThat(channel.send(greeting("k", "a@example.com", "m")))
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable ->
                                assertThat(unavailable.reason())
                                        .contains("ConnectException")
                                        .doesNotContain(TOKEN));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void aMissingUrlOrSecretIsNamed(String missing) {
        assertThatThrownBy(() -> channel(missing, SECRET, Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> assertThat(e.property()).isEqualTo("cakeday.mail.webhook.url"))
                .hasMessage("cakeday.mail.webhook.url is required (cakeday.mail.provider=webhook)");
        assertThatThrownBy(() -> channel(receiverUrl(), missing, Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> assertThat(e.property()).isEqualTo("cakeday.mail.webhook.secret"))
                .hasMessage(
                        "cakeday.mail.webhook.secret is required (cakeday.mail.provider=webhook)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "hooks.example.com/" + TOKEN,
                "ftp://hooks.example.com/" + TOKEN,
                "mailto:" + TOKEN + "@example.com",
                "http:" + TOKEN,
                "http:///" + TOKEN,
                "https://hooks example.com/" + TOKEN,
                "https://hooks.example.com/" + TOKEN + "/%zz"
            })
    void aUrlThatIsNotAbsoluteHttpIsRefusedWithoutRepeatingIt(String url) {
        assertThatThrownBy(() -> channel(url, SECRET, Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> {
                            assertThat(e.property()).isEqualTo("cakeday.mail.webhook.url");
                            assertThat(e.getCause()).isNull();
                        })
                .hasMessage(
                        "cakeday.mail.webhook.url must be an absolute http:// or https:// URL"
                                + " (cakeday.mail.provider=webhook)")
                .message()
                .doesNotContain(TOKEN);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // The key without its whsec_ prefix.
                "dGhpcnR5LXR3byBieXRlcyBvZiB0ZXN0IHNlY3JldCE=",
                "whsec_T0KEN*not+base64!",
                // 16 bytes, fewer than Standard Webhooks asks for.
                "whsec_VDBLRU4tc2l4dGVlbi1ieQ=="
            })
    void aSecretThatIsNotWhsecAndEnoughBase64IsRefusedWithoutRepeatingIt(String secret) {
        assertThatThrownBy(() -> channel(receiverUrl(), secret, Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        ChannelSettingException.class,
                        e -> {
                            assertThat(e.property()).isEqualTo("cakeday.mail.webhook.secret");
                            assertThat(e.getCause()).isNull();
                        })
                .message()
                .startsWith("cakeday.mail.webhook.secret must ")
                .doesNotContain(secret)
                .doesNotContain(secret.substring("whsec_".length()))
                .doesNotContain("T0KEN");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({MailProperties.class, WebhookProperties.class})
    static class Wiring {

        @Bean
        JsonMapper jsonMapper() {
            return JSON;
        }

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }
    }

    final ApplicationContextRunner context =
            new ApplicationContextRunner()
                    .withUserConfiguration(Wiring.class, WebhookChannel.class)
                    .withPropertyValues("cakeday.mail.provider=webhook");

    @Test
    void theWebhookProviderWiresTheChannelAndStopsTheStartWithoutItsSecret() {
        context.withPropertyValues(
                        "cakeday.mail.webhook.url=https://hooks.example.com/" + TOKEN,
                        "cakeday.mail.webhook.secret=" + SECRET)
                .run(
                        started ->
                                assertThat(started)
                                        .hasNotFailed()
                                        .getBean(Channel.class)
                                        .isInstanceOf(WebhookChannel.class));
        context.withPropertyValues("cakeday.mail.webhook.url=https://hooks.example.com/" + TOKEN)
                .run(
                        started -> {
                            assertThat(started).hasFailed();
                            assertThat(started.getStartupFailure())
                                    .rootCause()
                                    .isInstanceOf(ChannelSettingException.class)
                                    .hasMessage(
                                            "cakeday.mail.webhook.secret is required"
                                                    + " (cakeday.mail.provider=webhook)");
                        });
        context.withPropertyValues("cakeday.mail.provider=http")
                .run(started -> assertThat(started).doesNotHaveBean(WebhookChannel.class));
    }
}
