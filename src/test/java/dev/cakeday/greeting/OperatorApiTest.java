package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.delivery.GreetingLogRepository;
import dev.cakeday.greeting.delivery.GreetingRetry;
import dev.cakeday.greeting.delivery.GreetingTransition;
import dev.cakeday.support.Api;
import dev.cakeday.support.FakeProvider;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The operators' API from outside: the log across users, the hours ahead, the last days, and the
 * retry of failed greetings, one or a range, with what each refuses and what the database holds
 * afterwards.
 */
class OperatorApiTest extends GreetingTestSupport {

    static final String ZONE = "Europe/Vienna";

    @Autowired GreetingLogRepository greetingLog;

    /**
     * The greetings a test re-opened are due at once: none may still be on its way to the provider
     * when the next test class counts the calls.
     */
    @AfterEach
    void leaveNothingInFlight() {
        await(
                "no greeting row left, picked or not",
                DELIVERY_TIMEOUT,
                () -> {
                    jdbc.sql(
                                    "DELETE FROM scheduled_tasks WHERE task_name = 'greeting' AND NOT picked")
                            .update();
                    return jdbc.sql(
                                            "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                                    .query(Long.class)
                                    .single()
                            == 0;
                });
    }

    @Test
    void aRetryReopensAFailedGreetingUnderTheSameKeyAndTheProviderThenTakesIt() {
        LocalDate birthday = localDate(ZONE, 1);
        Map<String, Object> body = user(ZONE, birthday.withYear(1990));
        UUID userId = UUID.fromString(create(body).get("id").asString());
        String id = greetingId(userId, "BIRTHDAY", birthday);
        PROVIDER.answer(call -> FakeProvider.status(422, "{\"message\":\"mailbox refused\"}"));
        CLOCK.advanceTo(sendInstant(birthday, ZONE));
        awaitStatus(id, "FAILED");

        JsonNode failed = api.get("/greetings?status=FAILED").json().get("greetings");
        assertThat(failed.findValuesAsString("id")).containsExactly(id);
        assertThat(failed.get(0).get("lastError").asString()).contains("mailbox refused");
        assertThat(failed.get(0).get("maskedEmail").asString())
                .isNotEqualTo(body.get("email"))
                .contains("***")
                .endsWith("@example.com");

        PROVIDER.answer(FakeProvider::accept);
        Api.Response retried = api.send("POST", "/greetings/" + id + "/retry", null, null);

        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("status").asString()).isEqualTo("SENDING");
        assertThat(retried.json().get("retriedBy").asString()).isEqualTo("anonymous");
        assertThat(retried.json().get("retriedAt").asString())
                .isEqualTo(retried.json().get("nextAttemptAt").asString());
        awaitStatus(id, "SENT");
        assertThat(callsFor(userId))
                .extracting(FakeProvider.Call::idempotencyKey)
                .containsExactly(id, id);
        // 1: the rejected call; 2: the retry, under which no call is made; 3: the call it planned.
        assertThatGreeting(id).hasStatus("SENT").hasAttempts(3).hasUncertainAttempts(0);
        Map<String, Object> request =
                jdbc.sql(
                                "SELECT asked_by, previous_status, previous_error, forced FROM greeting_retries"
                                        + " WHERE greeting_id = ?")
                        .param(id)
                        .query()
                        .singleRow();
        assertThat(request)
                .containsEntry("asked_by", "anonymous")
                .containsEntry("previous_status", "FAILED")
                .containsEntry("forced", false);
        assertThat((String) request.get("previous_error")).contains("mailbox refused");

        Api.Response again = api.send("POST", "/greetings/" + id + "/retry", null, null);
        assertRefused(again, "SENT");
    }

    @Test
    void aRetryIsRefusedWhenTheGreetingCouldNotGoOutAndNothingChanges() {
        LocalDate date = localDate(ZONE, 2);
        UUID deleted = createUser(ZONE, date.withYear(1990));
        UUID moved = createUser(ZONE, date.withYear(1991));
        UUID optedOut = createUser(ZONE, date.withYear(1992));
        UUID skipped = createUser(ZONE, date.withYear(1993));
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        String deletedId = logged(deleted, date, "FAILED", Duration.ZERO);
        String movedId = logged(moved, date, "EXPIRED", Duration.ZERO);
        String optedOutId = logged(optedOut, date, "FAILED", Duration.ZERO);
        String skippedId = logged(skipped, date, "SKIPPED", Duration.ZERO);
        assertThat(api.delete("/user/" + deleted).status()).isEqualTo(204);
        Map<String, Object> changed = user(ZONE, date.plusDays(3).withYear(1991));
        assertThat(api.putJson("/user/" + moved, Api.json(changed)).status()).isEqualTo(200);
        Map<String, Object> out = user(ZONE, date.withYear(1992));
        out.put("optOut", List.of("ALL"));
        assertThat(api.putJson("/user/" + optedOut, Api.json(out)).status()).isEqualTo(200);

        assertRefused(retry(deletedId), "USER_DELETED");
        assertRefused(retry(movedId), "DATE_CHANGED");
        assertRefused(retry(optedOutId), "OPTED_OUT");
        assertRefused(retry(skippedId), "SKIPPED");

        assertThat(logStatus(deletedId)).contains("FAILED");
        assertThat(logStatus(movedId)).contains("EXPIRED");
        assertThat(logStatus(optedOutId)).contains("FAILED");
        assertThat(executionTime(deletedId)).isEmpty();
        assertThat(executionTime(movedId)).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM greeting_retries").query(Long.class).single())
                .isZero();

        Api.Response unknown = retry(UUID.randomUUID() + ":BIRTHDAY:" + date);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).isEqualTo("application/problem+json");
        Api.Response malformed = retry("not-a-greeting");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("detail").asString()).contains("not a greeting id");
    }

    @Test
    void aGreetingPastMaxLatenessNeedsForceAndThenGoesOutInsteadOfExpiring() {
        LocalDate date = localDate(ZONE, -4);
        UUID userId = createUser(ZONE, date.withYear(1990));
        owedSinceLongAgo(userId);
        String id = logged(userId, date, "EXPIRED", Duration.ZERO);

        assertRefused(retry(id), "PAST_MAX_LATENESS");
        assertThat(logStatus(id)).contains("EXPIRED");
        assertThat(executionTime(id)).isEmpty();

        Api.Response forced =
                api.send("POST", "/greetings/" + id + "/retry?force=true", null, null);
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
        awaitStatus(id, "SENT");
        assertThat(callsFor(userId))
                .extracting(FakeProvider.Call::idempotencyKey)
                .containsExactly(id);
        assertThat(
                        jdbc.sql("SELECT forced FROM greeting_retries WHERE greeting_id = ?")
                                .param(id)
                                .query(Boolean.class)
                                .single())
                .isTrue();
    }

    @Test
    void aRangeRetryCountsFirstOnADryRunThenReopensWhatItCan() {
        LocalDate today = localDate(ZONE, 0);
        LocalDate soon = today.plusDays(2);
        UUID ready = createUser(ZONE, soon.withYear(1990));
        UUID gone = createUser(ZONE, soon.withYear(1991));
        UUID old = createUser(ZONE, today.minusDays(4).withYear(1992));
        UUID outOfRange = createUser(ZONE, today.minusDays(10).withYear(1993));
        owedSinceLongAgo(old);
        owedSinceLongAgo(outOfRange);
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        String readyId = logged(ready, soon, "FAILED", Duration.ZERO);
        logged(gone, soon, "FAILED", Duration.ZERO);
        String oldId = logged(old, today.minusDays(4), "FAILED", Duration.ZERO);
        String outOfRangeId = logged(outOfRange, today.minusDays(10), "FAILED", Duration.ZERO);
        api.delete("/user/" + gone);
        String range = "status=FAILED&from=" + today.minusDays(5) + "&to=" + soon;
        PROVIDER.answer(call -> FakeProvider.status(503, "{}"));

        JsonNode dryRun = post("/greetings/retry?dryRun=true&" + range);
        assertThat(dryRun.get("dryRun").asBoolean()).isTrue();
        assertThat(dryRun.get("matched").asInt()).isEqualTo(3);
        assertThat(dryRun.get("retried").asInt()).isEqualTo(1);
        assertThat(dryRun.get("refused").get("USER_DELETED").asInt()).isEqualTo(1);
        assertThat(dryRun.get("refused").get("PAST_MAX_LATENESS").asInt()).isEqualTo(1);
        assertThat(
                        jdbc.sql("SELECT count(*) FROM greetings WHERE status = 'FAILED'")
                                .query(Long.class)
                                .single())
                .isEqualTo(4);
        assertThat(executionTime(readyId)).isEmpty();

        JsonNode done = post("/greetings/retry?" + range);
        assertThat(done.get("dryRun").asBoolean()).isFalse();
        assertThat(done.get("retried").asInt()).isEqualTo(1);
        assertThat(logStatus(readyId)).contains("SENDING");
        assertThat(logStatus(oldId)).contains("FAILED");
        assertThat(logStatus(outOfRangeId)).contains("FAILED");

        JsonNode forced = post("/greetings/retry?force=true&" + range);
        assertThat(forced.get("matched").asInt()).isEqualTo(2);
        assertThat(forced.get("retried").asInt()).isEqualTo(1);
        assertThat(logStatus(oldId)).contains("SENDING");
        assertThat(jdbc.sql("SELECT count(*) FROM greeting_retries").query(Long.class).single())
                .isEqualTo(2);

        assertBadRequest("/greetings/retry?status=SENT&from=" + today + "&to=" + today, "status");
        assertBadRequest(
                "/greetings/retry?status=FAILED&from=" + today + "&to=" + today.minusDays(1), "to");
        assertBadRequest(
                "/greetings/retry?status=FAILED&from=" + today.minusDays(366) + "&to=" + today,
                "to");
        assertThat(api.send("POST", "/greetings/retry?status=FAILED", null, null).status())
                .isEqualTo(400);
        assertThat(
                        api.send(
                                        "POST",
                                        "/greetings/retry?status=FAILED&from=x&to=" + today,
                                        null,
                                        null)
                                .status())
                .isEqualTo(400);
    }

    @Test
    void theLogPagesNewestFirstWithFiltersAndMasksEveryAddress() {
        LocalDate today = localDate(ZONE, 0);
        Map<String, Object> aBody = user(ZONE, today.plusDays(2).withYear(1990));
        Map<String, Object> bBody = user(ZONE, today.plusDays(2).withYear(1991));
        UUID a = UUID.fromString(create(aBody).get("id").asString());
        UUID b = UUID.fromString(create(bBody).get("id").asString());
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        String a1 = logged(a, today.minusDays(2), "SENT", Duration.ZERO);
        String a2 = logged(a, today.minusDays(1), "FAILED", Duration.ZERO);
        String b1 = logged(b, today.minusDays(1), "SENT", Duration.ZERO);
        String b2 = logged(b, today, "SKIPPED", Duration.ZERO);
        api.delete("/user/" + b);

        JsonNode first = api.get("/greetings?limit=3").json();
        List<String> expected =
                List.of(b2, a2.compareTo(b1) > 0 ? a2 : b1, a2.compareTo(b1) > 0 ? b1 : a2, a1);
        assertThat(first.get("greetings").findValuesAsString("id"))
                .containsExactlyElementsOf(expected.subList(0, 3));
        JsonNode second =
                api.get("/greetings?limit=3&after=" + first.get("next").asString()).json();
        assertThat(second.get("greetings").findValuesAsString("id")).containsExactly(a1);
        assertThat(second.get("next").isNull()).isTrue();

        JsonNode deletedUsers = api.get("/greetings?status=SKIPPED").json().get("greetings");
        assertThat(deletedUsers.findValuesAsString("id")).containsExactly(b2);
        assertThat(deletedUsers.get(0).get("maskedEmail").isNull()).isTrue();
        assertThat(deletedUsers.get(0).get("userId").asString()).isEqualTo(b.toString());
        assertThat(
                        api.get(
                                        "/greetings?from="
                                                + today.minusDays(1)
                                                + "&to="
                                                + today.minusDays(1))
                                .json()
                                .get("greetings")
                                .findValuesAsString("id"))
                .containsExactlyInAnyOrder(a2, b1);
        assertThat(api.get("/greetings?occasion=anniversary").json().get("greetings")).isEmpty();
        String inFlight = logged(a, today.minusDays(3), "SENDING", Duration.ZERO);
        assertThat(
                        api.get("/greetings?status=SENDING")
                                .json()
                                .get("greetings")
                                .findValuesAsString("id"))
                .as("in flight or waiting for a retry")
                .containsExactly(inFlight);
        assertThat(api.get("/greetings").body())
                .contains("***@example.com")
                .doesNotContain((String) aBody.get("email"))
                .doesNotContain((String) bBody.get("email"));

        for (String bad :
                List.of(
                        "/greetings?status=LOST",
                        "/greetings?occasion=EASTER",
                        "/greetings?limit=0",
                        "/greetings?limit=501",
                        "/greetings?from=yesterday",
                        "/greetings?after=nonsense")) {
            Api.Response response = api.get(bad);
            assertThat(response.status()).as(bad).isEqualTo(400);
            assertThat(response.contentType()).as(bad).isEqualTo("application/problem+json");
        }
    }

    @Test
    void theHoursAheadCountPlannedRowsAndBeyondTheHorizonWhatThePlannerWillPlan() {
        String tokyo = "Asia/Tokyo";
        LocalDate tomorrow = localDate(ZONE, 1);
        LocalDate later = localDate(tokyo, 5);
        createUser(ZONE, tomorrow.withYear(1990));
        createUser(ZONE, tomorrow.withYear(1991));
        Map<String, Object> both = user(tokyo, later.withYear(1992));
        both.put("anniversary", later.withYear(2015).toString());
        UUID tokyoUser = UUID.fromString(create(both).get("id").asString());
        Instant tomorrowHour = sendInstant(tomorrow, ZONE).truncatedTo(ChronoUnit.HOURS);
        Instant laterHour = sendInstant(later, tokyo).truncatedTo(ChronoUnit.HOURS);
        assertThat(greetingRows(tokyoUser)).as("beyond the planning horizon").isZero();

        JsonNode upcoming = api.get("/greetings/upcoming?hours=168").json();

        Instant from = CLOCK.instant().truncatedTo(ChronoUnit.HOURS);
        assertThat(upcoming.get("from").asString()).isEqualTo(from.toString());
        assertThat(upcoming.get("hours")).hasSize(168);
        long total = 0;
        for (JsonNode hour : upcoming.get("hours")) {
            Instant start = Instant.parse(hour.get("start").asString());
            total += hour.get("total").asLong();
            if (start.equals(tomorrowHour)) {
                assertThat(hour.get("byOccasion").get("BIRTHDAY").asLong()).isEqualTo(2);
            } else if (start.equals(laterHour)) {
                assertThat(hour.get("byOccasion").get("BIRTHDAY").asLong()).isEqualTo(1);
                assertThat(hour.get("byOccasion").get("ANNIVERSARY").asLong()).isEqualTo(1);
            } else {
                assertThat(hour.get("total").asLong()).as(start.toString()).isZero();
            }
        }
        assertThat(total).isEqualTo(4);
        assertThat(api.get("/greetings/upcoming?hours=169").status()).isEqualTo(400);
        assertThat(api.get("/greetings/upcoming?hours=0").status()).isEqualTo(400);
    }

    @Test
    void theSummaryCountsOutcomesPerDayWithLateness() {
        LocalDate today = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
        UUID[] users = new UUID[5];
        for (int i = 0; i < users.length; i++) {
            users[i] = createUser(ZONE, today.minusDays(30).withYear(1980 + i));
        }
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        logged(users[0], today, "SENT", Duration.ofSeconds(1));
        logged(users[1], today, "SENT", Duration.ofSeconds(3));
        logged(users[2], today, "FAILED", Duration.ZERO);
        logged(users[3], today, "SKIPPED", Duration.ZERO);
        logged(users[4], today.minusDays(1), "EXPIRED", Duration.ZERO);

        JsonNode days = api.get("/greetings/summary?days=7").json().get("days");

        assertThat(days).hasSize(7);
        assertThat(days.get(6).get("date").asString()).isEqualTo(today.toString());
        JsonNode now = days.get(6);
        assertThat(now.get("sent").asLong()).isEqualTo(2);
        assertThat(now.get("failed").asLong()).isEqualTo(1);
        assertThat(now.get("skipped").asLong()).isEqualTo(1);
        assertThat(now.get("latenessP50Ms").asLong()).isEqualTo(2000);
        assertThat(now.get("latenessP99Ms").asLong()).isEqualTo(2980);
        JsonNode yesterday = days.get(5);
        assertThat(yesterday.get("expired").asLong()).isEqualTo(1);
        assertThat(yesterday.get("latenessP50Ms").isNull()).isTrue();
        assertThat(days.get(0).get("date").asString()).isEqualTo(today.minusDays(6).toString());
        assertThat(api.get("/greetings/summary?days=91").status()).isEqualTo(400);
    }

    @Test
    void aGreetingWhoseRowIsStillQueuedOrThatIsNotOwedIsRefused() {
        LocalDate date = localDate(ZONE, 2);
        UUID queued = createUser(ZONE, date.withYear(1990));
        UUID notOwed = createUser(ZONE, date.withYear(1991));
        String queuedId = logged(queued, date, "FAILED", Duration.ZERO);
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_instance = ?")
                .param(greetingId(notOwed, "BIRTHDAY", date))
                .update();
        LocalDate lastYear = date.minusYears(1);
        String notOwedId = logged(notOwed, lastYear, "FAILED", Duration.ZERO);
        Instant rowBefore = executionTime(queuedId).orElseThrow();

        assertRefused(retry(queuedId), "IN_PROGRESS");
        assertRefused(
                api.send("POST", "/greetings/" + notOwedId + "/retry?force=true", null, null),
                "NOT_OWED");

        assertThat(executionTime(queuedId)).contains(rowBefore);
        assertThat(logStatus(notOwedId)).contains("FAILED");
        assertThat(executionTime(notOwedId)).isEmpty();
    }

    @Test
    void aLateWriteOfTheAttemptThatEndedTheGreetingCannotUndoARetry() {
        LocalDate date = localDate(ZONE, 2);
        UUID userId = createUser(ZONE, date.withYear(1990));
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        String id = logged(userId, date, "EXPIRED", Duration.ZERO);

        assertThat(retry(id).status()).isEqualTo(200);

        // Attempt 1 ended the greeting; an instance still holding it answers late.
        Instant now = CLOCK.instant();
        assertThat(
                        greetingLog.close(
                                GreetingId.parse(id),
                                GreetingTransition.REJECTED,
                                1,
                                "late",
                                now,
                                now))
                .isFalse();
        assertThat(greetingLog.retryLater(GreetingId.parse(id), 1, "late", now, now, false))
                .isFalse();
        assertThatGreeting(id).hasStatus("SENDING").hasAttempts(2);
        assertThat(
                        jdbc.sql("SELECT version FROM scheduled_tasks WHERE task_instance = ?")
                                .param(id)
                                .query(Long.class)
                                .single())
                .as("above any version an earlier row of the greeting reached")
                .isGreaterThan(1_000_000L);
    }

    @Test
    void retryingAnAttemptedExpiredGreetingCountsItsNextAttemptUncertain() {
        LocalDate date = localDate(ZONE, 2);
        UUID attempted = createUser(ZONE, date.withYear(1990));
        UUID never = createUser(ZONE, date.withYear(1991));
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        String attemptedId = logged(attempted, date, "EXPIRED", Duration.ZERO);
        String neverId = logged(never, date, "EXPIRED", Duration.ZERO);
        jdbc.sql("UPDATE greetings SET attempts = 0 WHERE id = ?").param(neverId).update();

        assertThat(retry(attemptedId).json().get("uncertainAttempts").asInt()).isEqualTo(1);
        assertThat(retry(neverId).json().get("uncertainAttempts").asInt()).isZero();
    }

    @Test
    void aRangeLargerThanOneTransactionIsRetriedWhole() {
        LocalDate date = localDate(ZONE, 2);
        int count = GreetingRetry.CHUNK + 37;
        insertUsers(count, ZONE, date.withYear(1990), CLOCK.instant().minus(Duration.ofDays(1)));
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, last_error,
                                       created_at, updated_at)
                SELECT u.id::text || ':BIRTHDAY:' || :date, u.id, 'BIRTHDAY', CAST(:date AS date), :due, 'FAILED', 1,
                       'no', :due, :due
                FROM users u""")
                .param("date", date.toString())
                .param("due", sendInstant(date, ZONE).atOffset(ZoneOffset.UTC))
                .update();
        String range = "status=FAILED&from=" + date + "&to=" + date;

        assertThat(post("/greetings/retry?dryRun=true&" + range).get("retried").asInt())
                .isEqualTo(count);
        JsonNode done = post("/greetings/retry?" + range);

        assertThat(done.get("matched").asInt()).isEqualTo(count);
        assertThat(done.get("retried").asInt()).isEqualTo(count);
        assertThat(
                        jdbc.sql("SELECT count(*) FROM greetings WHERE status = 'SENDING'")
                                .query(Long.class)
                                .single())
                .isEqualTo(count);
        assertThat(
                        jdbc.sql(
                                        "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                                .query(Long.class)
                                .single())
                .isEqualTo(count);
    }

    @Test
    void anAddressInAProvidersErrorIsMaskedInTheLog() {
        LocalDate date = localDate(ZONE, 2);
        Map<String, Object> body = user(ZONE, date.withYear(1990));
        UUID userId = UUID.fromString(create(body).get("id").asString());
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        String id = logged(userId, date, "FAILED", Duration.ZERO);
        String email = (String) body.get("email");
        jdbc.sql("UPDATE greetings SET last_error = ? WHERE id = ?")
                .param("HTTP 422: Invalid 'To' address: '" + email.toUpperCase() + "'")
                .param(id)
                .update();

        String list = api.get("/greetings?status=FAILED").body();
        String retried = retry(id).body();

        assertThat(list).contains("Invalid 'To' address: 'G***@EXAMPLE.COM'");
        assertThat(list.toLowerCase()).doesNotContain(email);
        assertThat(retried.toLowerCase()).doesNotContain(email);
    }

    @Test
    void withoutTokensAnActionFromAPageOnAnotherSiteIsStillRefused() {
        LocalDate date = localDate(ZONE, 2);
        UUID userId = createUser(ZONE, date.withYear(1990));
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        String id = logged(userId, date, "FAILED", Duration.ZERO);

        Api.Response crossSite =
                api.send(
                        HttpRequest.newBuilder(api.uri("/greetings/" + id + "/retry"))
                                .header("Origin", "https://evil.example")
                                .POST(HttpRequest.BodyPublishers.noBody()));
        Api.Response sameSite =
                api.send(
                        HttpRequest.newBuilder(
                                        api.uri(
                                                "/greetings/retry?status=FAILED&from="
                                                        + date
                                                        + "&to="
                                                        + date))
                                .header("Sec-Fetch-Site", "same-site")
                                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.json().get("type").asString())
                .isEqualTo("urn:cakeday:problem:cross-site");
        assertThat(sameSite.status()).isEqualTo(403);
        assertThat(logStatus(id)).contains("FAILED");
        assertThat(executionTime(id)).isEmpty();
        Api.Response ownPage =
                api.send(
                        HttpRequest.newBuilder(api.uri("/greetings/" + id + "/retry"))
                                .header("Sec-Fetch-Site", "same-origin")
                                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(ownPage.status()).isEqualTo(200);
        assertThat(api.get("/access").json().toString())
                .isEqualTo("{\"name\":\"anonymous\",\"role\":\"ADMIN\"}");
    }

    @Test
    void theStatusShowsTheBreakerAndTheQueueAsTheGaugesReadThem() {
        await(
                "the status and the gauges agreeing",
                Duration.ofSeconds(10),
                () -> {
                    JsonNode status = api.get("/greetings/status").json();
                    String metrics = api.get("/actuator/prometheus").body();
                    return status.get("circuitBreaker").asString().equals("CLOSED")
                            && status.get("due").asLong() == gauge(metrics, "cakeday_greetings_due")
                            && status.get("oldestDueAgeSeconds").asLong()
                                    == gauge(metrics, "cakeday_greetings_due_oldest_age_seconds");
                });
    }

    /** A gauge's value in Prometheus' text; fails when it is not exported. */
    private static long gauge(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + " ") || line.startsWith(series + "{"))
                .mapToLong(
                        line ->
                                (long)
                                        Double.parseDouble(
                                                line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(series + " is not exported"));
    }

    @Test
    void aUserIsFoundByAddressIgnoringCase() {
        Map<String, Object> body = user(ZONE, localDate(ZONE, 1).withYear(1990));
        UUID id = UUID.fromString(create(body).get("id").asString());

        JsonNode found =
                api.get("/user?email=" + ((String) body.get("email")).toUpperCase()).json();

        assertThat(found.get("users").findValuesAsString("id")).containsExactly(id.toString());
        assertThat(found.get("users").get(0).get("email").asString()).isEqualTo(body.get("email"));
        assertThat(api.get("/user?email=nobody@example.com").json().get("users")).isEmpty();
    }

    /**
     * A log entry for the user's greeting on {@code date}, due at 09:00 in {@link #ZONE}; a SENT
     * one sent {@code late} after it.
     */
    private String logged(UUID userId, LocalDate date, String status, Duration late) {
        String id = greetingId(userId, "BIRTHDAY", date);
        Instant due = sendInstant(date, ZONE);
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, last_error,
                                       sent_at, created_at, updated_at)
                VALUES (:id, :userId, 'BIRTHDAY', :date, :due, :status, 1, :error, :sentAt, :due, :due)""")
                .param("id", id)
                .param("userId", userId)
                .param("date", date)
                .param("due", due.atOffset(ZoneOffset.UTC))
                .param("status", status)
                .param("error", status.equals("SENT") ? null : "provider said no")
                .param(
                        "sentAt",
                        status.equals("SENT") ? due.plus(late).atOffset(ZoneOffset.UTC) : null)
                .update();
        return id;
    }

    /** Makes the user's greetings owed for years back, as if created long ago. */
    private void owedSinceLongAgo(UUID userId) {
        Instant longAgo = CLOCK.instant().minus(Duration.ofDays(400));
        jdbc.sql(
                        "UPDATE user_occasions SET owed_since = :since, owed_from = :from WHERE user_id = :id")
                .param("since", longAgo.atOffset(ZoneOffset.UTC))
                .param("from", LocalDate.ofInstant(longAgo, ZoneId.of(ZONE)))
                .param("id", userId)
                .update();
    }

    private Api.Response retry(String id) {
        return api.send("POST", "/greetings/" + id + "/retry", null, null);
    }

    private JsonNode post(String path) {
        Api.Response response = api.send("POST", path, null, null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static void assertRefused(Api.Response response, String refusal) {
        assertThat(response.status()).as(response.body()).isEqualTo(409);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.json().get("refusal").asString()).isEqualTo(refusal);
    }

    private void assertBadRequest(String path, String parameter) {
        Api.Response response = api.send("POST", path, null, null);
        assertThat(response.status()).as(path).isEqualTo(400);
        assertThat(response.json().path("errors").path(0).path("field").asString())
                .as(response.body())
                .isEqualTo(parameter);
    }
}
