package dev.cakeday.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server speaking the provider's API ({@code POST /send-email}), answering as the test
 * tells it and recording every call it receives.
 */
public final class FakeProvider extends Dispatcher {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as the provider saw it, with the status it answered. */
    public record Call(
            String idempotencyKey, String email, String message, Instant at, int status) {}

    private final MockWebServer server = new MockWebServer();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private volatile Function<Call, MockResponse> behaviour = FakeProvider::accept;

    public FakeProvider(Clock clock) {
        this(clock, 0);
    }

    /**
     * On a given port (0 for any): a provider brought back after an outage answers where it did.
     */
    public FakeProvider(Clock clock, int port) {
        this.clock = clock;
        server.setDispatcher(this);
        try {
            server.start(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Shuts the server down: new connections are refused. */
    public void shutdown() {
        server.close();
    }

    public String baseUrl() {
        return server.url("/").toString();
    }

    public void reset() {
        behaviour = FakeProvider::accept;
        calls.clear();
    }

    /** How to answer from now on; the function sees the call (its status is not known yet: 0). */
    public void answer(Function<Call, MockResponse> behaviour) {
        this.behaviour = behaviour;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(Predicate<Call> filter) {
        return calls.stream().filter(filter).toList();
    }

    public static MockResponse accept(Call call) {
        return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body(
                        "{\"success\":true,\"messageId\":\"msg-"
                                + Math.abs(call.idempotencyKey().hashCode())
                                + "\"}")
                .build();
    }

    /** Accepts after {@code latency}, like a provider that takes its time. */
    public static MockResponse acceptAfter(Call call, Duration latency) {
        return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .headersDelay(latency.toMillis(), TimeUnit.MILLISECONDS)
                .body(
                        "{\"success\":true,\"messageId\":\"msg-"
                                + Math.abs(call.idempotencyKey().hashCode())
                                + "\"}")
                .build();
    }

    public static MockResponse status(int code, String body) {
        return new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    public static MockResponse retryAfter(int seconds) {
        return new MockResponse.Builder()
                .code(429)
                .addHeader("Retry-After", seconds)
                .body("{\"error\":\"rate limited\"}")
                .build();
    }

    /** Drops the connection without an answer, as a provider that is down would. */
    public static MockResponse disconnect() {
        return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (!"/send-email".equals(request.getUrl().encodedPath())
                || !"POST".equals(request.getMethod())) {
            return status(404, "{\"error\":\"not found\"}");
        }
        JsonNode body = JSON.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
        Call call =
                new Call(
                        request.getHeaders().get("Idempotency-Key"),
                        text(body, "email"),
                        text(body, "message"),
                        clock.instant(),
                        0);
        MockResponse response = behaviour.apply(call);
        calls.add(
                new Call(
                        call.idempotencyKey(),
                        call.email(),
                        call.message(),
                        call.at(),
                        response.getCode()));
        return response;
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node == null ? null : node.asString();
    }
}
