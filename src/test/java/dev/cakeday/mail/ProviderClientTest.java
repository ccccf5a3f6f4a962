package dev.cakeday.mail;

import static dev.cakeday.mail.TestGreetings.greeting;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider client against a real local HTTP server: the request it sends and how it reads each
 * answer.
 */
class ProviderClientTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2027-03-14T09:00:00Z");

    MockWebServer server;
    ProviderClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        String base = server.url("/api/v1").toString();
        client =
                new ProviderClient(
                        new MailProperties(
                                MailProperties.Provider.HTTP,
                                URI.create(base),
                                Duration.ofSeconds(1),
                                Duration.ofMillis(500),
                                0,
                                10,
                                new MailProperties.CircuitBreaker(
                                        50, 20, 10, Duration.ofSeconds(30)),
                                null,
                                null),
                        JSON,
                        Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static MockResponse answer(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).build();
    }

    @Test
    void postsJsonWithTheIdempotencyKeyAndReadsTheMessageId() throws Exception {
        server.enqueue(answer(200, "{\"success\":true,\"messageId\":\"msg-42\"}"));

        ProviderResult result =
                client.send(
                        greeting(
                                "u:BIRTHDAY:2027-03-14",
                                "ada@example.com",
                                "Hey, Ada Lovelace it's your birthday"));

        assertThat(result).isEqualTo(new ProviderResult.Delivered("msg-42"));
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/api/v1/send-email");
        assertThat(request.getHeaders().get("Idempotency-Key")).isEqualTo("u:BIRTHDAY:2027-03-14");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(request.getBody().utf8());
        assertThat(body.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(body.get("message").asString())
                .isEqualTo("Hey, Ada Lovelace it's your birthday");
        assertThat(body.size()).isEqualTo(2);
        // The channels brought subjects; this API's request stays as it was, byte for byte.
        assertThat(request.getBody().utf8())
                .isEqualTo(
                        "{\"email\":\"ada@example.com\",\"message\":\"Hey, Ada Lovelace it's your"
                                + " birthday\"}");
    }

    /**
     * OkHttp keeps 5 idle connections unless told otherwise: more threads than that would reconnect
     * on most calls.
     */
    @Test
    void concurrentSendsReuseTheirConnections() throws Exception {
        int threads = 20;
        int rounds = 5;
        ProviderClient pooled =
                new ProviderClient(
                        new MailProperties(
                                MailProperties.Provider.HTTP,
                                URI.create(server.url("/").toString()),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(2),
                                0,
                                threads,
                                new MailProperties.CircuitBreaker(
                                        50, 20, 10, Duration.ofSeconds(30)),
                                null,
                                null),
                        JSON,
                        Clock.systemUTC());
        for (int i = 0; i < threads * rounds; i++) {
            server.enqueue(answer(200, "{\"messageId\":\"msg-" + i + "\"}"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                List<Future<ProviderResult>> sends = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    sends.add(pool.submit(() -> pooled.send(greeting("k", "a@example.com", "m"))));
                }
                for (Future<ProviderResult> send : sends) {
                    assertThat(send.get(5, TimeUnit.SECONDS))
                            .isInstanceOf(ProviderResult.Delivered.class);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Set<Integer> connections = new HashSet<>();
        for (int i = 0; i < threads * rounds; i++) {
            connections.add(server.takeRequest(1, TimeUnit.SECONDS).getConnectionIndex());
        }
        assertThat(connections)
                .as("connections opened for %d calls", threads * rounds)
                .hasSizeLessThanOrEqualTo(threads);
    }

    @Test
    void aSuccessWithoutABodyIsStillDelivered() {
        server.enqueue(answer(202, ""));
        assertThat(client.send(greeting("k", "a@example.com", "m")))
                .isEqualTo(new ProviderResult.Delivered(null));
    }

    /**
     * The provider said it took the mail: a body that never arrives whole must not cause a second
     * send.
     */
    @Test
    void aSuccessWhoseBodyCannotBeReadIsStillDelivered() {
        server.enqueue(
                new MockResponse.Builder()
                        .code(200)
                        .body("{\"messageId\":\"msg-cut-short-here\"}")
                        .onResponseBody(new SocketEffect.CloseSocket())
                        .build());
        server.enqueue(
                new MockResponse.Builder()
                        .code(200)
                        .body("{\"messageId\":\"msg-slow\"}")
                        .bodyDelay(2, TimeUnit.SECONDS)
                        .build());
        server.enqueue(answer(200, "not json {"));

        assertThat(client.send(greeting("k1", "a@example.com", "m")))
                .isEqualTo(new ProviderResult.Delivered(null));
        assertThat(client.send(greeting("k2", "a@example.com", "m")))
                .isEqualTo(new ProviderResult.Delivered(null));
        assertThat(client.send(greeting("k3", "a@example.com", "m")))
                .isEqualTo(new ProviderResult.Delivered(null));
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 308, 401, 403, 404, 405, 406, 415})
    void answersAboutTheRequestNotTheMailMeanMisconfigured(int code) {
        server.enqueue(
                new MockResponse.Builder()
                        .code(code)
                        .addHeader("Location", "https://elsewhere.example/")
                        .body("{\"error\":\"invalid api key\"}")
                        .build());

        assertThat(client.send(greeting("k", "a@example.com", "m")))
                .isInstanceOfSatisfying(
                        ProviderResult.Misconfigured.class,
                        misconfigured -> {
                            assertThat(misconfigured.status()).isEqualTo(code);
                            assertThat(misconfigured.reason())
                                    .isEqualTo("HTTP " + code + ": invalid api key");
                        });
        assertThat(server.getRequestCount()).as("no redirect followed").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 409, 410, 413, 422})
    void otherClientErrorsAreRejectedWithTheProvidersReason(int code) {
        server.enqueue(answer(code, "{\"error\":\"invalid email address\"}"));

        ProviderResult result = client.send(greeting("k", "bad@", "m"));

        assertThat(result)
                .isInstanceOfSatisfying(
                        ProviderResult.Rejected.class,
                        rejected -> {
                            assertThat(rejected.status()).isEqualTo(code);
                            assertThat(rejected.reason())
                                    .isEqualTo("HTTP " + code + ": invalid email address");
                        });
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 504})
    void rateLimitsAndServerErrorsAreTemporary(int code) {
        server.enqueue(answer(code, "maintenance"));

        ProviderResult result = client.send(greeting("k", "a@example.com", "m"));

        assertThat(result)
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable -> {
                            assertThat(unavailable.reason())
                                    .isEqualTo("HTTP " + code + ": maintenance");
                            assertThat(unavailable.retryAfter()).isNull();
                        });
    }

    @Test
    void aRequestTimeoutIsResentOnceAtOnceUnderTheSameKeyThenTemporary() throws Exception {
        server.enqueue(answer(408, "too slow"));
        server.enqueue(answer(408, "too slow"));

        assertThat(client.send(greeting("k", "a@example.com", "m")))
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable ->
                                assertThat(unavailable.reason()).isEqualTo("HTTP 408: too slow"));
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(server.takeRequest().getHeaders().get("Idempotency-Key")).isEqualTo("k");
        assertThat(server.takeRequest().getHeaders().get("Idempotency-Key")).isEqualTo("k");
    }

    @Test
    void retryAfterInSecondsAndAsAnHttpDate() {
        server.enqueue(
                new MockResponse.Builder().code(429).addHeader("Retry-After", "120").build());
        String date =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        ZonedDateTime.ofInstant(NOW.plusSeconds(90), ZoneOffset.UTC));
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", date).build());
        server.enqueue(
                new MockResponse.Builder().code(503).addHeader("Retry-After", "soon").build());

        assertThat(
                        ((ProviderResult.Unavailable)
                                        client.send(greeting("k", "a@example.com", "m")))
                                .retryAfter())
                .isEqualTo(Duration.ofSeconds(120));
        assertThat(
                        ((ProviderResult.Unavailable)
                                        client.send(greeting("k", "a@example.com", "m")))
                                .retryAfter())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(
                        ((ProviderResult.Unavailable)
                                        client.send(greeting("k", "a@example.com", "m")))
                                .retryAfter())
                .isNull();
    }

    @Test
    void aProviderThatHangsPastTheReadTimeoutIsTemporaryWithItsOutcomeUnknown() {
        server.enqueue(
                new MockResponse.Builder().code(200).headersDelay(2, TimeUnit.SECONDS).build());

        assertThat(client.send(greeting("k", "a@example.com", "m")))
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable ->
                                assertThat(unavailable.outcomeUnknown())
                                        .as("the provider read the request and may have sent it")
                                        .isTrue());
    }

    @Test
    void aDroppedFreshConnectionIsTemporaryAndNotResent() {
        server.enqueue(
                new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(answer(200, "{\"messageId\":\"msg-1\"}"));

        assertThat(client.send(greeting("k", "a@example.com", "m")))
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable -> assertThat(unavailable.outcomeUnknown()).isTrue());
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aKeptAliveConnectionTheProviderClosedMeanwhileIsReplacedWithoutAFailure()
            throws Exception {
        server.enqueue(
                new MockResponse.Builder()
                        .code(200)
                        .body("{\"messageId\":\"msg-1\"}")
                        .onResponseEnd(new SocketEffect.CloseSocket())
                        .build());
        server.enqueue(answer(200, "{\"messageId\":\"msg-2\"}"));

        assertThat(client.send(greeting("k1", "a@example.com", "m")))
                .isEqualTo(new ProviderResult.Delivered("msg-1"));
        // The provider has closed the idle connection the client still holds in its pool.
        assertThat(server.takeRequest(1, TimeUnit.SECONDS).getConnectionIndex()).isZero();
        Thread.sleep(100);

        assertThat(client.send(greeting("k2", "a@example.com", "m")))
                .isEqualTo(new ProviderResult.Delivered("msg-2"));
        assertThat(server.takeRequest(1, TimeUnit.SECONDS))
                .satisfies(
                        request -> {
                            assertThat(request.getHeaders().get("Idempotency-Key")).isEqualTo("k2");
                            assertThat(request.getConnectionIndex()).isEqualTo(1);
                        });
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedConnectionIsTemporary() {
        server.close();

        assertThat(client.send(greeting("k", "a@example.com", "m")))
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        unavailable -> {
                            assertThat(unavailable.reason()).contains("ConnectException");
                            assertThat(unavailable.outcomeUnknown())
                                    .as("nothing reached the provider")
                                    .isFalse();
                        });
    }
}
