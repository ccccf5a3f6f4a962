package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class GreetingsEndpointTest extends GreetingTestSupport {

    @Test
    void showsTheDeliveryLogNewestFirstAndThePendingRows() {
        String zone = "Europe/Vienna";
        LocalDate birthday = localDate(zone, 1);
        Map<String, Object> body = user(zone, birthday.withYear(1990));
        body.put("anniversary", birthday.plusDays(1).withYear(2012).toString());
        UUID id = UUID.fromString(create(body).get("id").asString());
        String birthdayKey = greetingId(id, "BIRTHDAY", birthday);
        String anniversaryKey = greetingId(id, "ANNIVERSARY", birthday.plusDays(1));

        JsonNode before = api.get("/user/" + id + "/greetings").json();
        assertThat(before.get("history")).isEmpty();
        assertThat(before.get("pending").findValuesAsString("id"))
                .containsExactly(birthdayKey, anniversaryKey);
        assertThat(before.get("pending").get(0).get("executionTime").asString())
                .isEqualTo(sendInstant(birthday, zone).toString());
        assertThat(before.get("pending").get(0).get("picked").asBoolean()).isFalse();

        CLOCK.advanceTo(sendInstant(birthday, zone));
        awaitStatus(birthdayKey, "SENT");
        CLOCK.advanceTo(sendInstant(birthday.plusDays(1), zone));
        awaitStatus(anniversaryKey, "SENT");

        // The clock passed 00:10, so the nightly planning run runs beside the deliveries. A run
        // that read the log just before the anniversary's SENT plans its row again; that row then
        // completes as ALREADY_SENT, without a call.
        await(
                "no pending row left",
                Duration.ofSeconds(10),
                () -> api.get("/user/" + id + "/greetings").json().get("pending").isEmpty());
        Api.Response response = api.get("/user/" + id + "/greetings");
        assertThat(response.status()).isEqualTo(200);
        JsonNode after = response.json();
        assertThat(after.get("userId").asString()).isEqualTo(id.toString());
        assertThat(after.get("pending")).isEmpty();
        assertThat(after.get("history").findValuesAsString("id"))
                .containsExactly(anniversaryKey, birthdayKey);
        JsonNode sent = after.get("history").get(1);
        assertThat(sent.get("status").asString()).isEqualTo("SENT");
        assertThat(sent.get("occasion").asString()).isEqualTo("BIRTHDAY");
        assertThat(sent.get("date").asString()).isEqualTo(birthday.toString());
        assertThat(sent.get("attempts").asInt()).isEqualTo(1);
        assertThat(sent.get("dueAt").asString()).isEqualTo(sendInstant(birthday, zone).toString());
        assertThat(sent.get("sentAt").isNull()).isFalse();
        assertThat(sent.get("providerMessageId").asString()).startsWith("msg-");
        assertThat(PROVIDER.calls())
                .as("one call per greeting")
                .filteredOn(call -> call.idempotencyKey().startsWith(id.toString()))
                .hasSize(2);
    }

    @Test
    void unknownUserIs404AndABadIdIs400() {
        Api.Response missing = api.get("/user/" + UUID.randomUUID() + "/greetings");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        Api.Response bad = api.get("/user/xyz/greetings");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
    }
}
