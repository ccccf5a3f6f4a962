package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.delivery.GreetingDelivery;
import dev.cakeday.greeting.delivery.GreetingLogRepository;
import dev.cakeday.support.Api;
import dev.cakeday.support.FakeProvider;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** What a user asked for: greetings in their language, and none of what they opted out of. */
class GreetingPreferencesTest extends GreetingTestSupport {

    @Autowired GreetingDelivery delivery;
    @Autowired GreetingLogRepository greetingLog;

    @Test
    void aGreetingGoesOutInTheUsersLanguageWithItsGrammar() {
        String zone = "Europe/Warsaw";
        LocalDate date = localDate(zone, 1);
        Map<String, Object> user = user(zone, date.withYear(1990));
        user.put("locale", "pl-PL");
        user.put("anniversary", date.minusYears(22).toString());
        UUID id = UUID.fromString(create(user).get("id").asString());

        CLOCK.advanceTo(sendInstant(date, zone));
        awaitStatus(greetingId(id, "BIRTHDAY", date), "SENT");
        awaitStatus(greetingId(id, "ANNIVERSARY", date), "SENT");

        assertThat(callsFor(id))
                .extracting(call -> call.message())
                .containsExactlyInAnyOrder(
                        "Cześć, Ada! Z okazji urodzin życzymy Ci wszystkiego najlepszego i wspaniałego dnia!",
                        "Cześć, Ada! To już 22 lata. Z okazji rocznicy życzymy Ci wszystkiego"
                                + " najlepszego!");
    }

    @Test
    void aLanguageWithoutTemplatesFallsBackToEnglish() {
        String zone = "Asia/Tokyo";
        LocalDate date = localDate(zone, 1);
        Map<String, Object> user = user(zone, date.withYear(1990));
        user.put("locale", "ko");
        UUID id = UUID.fromString(create(user).get("id").asString());

        CLOCK.advanceTo(sendInstant(date, zone));
        awaitStatus(greetingId(id, "BIRTHDAY", date), "SENT");

        assertThat(callsFor(id))
                .singleElement()
                .satisfies(
                        call ->
                                assertThat(call.message())
                                        .isEqualTo("Hey, Ada Lovelace it's your birthday"));
    }

    @Test
    void optingOutCancelsThePlannedGreetingAndOptingBackInPlansItAgain() {
        String zone = "America/Chicago";
        LocalDate date = localDate(zone, 1);
        JsonNode created = create(user(zone, date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        assertThat(executionTime(key)).contains(due);

        assertThat(put(id, created, List.of("BIRTHDAY")).status()).isEqualTo(200);

        assertThat(executionTime(key)).as("cancelled").isEmpty();
        JsonNode greetings = api.get("/user/" + id + "/greetings").json();
        assertThat(greetings.get("optOut").toString()).isEqualTo("[\"BIRTHDAY\"]");
        assertThat(greetings.get("pending")).isEmpty();
        assertThat(api.get("/user/" + id).json().get("upcomingGreetings")).isEmpty();

        assertThat(put(id, created, null).status()).isEqualTo(200);
        assertThat(api.get("/user/" + id).json().get("optOut").toString())
                .as("a PUT without optOut keeps it")
                .isEqualTo("[\"BIRTHDAY\"]");
        assertThat(executionTime(key)).isEmpty();

        assertThat(put(id, created, List.of()).status()).isEqualTo(200);
        assertThat(executionTime(key)).as("planned again").contains(due);

        assertThat(put(id, created, List.of("ALL")).status()).isEqualTo(200);
        CLOCK.advanceTo(due.plusSeconds(30));
        letSchedulerRun();
        assertThat(callsFor(id)).isEmpty();
        assertThat(logStatus(key)).isEmpty();
    }

    @Test
    void aGreetingWaitingForItsRetryIsSkippedWhenTheUserOptsOut() {
        String zone = "Asia/Kolkata";
        LocalDate date = localDate(zone, 1);
        JsonNode created = create(user(zone, date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", date);
        PROVIDER.answer(call -> FakeProvider.retryAfter(120));
        CLOCK.advanceTo(sendInstant(date, zone));
        Instant retryAt = awaitRetryScheduled(key);

        assertThat(put(id, created, List.of("BIRTHDAY")).status()).isEqualTo(200);

        assertThat(executionTime(key)).as("the retry is cancelled").isEmpty();
        assertThatGreeting(key).hasStatus("SKIPPED").hasLastErrorContaining("opted out");
        PROVIDER.answer(FakeProvider::accept);
        CLOCK.advanceTo(retryAt.plusSeconds(1));
        letSchedulerRun();
        assertThat(callsFor(id)).as("only the first attempt").hasSize(1);
    }

    @Test
    void aGreetingAlreadyPickedWhenTheUserOptsOutIsSkippedNotSent() {
        String zone = "Europe/Lisbon";
        LocalDate date = localDate(zone, 1);
        JsonNode created = create(user(zone, date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        // Another instance claimed the row just before the opt-out: a user write leaves it alone.
        long version =
                jdbc.sql(
                                "UPDATE scheduled_tasks SET picked = true, picked_by = 'busy-instance',"
                                        + " last_heartbeat = ?, version = version + 1"
                                        + " WHERE task_name = 'greeting' AND task_instance = ? RETURNING version")
                        .param(java.sql.Timestamp.from(CLOCK.instant()))
                        .param(key)
                        .query(Long.class)
                        .single();

        assertThat(put(id, created, List.of("ALL")).status()).isEqualTo(200);
        assertThat(executionTime(key)).as("left to its instance").contains(due);

        CLOCK.advanceTo(due);
        GreetingDelivery.Next next = delivery.deliver(GreetingId.parse(key), due, version);

        assertThat(next).isInstanceOf(GreetingDelivery.Next.Done.class);
        assertThatGreeting(key).hasStatus("SKIPPED").hasLastErrorContaining("opted out");
        assertThat(callsFor(id)).isEmpty();
    }

    @Test
    void theSendingWriteItselfRefusesAnOptedOutUser() {
        String zone = "Africa/Nairobi";
        LocalDate date = localDate(zone, 1);
        JsonNode created = create(user(zone, date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        GreetingId greeting = GreetingId.parse(greetingId(id, "BIRTHDAY", date));
        Instant due = sendInstant(date, zone);

        assertThat(put(id, created, List.of("BIRTHDAY")).status()).isEqualTo(200);

        assertThat(greetingLog.startAttempt(greeting, 0, due, due)).isEmpty();
        assertThat(logStatus(greeting.toString())).isEmpty();
    }

    private Api.Response put(UUID id, JsonNode created, List<String> optOut) {
        Map<String, Object> body =
                user(
                        created.get("timezone").asString(),
                        LocalDate.parse(created.get("birthday").asString()));
        body.put("email", created.get("email").asString());
        if (optOut != null) {
            body.put("optOut", optOut);
        }
        return api.putJson("/user/" + id, Api.json(body));
    }
}
