package dev.cakeday.greeting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingMetrics;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.SendInstant;
import dev.cakeday.greeting.message.GreetingTemplates;
import dev.cakeday.mail.KeylessChannel;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.ProviderGate;
import dev.cakeday.mail.ProviderResult;
import dev.cakeday.mail.TestMail;
import dev.cakeday.support.Api;
import dev.cakeday.support.GreetingAssert;
import dev.cakeday.support.IntegrationTest;
import dev.cakeday.unsubscribe.UnsubscribeLinks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * On a channel without an idempotency key, a retry after an attempt whose answer never came back
 * may deliver twice: it is counted once as uncertain, in the log row, the meter and one {@code
 * RESEND_UNCERTAIN} line. After an answer that says the mail was not taken, it is not.
 */
@ExtendWith(OutputCaptureExtension.class)
class UncertainRetryTest extends IntegrationTest {

    @Autowired GreetingLogRepository greetingLog;
    @Autowired DeliveryBatches batches;
    @Autowired GreetingEligibility eligibility;
    @Autowired GreetingTemplates templates;
    @Autowired UnsubscribeLinks unsubscribeLinks;
    @Autowired SendInstant sendInstants;
    @Autowired GreetingCalendar calendar;
    @Autowired RetryPolicy retryPolicy;
    @Autowired GreetingMetrics metrics;
    @Autowired MeterRegistry meters;
    @Autowired JdbcClient jdbc;
    @LocalServerPort int port;

    @ParameterizedTest(name = "outcome unknown: {0}")
    @CsvSource({"true, 1", "false, 0"})
    void aRetryAfterALostAnswerOnAKeylessChannelIsCountedUncertain(
            boolean outcomeUnknown, int uncertain, CapturedOutput output) {
        // Beyond the planning horizon: no queue row, so only this delivery ever touches it.
        LocalDate date = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC).plusDays(180);
        UUID userId = createUser(date.withYear(1990));
        GreetingId id = new GreetingId(userId, "BIRTHDAY", date);
        Instant due = ZonedDateTime.of(date, LocalTime.of(9, 0), ZoneOffset.UTC).toInstant();
        ProviderGate gate =
                new ProviderGate(
                        TestMail.settings(
                                MailProperties.Provider.SMTP, "greetings@example.com", null),
                        new KeylessChannel(
                                new ProviderResult.Unavailable(
                                        "SocketTimeoutException: Read timed out",
                                        null,
                                        outcomeUnknown)),
                        new SimpleMeterRegistry());
        GreetingDelivery delivery =
                new GreetingDelivery(
                        greetingLog,
                        batches,
                        eligibility,
                        templates,
                        unsubscribeLinks,
                        sendInstants,
                        calendar,
                        retryPolicy,
                        gate,
                        metrics,
                        Clock.fixed(due.plusSeconds(1), ZoneOffset.UTC));
        double counted = uncertainMeter();

        GreetingDelivery.Next next = delivery.deliver(id, due, 1);

        assertThat(next).isInstanceOf(GreetingDelivery.Next.RunAt.class);
        GreetingAssert.assertThatGreeting(jdbc, id.toString())
                .hasStatus("SENDING")
                .hasAttempts(1)
                .hasUncertainAttempts(uncertain);
        assertThat(uncertainMeter()).isEqualTo(counted + uncertain);
        if (uncertain == 1) {
            assertThat(output.getOut())
                    .containsOnlyOnce("greeting=" + id + " outcome=RESEND_UNCERTAIN")
                    .contains("no answer came back");
        } else {
            assertThat(output.getOut())
                    .doesNotContain("greeting=" + id + " outcome=RESEND_UNCERTAIN");
        }
    }

    // The shared database keeps no trace for the tests that follow.
    @AfterEach
    void removeTheUser() {
        jdbc.sql("DELETE FROM greetings WHERE user_id = ANY(?)")
                .param(created.toArray(UUID[]::new))
                .update();
        created.forEach(id -> new Api(port).delete("/user/" + id));
        created.clear();
    }

    final List<UUID> created = new ArrayList<>();

    UUID createUser(LocalDate birthday) {
        Api.Response response =
                new Api(port)
                        .postJson(
                                "/user",
                                Api.json(
                                        Map.of(
                                                "firstName", "Ada",
                                                "lastName", "Lovelace",
                                                "email",
                                                        "uncertain-"
                                                                + UUID.randomUUID()
                                                                + "@example.com",
                                                "birthday", birthday.toString(),
                                                "timezone", "UTC")));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        UUID id = UUID.fromString(response.json().get("id").asString());
        created.add(id);
        return id;
    }

    double uncertainMeter() {
        return meters.get("cakeday.greeting.uncertain.attempts").counter().count();
    }
}
