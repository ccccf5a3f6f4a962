package dev.cakeday.mail;

import static dev.cakeday.mail.TestGreetings.greeting;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The circuit breaker and the rate limit in front of a real local HTTP provider. */
class ProviderGateTest {

    MockWebServer server;
    SimpleMeterRegistry meters;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        meters = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ProviderGate gate(double maxRate, Duration openWait) {
        MailProperties properties =
                new MailProperties(
                        MailProperties.Provider.HTTP,
                        URI.create(server.url("/").toString()),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        maxRate,
                        10,
                        new MailProperties.CircuitBreaker(50, 10, 4, openWait),
                        null,
                        null);
        JsonMapper json = JsonMapper.builder().build();
        return new ProviderGate(
                properties, new ProviderClient(properties, json, Clock.systemUTC()), meters);
    }

    @Test
    void failuresOpenTheBreakerWhichThenHoldsCallersAndPutsThemBackWithoutCalling() {
        ProviderGate gate = gate(0, Duration.ofSeconds(2));
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(503).build());
            assertThat(gate.enter()).isInstanceOf(ProviderGate.Entry.Granted.class);
            assertThat(gate.send(greeting("k" + i, "a@example.com", "m")))
                    .isInstanceOf(ProviderResult.Unavailable.class);
        }

        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(
                        meters.get("resilience4j.circuitbreaker.state")
                                .tags("name", "provider", "state", "open")
                                .gauge()
                                .value())
                .isEqualTo(1);
        long started = System.nanoTime();
        assertThat(gate.enter())
                .as("held until the breaker lets one probe through")
                .isInstanceOf(ProviderGate.Entry.Granted.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThan(Duration.ofMillis(1_500));
        started = System.nanoTime();
        assertThat(gate.enter())
                .as("held for one open-wait while the probe is out, then put back")
                .isInstanceOf(ProviderGate.Entry.CircuitOpen.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(Duration.ofMillis(1_900), Duration.ofMillis(3_000));
        assertThat(server.getRequestCount()).isEqualTo(4);
        assertThat(
                        meters.get("cakeday.provider.deferred")
                                .tag("reason", "circuit_open")
                                .counter()
                                .count())
                .isEqualTo(1);
        assertThat(
                        meters.get("cakeday.provider.calls")
                                .tag("channel", "http")
                                .tag("outcome", "unavailable")
                                .timer()
                                .count())
                .isEqualTo(4);
    }

    @Test
    void afterTheOpenWaitOneProbeIsLetThroughAndSuccessClosesTheBreaker() throws Exception {
        ProviderGate gate = gate(0, Duration.ofMillis(300));
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(500).build());
            gate.enter();
            gate.send(greeting("k" + i, "a@example.com", "m"));
        }
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.OPEN);

        assertThat(gate.enter())
                .as("a held caller gets the probe once open-wait has passed")
                .isInstanceOf(ProviderGate.Entry.Granted.class);
        assertThat(gate.enter())
                .as("only one probe at a time")
                .isInstanceOf(ProviderGate.Entry.CircuitOpen.class);
        server.enqueue(new MockResponse.Builder().code(200).body("{\"messageId\":\"m\"}").build());
        assertThat(gate.send(greeting("probe", "a@example.com", "m")))
                .isInstanceOf(ProviderResult.Delivered.class);

        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(gate.enter()).isInstanceOf(ProviderGate.Entry.Granted.class);
    }

    @Test
    void misconfigurationAnswersCountAsFailuresAndOpenTheBreaker() {
        ProviderGate gate = gate(0, Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
            server.enqueue(
                    new MockResponse.Builder()
                            .code(401)
                            .body("{\"error\":\"invalid api key\"}")
                            .build());
            gate.enter();
            assertThat(gate.send(greeting("k" + i, "a@example.com", "m")))
                    .isInstanceOf(ProviderResult.Misconfigured.class);
        }
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(
                        meters.get("cakeday.provider.calls")
                                .tag("outcome", "misconfigured")
                                .timer()
                                .count())
                .isEqualTo(4);
    }

    @Test
    void rejectionsDoNotOpenTheBreaker() {
        ProviderGate gate = gate(0, Duration.ofSeconds(30));
        for (int i = 0; i < 8; i++) {
            server.enqueue(
                    new MockResponse.Builder()
                            .code(400)
                            .body("{\"error\":\"bad address\"}")
                            .build());
            gate.enter();
            assertThat(gate.send(greeting("k" + i, "bad@", "m")))
                    .isInstanceOf(ProviderResult.Rejected.class);
        }
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theRateLimitLetsThroughAtMostMaxRatePerSecond() {
        ProviderGate gate = gate(5, Duration.ofSeconds(30));
        long started = System.nanoTime();
        int entered = 0;
        int deferred = 0;
        while (System.nanoTime() - started < Duration.ofMillis(1_900).toNanos()) {
            if (gate.enter() instanceof ProviderGate.Entry.RateLimited) {
                deferred++;
            } else {
                entered++;
                gate.leave();
            }
        }
        // Two seconds at 5/s: the first period's 5 plus at most two refills.
        assertThat(entered).isBetween(5, 15);
        assertThat(deferred).isPositive();
        assertThat(
                        meters.get("cakeday.provider.deferred")
                                .tag("reason", "rate_limited")
                                .counter()
                                .count())
                .isEqualTo(deferred);
    }

    /**
     * A retry may deliver twice only when the attempt's outcome is unknown and the channel has no
     * key to de-duplicate the re-send by.
     */
    @Test
    void aRetryMayDuplicateOnlyAfterAnUnknownOutcomeOnAChannelWithoutAKey() {
        ProviderResult lost = new ProviderResult.Unavailable("SocketTimeoutException", null, true);
        ProviderResult refused = new ProviderResult.Unavailable("ConnectException", null, false);
        ProviderGate keyless = gateOver(new KeylessChannel(lost));
        ProviderGate keyed = gate(0, Duration.ofSeconds(30));

        assertThat(keyless.mayDuplicate(lost)).isTrue();
        assertThat(keyless.mayDuplicate(refused)).isFalse();
        assertThat(keyless.mayDuplicate(new ProviderResult.Misconfigured(401, "no"))).isFalse();
        assertThat(keyed.mayDuplicate(lost))
                .as("the http channel sends an Idempotency-Key")
                .isFalse();
    }

    ProviderGate gateOver(Channel channel) {
        return new ProviderGate(
                TestMail.settings(MailProperties.Provider.SMTP, null, null), channel, meters);
    }
}
