package dev.cakeday.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
        MailProperties properties = new MailProperties(URI.create(server.url("/").toString()), Duration.ofSeconds(1),
                Duration.ofSeconds(1), maxRate, 10, new MailProperties.CircuitBreaker(50, 10, 4, openWait));
        JsonMapper json = JsonMapper.builder().build();
        return new ProviderGate(new ProviderClient(properties, json, Clock.systemUTC()), properties, meters);
    }

    @Test
    void failuresOpenTheBreakerWhichThenPutsCallersBackWithoutCalling() {
        ProviderGate gate = gate(0, Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(503).build());
            assertThat(gate.tryEnter()).isEmpty();
            assertThat(gate.send("k" + i, "a@example.com", "m")).isInstanceOf(ProviderResult.Unavailable.class);
        }

        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.OPEN);
        Optional<Duration> wait = gate.tryEnter();
        assertThat(wait).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30)));
        assertThat(server.getRequestCount()).isEqualTo(4);
        assertThat(meters.get("cakeday.provider.deferred").tag("reason", "circuit_open").counter().count()).isEqualTo(1);
        assertThat(meters.get("cakeday.provider.calls").tag("outcome", "unavailable").timer().count()).isEqualTo(4);
        assertThat(meters.get("resilience4j.circuitbreaker.state").tags("name", "provider", "state", "open").gauge()
                .value()).isEqualTo(1);
    }

    @Test
    void afterTheOpenWaitOneProbeIsLetThroughAndSuccessClosesTheBreaker() throws Exception {
        ProviderGate gate = gate(0, Duration.ofMillis(300));
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(500).build());
            gate.tryEnter();
            gate.send("k" + i, "a@example.com", "m");
        }
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.OPEN);
        Thread.sleep(400);

        assertThat(gate.tryEnter()).as("one probe").isEmpty();
        assertThat(gate.tryEnter()).as("only one probe at a time").isPresent();
        server.enqueue(new MockResponse.Builder().code(200).body("{\"messageId\":\"m\"}").build());
        assertThat(gate.send("probe", "a@example.com", "m")).isInstanceOf(ProviderResult.Delivered.class);

        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void rejectionsDoNotOpenTheBreaker() {
        ProviderGate gate = gate(0, Duration.ofSeconds(30));
        for (int i = 0; i < 8; i++) {
            server.enqueue(new MockResponse.Builder().code(400).body("{\"error\":\"bad address\"}").build());
            gate.tryEnter();
            assertThat(gate.send("k" + i, "bad@", "m")).isInstanceOf(ProviderResult.Rejected.class);
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
            if (gate.tryEnter().isPresent()) {
                deferred++;
            } else {
                entered++;
                gate.leave();
            }
        }
        // Two seconds at 5/s: the first period's 5 plus at most two refills.
        assertThat(entered).isBetween(5, 15);
        assertThat(deferred).isPositive();
        assertThat(meters.get("cakeday.provider.deferred").tag("reason", "rate_limited").counter().count())
                .isEqualTo(deferred);
    }
}
