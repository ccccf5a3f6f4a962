package dev.cakeday.greeting.delivery;

import static dev.cakeday.mail.TestGreetings.greeting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingMetrics;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.SendInstant;
import dev.cakeday.greeting.message.GreetingTemplates;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.ProviderClient;
import dev.cakeday.mail.ProviderGate;
import dev.cakeday.support.FakeProvider;
import dev.cakeday.support.IntegrationTest;
import dev.cakeday.unsubscribe.UnsubscribeLinks;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * While the provider's circuit breaker is open, a claimed greeting is held, then goes back at its
 * own due time: no call, no write to the log, and the row's execution time (what the queue-lag
 * gauge measures) unchanged.
 */
class CircuitOpenDeliveryTest extends IntegrationTest {

    static final Duration OPEN_WAIT = Duration.ofSeconds(2);

    @Autowired GreetingLogRepository greetingLog;
    @Autowired DeliveryBatches batches;
    @Autowired GreetingEligibility eligibility;
    @Autowired GreetingTemplates templates;
    @Autowired UnsubscribeLinks unsubscribeLinks;
    @Autowired SendInstant sendInstant;
    @Autowired GreetingCalendar calendar;
    @Autowired RetryPolicy retryPolicy;
    @Autowired GreetingMetrics metrics;
    @Autowired JsonMapper json;

    @AfterEach
    void providerBack() {
        PROVIDER.reset();
    }

    @Test
    void aGreetingClaimedWhileTheBreakerIsOpenGoesBackAtItsOwnTimeWithoutACall() {
        MailProperties settings =
                new MailProperties(
                        MailProperties.Provider.HTTP,
                        URI.create(PROVIDER.baseUrl()),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        0,
                        10,
                        new MailProperties.CircuitBreaker(50, 2, 2, OPEN_WAIT),
                        null,
                        null);
        ProviderGate gate =
                new ProviderGate(
                        settings,
                        new ProviderClient(settings, json, CLOCK),
                        new SimpleMeterRegistry());
        PROVIDER.answer(call -> FakeProvider.status(503, "{\"error\":\"maintenance\"}"));
        for (int i = 0; i < 2; i++) {
            gate.enter();
            gate.send(greeting("trip-" + UUID.randomUUID(), "a@example.com", "m"));
        }
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.OPEN);
        gate.enter(); // the probe after one open-wait, taken and not given back: the breaker
        // stays half-open
        int callsBefore = PROVIDER.calls().size();
        GreetingDelivery delivery =
                new GreetingDelivery(
                        greetingLog,
                        batches,
                        eligibility,
                        templates,
                        unsubscribeLinks,
                        sendInstant,
                        calendar,
                        retryPolicy,
                        gate,
                        metrics,
                        CLOCK);
        GreetingId id = new GreetingId(UUID.randomUUID(), "BIRTHDAY", LocalDate.of(2027, 3, 14));
        Instant due = CLOCK.instant().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MICROS);

        long started = System.nanoTime();
        GreetingDelivery.Next next = delivery.deliver(id, due, 1);

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("held for one open-wait")
                .isGreaterThanOrEqualTo(OPEN_WAIT.minusMillis(100));
        assertThat(next).isEqualTo(new GreetingDelivery.Next.RunAt(due));
        assertThat(PROVIDER.calls()).as("no call while open").hasSize(callsBefore);
        assertThat(greetingLog.state(id)).as("nothing written to the log").isEmpty();
    }
}
