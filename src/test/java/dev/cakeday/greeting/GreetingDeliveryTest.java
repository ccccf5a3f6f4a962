package dev.cakeday.greeting;

import static dev.cakeday.support.FakeProvider.accept;
import static dev.cakeday.support.FakeProvider.disconnect;
import static dev.cakeday.support.FakeProvider.retryAfter;
import static dev.cakeday.support.FakeProvider.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import dev.cakeday.greeting.planning.GreetingPlanner;
import dev.cakeday.support.Api;
import dev.cakeday.support.FakeProvider;
import dev.cakeday.support.GreetingAssert;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Delivery with a moved clock against a real HTTP provider: once, on time, never early. */
class GreetingDeliveryTest extends GreetingTestSupport {

    @Autowired Scheduler scheduler;

    @Autowired GreetingPlanner planner;

    @Autowired MeterRegistry meters;

    /**
     * Greetings due together share their statements (group commit): far fewer SENDING and SENT
     * statements than greetings, and still one call and one SENT per greeting.
     */
    @Test
    void aBurstSharesItsStatementsAcrossTheSendingThreads() {
        int burst = 150;
        LocalDate date = localDate("UTC", 1);
        insertUsers(burst, "UTC", date.withYear(1990), CLOCK.instant().minus(Duration.ofDays(30)));
        assertThat(planner.planAll(CLOCK.instant())).isEqualTo(burst);
        DistributionSummary sending = batchSizes("sending");
        DistributionSummary sent = batchSizes("sent");
        long sendingBatches = sending.count();
        double sendingItems = sending.totalAmount();
        long sentBatches = sent.count();

        CLOCK.advanceTo(sendInstant(date, "UTC"));
        await(
                "the burst sent",
                DELIVERY_TIMEOUT,
                () ->
                        jdbc.sql("SELECT count(*) FROM greetings WHERE status = 'SENT'")
                                        .query(Long.class)
                                        .single()
                                == burst);

        assertThat(PROVIDER.calls()).as("one call per greeting").hasSize(burst);
        assertThat(PROVIDER.calls().stream().map(FakeProvider.Call::idempotencyKey).distinct())
                .hasSize(burst);
        assertThat(sending.totalAmount() - sendingItems)
                .as("each greeting's SENDING went through a batch")
                .isEqualTo(burst);
        assertThat(sending.count() - sendingBatches)
                .as("SENDING statements for %d greetings", burst)
                .isLessThanOrEqualTo(burst / 2);
        assertThat(sent.count() - sentBatches)
                .as("SENT statements for %d greetings", burst)
                .isLessThanOrEqualTo(burst / 2);
        // The daily planning run the clock's jump set off may have planned a row again for a
        // greeting it read just before its SENT: that row finds it sent and goes.
        await(
                "every row removed",
                DELIVERY_TIMEOUT,
                () ->
                        jdbc.sql(
                                                "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                                        .query(Long.class)
                                        .single()
                                == 0);
        assertThat(PROVIDER.calls()).as("still one call per greeting").hasSize(burst);
    }

    DistributionSummary batchSizes(String statement) {
        return meters.get("cakeday.delivery.batch.size").tag("statement", statement).summary();
    }

    @Test
    void greetingGoesOutOnceAtNineLocalWithExactTextAndKey() {
        String zone = "America/New_York";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1990));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        assertThat(executionTime(key)).contains(due);

        CLOCK.advanceTo(due.minusSeconds(30));
        letSchedulerRun();
        assertThat(callsFor(id)).as("never early").isEmpty();

        CLOCK.advanceTo(due);
        awaitStatus(key, "SENT");

        List<FakeProvider.Call> calls = callsFor(id);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).idempotencyKey()).isEqualTo(key);
        assertThat(calls.get(0).message()).isEqualTo("Hey, Ada Lovelace it's your birthday");
        assertThat(calls.get(0).at()).isAfterOrEqualTo(due);
        assertThatGreeting(key)
                .hasStatus("SENT")
                .hasAttempts(1)
                .isDueAt(due)
                .hasProviderMessageIdStartingWith("msg-")
                .wasSentWithin(DELIVERY_TIMEOUT);
        letSchedulerRun();
        assertThat(callsFor(id)).hasSize(1);
    }

    @Test
    void anniversaryHasItsOwnTextAndKey() {
        String zone = "Europe/Paris";
        LocalDate date = localDate(zone, 1);
        Map<String, Object> user = user(zone, date.plusDays(100).withYear(1985));
        user.put("anniversary", date.withYear(2015).toString());
        UUID id = UUID.fromString(create(user).get("id").asString());
        String key = greetingId(id, "ANNIVERSARY", date);

        CLOCK.advanceTo(sendInstant(date, zone));
        awaitStatus(key, "SENT");

        assertThat(callsFor(id))
                .singleElement()
                .satisfies(
                        call -> {
                            assertThat(call.idempotencyKey()).isEqualTo(key);
                            assertThat(call.message())
                                    .isEqualTo("Hey, Ada Lovelace happy anniversary");
                        });
    }

    @Test
    void anAnniversaryAddedByPutIsPlannedAndARemovedOneCancelled() {
        String zone = "Asia/Singapore";
        LocalDate date = localDate(zone, 1);
        JsonNode created = create(user(zone, date.plusDays(50).withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "ANNIVERSARY", date);
        Map<String, Object> married = user(zone, date.plusDays(50).withYear(1990));
        married.put("email", created.get("email").asString());
        married.put("anniversary", date.withYear(2020).toString());

        assertThat(api.putJson("/user/" + id, Api.json(married)).status()).isEqualTo(200);
        assertThat(executionTime(key)).contains(sendInstant(date, zone));

        married.remove("anniversary");
        assertThat(api.putJson("/user/" + id, Api.json(married)).status()).isEqualTo(200);
        assertThat(executionTime(key)).isEmpty();
        CLOCK.advanceTo(sendInstant(date, zone).plusSeconds(30));
        letSchedulerRun();
        assertThat(callsFor(id)).isEmpty();
    }

    @Test
    void correctingOnlyTheBirthYearKeepsThePlannedGreeting() {
        String zone = "Europe/Oslo";
        LocalDate date = localDate(zone, 1);
        JsonNode created = create(user(zone, date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", date);
        Timestamp owedSince =
                jdbc.sql("SELECT owed_since FROM user_occasions WHERE user_id = ?")
                        .param(id)
                        .query(Timestamp.class)
                        .single();
        Map<String, Object> corrected = user(zone, date.withYear(1991));
        corrected.put("email", created.get("email").asString());

        assertThat(api.putJson("/user/" + id, Api.json(corrected)).status()).isEqualTo(200);

        assertThat(executionTime(key)).contains(sendInstant(date, zone));
        assertThat(
                        jdbc.sql("SELECT owed_since FROM user_occasions WHERE user_id = ?")
                                .param(id)
                                .query(Timestamp.class)
                                .single())
                .isEqualTo(owedSince);
    }

    @Test
    void aUserEditDuringARetryKeepsTheRetryDelay() {
        String zone = "Asia/Dubai";
        LocalDate date = localDate(zone, 1);
        JsonNode created = create(user(zone, date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", date);
        PROVIDER.answer(call -> retryAfter(120));
        CLOCK.advanceTo(sendInstant(date, zone));
        Instant retryAt = awaitRetryScheduled(key);

        Map<String, Object> married = user(zone, date.withYear(1990));
        married.put("email", created.get("email").asString());
        married.put("anniversary", date.plusDays(40).withYear(2019).toString());
        assertThat(api.putJson("/user/" + id, Api.json(married)).status()).isEqualTo(200);
        assertThat(executionTime(key)).contains(retryAt);

        married.put("timezone", "Asia/Muscat");
        assertThat(api.putJson("/user/" + id, Api.json(married)).status()).isEqualTo(200);
        assertThat(executionTime(key))
                .as("a zone change keeps the retry delay too")
                .contains(retryAt);
        assertThat(callsFor(id)).hasSize(1);
    }

    @Test
    void theLastRetryIsMadeBeforeTheDeadlineNotGivenUpEarly() {
        String zone = "Europe/Warsaw";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1990));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        Instant deadline = due.plus(Duration.ofDays(3));
        PROVIDER.answer(call -> status(503, "{\"error\":\"maintenance\"}"));
        CLOCK.advanceTo(due);
        awaitRetryScheduled(key);

        CLOCK.advanceTo(deadline.minusSeconds(20));
        await("the second failure", DELIVERY_TIMEOUT, () -> callsFor(id).size() == 2);
        awaitRetryScheduled(key);

        assertThat(logStatus(key)).contains("SENDING");
        assertThat(executionTime(key))
                .hasValueSatisfying(
                        next ->
                                assertThat(next)
                                        .isBefore(deadline)
                                        .isAfterOrEqualTo(deadline.minusSeconds(20)));
    }

    @Test
    void threeServerErrorsThenSuccessDeliversOnceAfterFourAttemptsWithGrowingBackoff() {
        String zone = "Asia/Tokyo";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1991));
        String key = greetingId(id, "BIRTHDAY", date);
        AtomicInteger calls = new AtomicInteger();
        PROVIDER.answer(
                call ->
                        calls.incrementAndGet() <= 3
                                ? status(500, "{\"error\":\"boom\"}")
                                : accept(call));

        CLOCK.advanceTo(sendInstant(date, zone));
        for (int failure = 1; failure <= 3; failure++) {
            int expected = failure;
            await("failure " + failure, DELIVERY_TIMEOUT, () -> callsFor(id).size() == expected);
            awaitRetryScheduled(key);
            GreetingAssert log =
                    assertThatGreeting(key)
                            .hasStatus("SENDING")
                            .hasAttempts(failure)
                            .hasLastErrorContaining("HTTP 500", "boom");
            Instant next = log.nextAttemptAt();
            Duration ceiling = Duration.ofSeconds(30L << (failure - 1));
            assertThat(Duration.between(log.failedOrRetriedAt(), next))
                    .isBetween(Duration.ZERO, ceiling);
            assertThat(executionTime(key)).contains(next);
            CLOCK.advanceTo(next);
        }
        awaitStatus(key, "SENT");

        assertThat(callsFor(id))
                .hasSize(4)
                .allSatisfy(call -> assertThat(call.idempotencyKey()).isEqualTo(key));
        assertThat(callsFor(id).stream().filter(call -> call.status() == 200)).hasSize(1);
        assertThatGreeting(key)
                .hasStatus("SENT")
                .hasAttempts(4)
                .hasUncertainAttempts(0)
                .hasNoLastError();
    }

    @Test
    void badRequestIsFailedWithTheProvidersReasonAndNotRetried() {
        String zone = "Europe/London";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1992));
        String key = greetingId(id, "BIRTHDAY", date);
        PROVIDER.answer(call -> status(400, "{\"error\":\"invalid email address\"}"));

        CLOCK.advanceTo(sendInstant(date, zone));
        awaitStatus(key, "FAILED");
        CLOCK.advance(Duration.ofHours(2));
        letSchedulerRun();

        assertThat(callsFor(id)).hasSize(1);
        assertThatGreeting(key)
                .hasStatus("FAILED")
                .hasAttempts(1)
                .hasLastErrorContaining("HTTP 400", "invalid email address");
        assertThat(executionTime(key)).isEmpty();
    }

    /**
     * A wrong URL or key is Cakeday's fault, not the greeting's: retried until fixed, never FAILED.
     */
    @Test
    void aMisconfiguredProviderIsRetriedUntilFixedNotFailed() {
        String zone = "Europe/Madrid";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1991));
        String key = greetingId(id, "BIRTHDAY", date);
        PROVIDER.answer(call -> status(401, "{\"error\":\"invalid api key\"}"));

        CLOCK.advanceTo(sendInstant(date, zone));
        Instant next = awaitRetryScheduled(key);
        assertThat(logStatus(key)).contains("SENDING");
        assertThatGreeting(key)
                .hasLastErrorContaining("misconfigured", "HTTP 401", "invalid api key");

        PROVIDER.answer(FakeProvider::accept);
        CLOCK.advanceTo(next);
        awaitStatus(key, "SENT");
        assertThat(callsFor(id)).extracting(FakeProvider.Call::status).containsExactly(401, 200);
    }

    /**
     * A handler that throws (here: a zone no one can read, written by hand) ends at max-lateness,
     * not never.
     */
    @Test
    void aGreetingWhoseHandlerKeepsFailingIsExpiredAtMaxLatenessWithTheError() {
        LocalDate date = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
        UUID id =
                jdbc.sql(
                                """
                INSERT INTO users (first_name, last_name, email, birthday, timezone, created_at, updated_at)
                VALUES ('Broken', 'Zone', :email, :birthday, 'Mars/Olympus_Mons', now(), now()) RETURNING id""")
                        .param(
                                "email",
                                "broken-"
                                        + UUID.randomUUID().toString().substring(0, 8)
                                        + "@example.com")
                        .param("birthday", date.withYear(1990))
                        .query(UUID.class)
                        .single();
        String key = greetingId(id, "BIRTHDAY", date);
        try {
            jdbc.sql(
                            "INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version) "
                                    + "VALUES ('greeting', ?, ?, false, 1)")
                    .params(key, CLOCK.instant().atOffset(ZoneOffset.UTC))
                    .update();

            await(
                    "the failed run rescheduled",
                    DELIVERY_TIMEOUT,
                    () -> executionTime(key).filter(at -> at.isAfter(CLOCK.instant())).isPresent());
            assertThat(logStatus(key))
                    .as("retried, not ended, while still within max-lateness")
                    .isEmpty();

            CLOCK.advanceTo(
                    date.plusDays(4).atTime(12, 0).toInstant(ZoneOffset.UTC).plusSeconds(1));
            awaitStatus(key, "EXPIRED");
            assertThatGreeting(key)
                    .hasStatus("EXPIRED")
                    .hasLastErrorContaining("handler kept failing", "ZoneRulesException");
            assertThat(callsFor(id)).isEmpty();
        } finally {
            // No other test may meet a user no one can read.
            jdbc.sql("DELETE FROM users WHERE id = ?").param(id).update();
        }
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        String zone = "Australia/Sydney";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1993));
        String key = greetingId(id, "BIRTHDAY", date);
        AtomicInteger calls = new AtomicInteger();
        PROVIDER.answer(call -> calls.incrementAndGet() == 1 ? retryAfter(120) : accept(call));

        CLOCK.advanceTo(sendInstant(date, zone));
        Instant next = awaitRetryScheduled(key);
        Instant rateLimitedAt = callsFor(id).get(0).at();
        assertThat(next).isAfterOrEqualTo(rateLimitedAt.plusSeconds(120));
        assertThat(next).isBefore(rateLimitedAt.plusSeconds(125));

        CLOCK.advanceTo(rateLimitedAt.plusSeconds(118));
        letSchedulerRun();
        assertThat(callsFor(id)).hasSize(1);

        CLOCK.advanceTo(next);
        awaitStatus(key, "SENT");
        assertThat(callsFor(id)).hasSize(2);
        assertThat(callsFor(id).get(1).at()).isAfterOrEqualTo(rateLimitedAt.plusSeconds(120));
    }

    @Test
    void providerDownPastMaxLatenessIsExpiredAndNeverSentAfterwards() {
        String zone = "America/Chicago";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1994));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        PROVIDER.answer(call -> disconnect());

        CLOCK.advanceTo(due);
        awaitRetryScheduled(key);
        CLOCK.advanceTo(due.plus(Duration.ofDays(3)).plusSeconds(1));
        awaitStatus(key, "EXPIRED");
        int callsWhileDown = callsFor(id).size();

        PROVIDER.answer(FakeProvider::accept);
        CLOCK.advance(Duration.ofHours(1));
        planner.planAll(CLOCK.instant());
        letSchedulerRun();

        assertThat(callsFor(id)).hasSize(callsWhileDown);
        assertThat(logStatus(key)).contains("EXPIRED");
        assertThat(executionTime(key)).isEmpty();
    }

    @Test
    void serviceStoppedOverTheDueTimeDeliversLateWhenBackADayLater() {
        String zone = "Europe/Berlin";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1995));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);

        scheduler.pause();
        try {
            CLOCK.advanceTo(due.plus(Duration.ofDays(1)));
            letSchedulerRun();
            assertThat(callsFor(id)).isEmpty();
        } finally {
            scheduler.resume();
        }
        awaitStatus(key, "SENT");

        assertThat(callsFor(id)).hasSize(1);
        assertThatGreeting(key)
                .hasStatus("SENT")
                .wasSentLateBy(Duration.ofDays(1), Duration.ofDays(1).plusMinutes(1));
    }

    @Test
    void plannerLookingBackRecoversAGreetingWhoseRowWasMissing() {
        String zone = "America/Sao_Paulo";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1996));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        scheduler.pause();
        try {
            jdbc.sql("DELETE FROM scheduled_tasks WHERE task_instance = ?").param(key).update();
            CLOCK.advanceTo(due.plus(Duration.ofHours(30)));
            planner.planAll(CLOCK.instant());
            assertThat(executionTime(key)).contains(due);
        } finally {
            scheduler.resume();
        }
        awaitStatus(key, "SENT");
        assertThat(callsFor(id)).hasSize(1);
    }

    @Test
    void userCreatedTodayWhoseBirthdayWasYesterdayGetsNothingUntilNextYear() {
        String zone = "Asia/Kolkata";
        LocalDate yesterday = localDate(zone, -1);
        JsonNode created = create(user(zone, yesterday.withYear(1997)));
        UUID id = UUID.fromString(created.get("id").asString());

        planner.planAll(CLOCK.instant());
        assertThat(greetingRows(id)).isZero();
        CLOCK.advance(Duration.ofHours(1));
        letSchedulerRun();
        assertThat(callsFor(id)).isEmpty();

        JsonNode upcoming = created.get("upcomingGreetings").get(0);
        LocalDate nextYear = yesterday.withYear(yesterday.getYear() + 1);
        assertThat(upcoming.get("date").asString()).isEqualTo(nextYear.toString());
        assertThat(upcoming.get("sendAt").asString())
                .isEqualTo(sendInstant(nextYear, zone).toString());
    }

    @Test
    void createdOnTheBirthdayAfterTheSendTimeIsGreetedAtOnce() {
        String zone = zoneWhereLocalTimeIsBetween(LocalTime.of(10, 0), LocalTime.of(22, 0));
        LocalDate today = localDate(zone, 0);
        JsonNode created = create(user(zone, today.withYear(1998)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", today);

        JsonNode upcoming = created.get("upcomingGreetings").get(0);
        assertThat(upcoming.get("date").asString()).isEqualTo(today.toString());
        assertThat(upcoming.get("sendAt").asString())
                .isEqualTo(created.get("createdAt").asString());

        awaitStatus(key, "SENT");
        assertThat(callsFor(id)).hasSize(1);
    }

    @Test
    void createdOnTheBirthdayBeforeTheSendTimeIsGreetedAtTheSendTime() {
        String zone = zoneWhereLocalTimeIsBetween(LocalTime.of(1, 0), LocalTime.of(8, 0));
        LocalDate today = localDate(zone, 0);
        JsonNode created = create(user(zone, today.withYear(1999)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", today);
        Instant due = sendInstant(today, zone);

        assertThat(created.get("upcomingGreetings").get(0).get("sendAt").asString())
                .isEqualTo(due.toString());
        assertThat(executionTime(key)).contains(due);
        letSchedulerRun();
        assertThat(callsFor(id)).isEmpty();

        CLOCK.advanceTo(due);
        awaitStatus(key, "SENT");
    }

    @Test
    void changingTheZoneBeforeTheDueTimeSendsAtTheNewInstantOnly() {
        LocalDate date = localDate("Europe/London", 1);
        JsonNode created = create(user("Europe/London", date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", date);
        Instant londonDue = sendInstant(date, "Europe/London");
        Instant laDue = sendInstant(date, "America/Los_Angeles");

        Map<String, Object> moved = user("America/Los_Angeles", date.withYear(1990));
        moved.put("email", created.get("email").asString());
        Api.Response response = api.putJson("/user/" + id, Api.json(moved));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("upcomingGreetings").get(0).get("sendAt").asString())
                .isEqualTo(laDue.toString());
        assertThat(executionTime(key)).contains(laDue);

        CLOCK.advanceTo(londonDue);
        letSchedulerRun();
        assertThat(callsFor(id)).isEmpty();

        CLOCK.advanceTo(laDue);
        awaitStatus(key, "SENT");
        assertThat(callsFor(id))
                .singleElement()
                .satisfies(call -> assertThat(call.at()).isAfterOrEqualTo(laDue));
    }

    @Test
    void deletingTheUserBeforeTheDueTimeSendsNothing() {
        String zone = "Africa/Lagos";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1990));
        assertThat(greetingRows(id)).isEqualTo(1);

        assertThat(api.delete("/user/" + id).status()).isEqualTo(204);
        assertThat(greetingRows(id)).isZero();

        CLOCK.advanceTo(sendInstant(date, zone).plusSeconds(60));
        letSchedulerRun();
        assertThat(callsFor(id)).isEmpty();
    }

    @Test
    void changingTheZoneAfterDeliveryTheSameDaySendsNoSecondGreeting() {
        LocalDate date = localDate("Asia/Tokyo", 1);
        JsonNode created = create(user("Asia/Tokyo", date.withYear(1990)));
        UUID id = UUID.fromString(created.get("id").asString());
        String key = greetingId(id, "BIRTHDAY", date);
        CLOCK.advanceTo(sendInstant(date, "Asia/Tokyo"));
        awaitStatus(key, "SENT");

        Map<String, Object> moved = user("Pacific/Honolulu", date.withYear(1990));
        moved.put("email", created.get("email").asString());
        Api.Response response = api.putJson("/user/" + id, Api.json(moved));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("upcomingGreetings").get(0).get("date").asString())
                .isEqualTo(date.plusYears(1).toString());

        CLOCK.advanceTo(sendInstant(date, "Pacific/Honolulu").plusSeconds(60));
        planner.planAll(CLOCK.instant());
        letSchedulerRun();
        assertThat(callsFor(id)).hasSize(1);
    }

    @Test
    void nameAndEmailChangesApplyToAPlannedGreeting() {
        String zone = "Europe/Madrid";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1990));
        Map<String, Object> renamed = user(zone, date.withYear(1990));
        renamed.put("lastName", "King");
        renamed.put("email", "ada.king@example.com");
        assertThat(api.putJson("/user/" + id, Api.json(renamed)).status()).isEqualTo(200);

        CLOCK.advanceTo(sendInstant(date, zone));
        awaitStatus(greetingId(id, "BIRTHDAY", date), "SENT");

        assertThat(callsFor(id))
                .singleElement()
                .satisfies(
                        call -> {
                            assertThat(call.message())
                                    .isEqualTo("Hey, Ada King it's your birthday");
                            assertThat(call.email()).isEqualTo("ada.king@example.com");
                        });
    }

    @Test
    void aRowDueBeforeItsSendInstantIsPutBackNotSent() {
        String zone = "America/Denver";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1990));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        jdbc.sql("UPDATE scheduled_tasks SET execution_time = ? WHERE task_instance = ?")
                .param(Timestamp.from(CLOCK.instant().minusSeconds(60)))
                .param(key)
                .update();
        scheduler.triggerCheckForDueExecutions();

        await(
                "the row put back at its send instant",
                DELIVERY_TIMEOUT,
                () -> executionTime(key).filter(due::equals).isPresent());
        assertThat(callsFor(id)).isEmpty();
        assertThat(logStatus(key)).isEmpty();
    }

    @Test
    void aGreetingWhoseDateNoLongerMatchesOrWhoseUserIsGoneIsSkipped() {
        String zone = "UTC";
        UUID id = createUser(zone, localDate(zone, 10).withYear(1990));
        String staleDate = greetingId(id, "BIRTHDAY", localDate(zone, 0));
        String goneUser = greetingId(UUID.randomUUID(), "BIRTHDAY", localDate(zone, 0));
        for (String key : List.of(staleDate, goneUser)) {
            jdbc.sql(
                            """
                    INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                    VALUES ('greeting', ?, ?, false, 1)""")
                    .param(key)
                    .param(Timestamp.from(CLOCK.instant()))
                    .update();
        }
        scheduler.triggerCheckForDueExecutions();

        awaitStatus(staleDate, "SKIPPED");
        awaitStatus(goneUser, "SKIPPED");
        assertThatGreeting(staleDate)
                .hasStatus("SKIPPED")
                .hasLastErrorContaining("no longer falls on");
        assertThatGreeting(goneUser).hasStatus("SKIPPED").hasLastErrorContaining("deleted");
        assertThat(PROVIDER.calls()).isEmpty();
    }

    /**
     * An instance that recorded SENT and died before removing the row: the re-run sends nothing.
     */
    @Test
    void aRowWhoseGreetingTheLogHoldsAsSentIsRemovedWithoutASend() {
        String zone = "Asia/Tokyo";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1990));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, sent_at,
                                       provider_message_id, created_at, updated_at)
                VALUES (?, ?, 'BIRTHDAY', ?, ?, 'SENT', 1, ?, 'msg-earlier', ?, ?)""")
                .params(
                        key,
                        id,
                        date,
                        Timestamp.from(due),
                        Timestamp.from(due),
                        Timestamp.from(due),
                        Timestamp.from(due))
                .update();

        CLOCK.advanceTo(due.plusSeconds(1));
        await("the row removed", DELIVERY_TIMEOUT, () -> executionTime(key).isEmpty());
        assertThat(callsFor(id)).isEmpty();
        assertThatGreeting(key)
                .hasStatus("SENT")
                .hasAttempts(1)
                .hasProviderMessageId("msg-earlier");
    }

    /** A fixed-offset region zone (Etc/GMT±h) whose local time now lies in the given range. */
    static String zoneWhereLocalTimeIsBetween(LocalTime from, LocalTime to) {
        for (int hours = -12; hours <= 14; hours++) {
            String zone =
                    hours == 0 ? "Etc/GMT" : "Etc/GMT" + (hours > 0 ? "-" : "+") + Math.abs(hours);
            LocalTime local = CLOCK.instant().atZone(ZoneId.of(zone)).toLocalTime();
            if (local.isAfter(from) && local.isBefore(to)) {
                return zone;
            }
        }
        throw new IllegalStateException(
                "no zone has a local time between "
                        + from
                        + " and "
                        + to
                        + " at "
                        + CLOCK.instant().atOffset(ZoneOffset.UTC));
    }
}
