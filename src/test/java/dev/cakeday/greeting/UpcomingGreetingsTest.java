package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.Year;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code upcomingGreetings[].sendAt} follows the time rules in every zone, and equals {@code
 * scheduled_tasks.execution_time} whenever the row exists.
 */
class UpcomingGreetingsTest extends GreetingTestSupport {

    /**
     * The rule, stated independently of the service: the first owed date, at 09:00 local or at once
     * that day.
     */
    static LocalDate expectedDate(MonthDay occasion, ZoneId zone, Instant createdAt) {
        LocalDate today = LocalDate.ofInstant(createdAt, zone);
        LocalDate date = onYear(occasion, today.getYear());
        return date.isBefore(today) ? onYear(occasion, today.getYear() + 1) : date;
    }

    static LocalDate onYear(MonthDay occasion, int year) {
        if (occasion.equals(MonthDay.of(2, 29)) && !Year.isLeap(year)) {
            return LocalDate.of(year, 2, 28);
        }
        return occasion.atYear(year);
    }

    static Instant expectedSendAt(LocalDate date, ZoneId zone, Instant createdAt) {
        Instant nine = date.atTime(SEND_TIME).atZone(zone).toInstant();
        return nine.isBefore(createdAt) ? createdAt : nine;
    }

    @Test
    void everyZoneTheJdkKnowsGetsItsSendInstantAndTheRowAgrees() {
        List<String> mismatches = new ArrayList<>();
        int withRow = 0;
        for (String zoneId : ZoneId.getAvailableZoneIds()) {
            ZoneId zone = ZoneId.of(zoneId);
            LocalDate tomorrow = localDate(zoneId, 1);
            if (tomorrow.getMonthValue() == 2 && tomorrow.getDayOfMonth() == 29) {
                tomorrow = tomorrow.plusDays(1);
            }
            JsonNode user = create(user(zoneId, tomorrow.withYear(1990)));
            Instant createdAt = Instant.parse(user.get("createdAt").asString());
            JsonNode upcoming = user.get("upcomingGreetings").get(0);
            LocalDate date = expectedDate(MonthDay.from(tomorrow), zone, createdAt);
            Instant sendAt = expectedSendAt(date, zone, createdAt);
            if (!upcoming.get("occasion").asString().equals("BIRTHDAY")
                    || !upcoming.get("date").asString().equals(date.toString())
                    || !upcoming.get("sendAt").asString().equals(sendAt.toString())) {
                mismatches.add(zoneId + ": " + upcoming + " expected " + date + " " + sendAt);
            }
            String key = greetingId(UUID.fromString(user.get("id").asString()), "BIRTHDAY", date);
            var row = executionTime(key);
            if (row.isPresent()) {
                withRow++;
                if (!row.get().equals(sendAt)) {
                    mismatches.add(
                            zoneId + ": execution_time " + row.get() + " but sendAt " + sendAt);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(withRow)
                .as("tomorrow's greetings lie inside the planning horizon")
                .isEqualTo(ZoneId.getAvailableZoneIds().size());
    }

    @Test
    void leapDayBirthdayIsGreetedOnFebruary28InCommonYears() {
        JsonNode user = create(user("Europe/Rome", LocalDate.of(2000, 2, 29)));
        Instant createdAt = Instant.parse(user.get("createdAt").asString());
        LocalDate date = expectedDate(MonthDay.of(2, 29), ZoneId.of("Europe/Rome"), createdAt);

        JsonNode upcoming = user.get("upcomingGreetings").get(0);
        assertThat(upcoming.get("date").asString()).isEqualTo(date.toString());
        assertThat(date.getDayOfMonth()).isEqualTo(Year.isLeap(date.getYear()) ? 29 : 28);
        assertThat(upcoming.get("sendAt").asString())
                .isEqualTo(expectedSendAt(date, ZoneId.of("Europe/Rome"), createdAt).toString());
    }

    @Test
    void newYearAtTheEdgesOfTheWorld() {
        for (String zoneId : List.of("Pacific/Kiritimati", "Etc/GMT+12")) {
            ZoneId zone = ZoneId.of(zoneId);
            for (MonthDay day : List.of(MonthDay.of(12, 31), MonthDay.of(1, 1))) {
                JsonNode user = create(user(zoneId, day.atYear(1990)));
                Instant createdAt = Instant.parse(user.get("createdAt").asString());
                LocalDate date = expectedDate(day, zone, createdAt);
                JsonNode upcoming = user.get("upcomingGreetings").get(0);
                assertThat(upcoming.get("date").asString()).as(zoneId).isEqualTo(date.toString());
                assertThat(upcoming.get("sendAt").asString())
                        .as(zoneId)
                        .isEqualTo(expectedSendAt(date, zone, createdAt).toString());
            }
        }
    }

    @Test
    void oneEntryPerOccasionTheUserHas() {
        Map<String, Object> body = user("America/Santiago", LocalDate.of(1980, 6, 15));
        JsonNode withoutAnniversary = create(body);
        assertThat(withoutAnniversary.get("upcomingGreetings")).hasSize(1);

        Map<String, Object> married = user("America/Santiago", LocalDate.of(1980, 6, 15));
        married.put("anniversary", "2010-09-05");
        JsonNode both = create(married);
        assertThat(both.get("upcomingGreetings").findValuesAsString("occasion"))
                .containsExactlyInAnyOrder("BIRTHDAY", "ANNIVERSARY");

        String id = both.get("id").asString();
        married.put("email", both.get("email").asString());
        married.remove("anniversary");
        Api.Response replaced = api.putJson("/user/" + id, Api.json(married));
        assertThat(replaced.json().get("upcomingGreetings").findValuesAsString("occasion"))
                .containsExactly("BIRTHDAY");
        assertThat(api.get("/user/" + id).json().get("upcomingGreetings"))
                .isEqualTo(replaced.json().get("upcomingGreetings"));
        JsonNode page = api.get("/user?limit=500").json();
        assertThat(page.get("users").findValues("upcomingGreetings"))
                .allSatisfy(list -> assertThat(list).isNotEmpty());
    }

    /**
     * POST answers without reading the log back: what it shows must be what a read of the stored
     * user shows, unless that greeting went out in between (one due at once may).
     */
    @Test
    void theAnswerToACreateEqualsWhatAReadShows() {
        List<String> differences = new ArrayList<>();
        for (String zoneId :
                List.of(
                        "Pacific/Kiritimati",
                        "Asia/Kolkata",
                        "Europe/London",
                        "America/New_York",
                        "Pacific/Pago_Pago")) {
            for (int days : List.of(-1, 0, 1, 200)) {
                Map<String, Object> body = user(zoneId, localDate(zoneId, days).withYear(1988));
                body.put("anniversary", localDate(zoneId, -days).withYear(2012).toString());
                JsonNode created = create(body);
                UUID id = UUID.fromString(created.get("id").asString());
                JsonNode read = api.get("/user/" + id).json();
                assertThat(created.get("upcomingGreetings")).as(zoneId).hasSize(2);
                for (JsonNode shown : created.get("upcomingGreetings")) {
                    String occasion = shown.get("occasion").asString();
                    JsonNode stored =
                            read.get("upcomingGreetings").findParents("occasion").stream()
                                    .filter(
                                            entry ->
                                                    entry.get("occasion")
                                                            .asString()
                                                            .equals(occasion))
                                    .findFirst()
                                    .orElseThrow();
                    String key =
                            greetingId(id, occasion, LocalDate.parse(shown.get("date").asString()));
                    if (!shown.equals(stored) && logStatus(key).isEmpty()) {
                        differences.add(zoneId + " " + days + ": " + shown + " but read " + stored);
                    }
                }
            }
        }
        assertThat(differences).isEmpty();
    }

    /**
     * A read of one user (one statement) and a page of users (the log read for the page) show the
     * same greetings, whatever the log holds: a final status moves on to the next year, SENDING
     * does not.
     */
    @Test
    void aReadOfOneUserShowsWhatThePageShows() {
        Map<String, Object> body =
                user("Asia/Kolkata", localDate("Asia/Kolkata", 1).withYear(1985));
        body.put("anniversary", localDate("Asia/Kolkata", 2).withYear(2011).toString());
        JsonNode created = create(body);
        UUID id = UUID.fromString(created.get("id").asString());
        String email = created.get("email").asString();
        LocalDate birthday = localDate("Asia/Kolkata", 1);
        LocalDate anniversary = localDate("Asia/Kolkata", 2);

        assertThat(upcomingDates(id))
                .containsExactly("ANNIVERSARY " + anniversary, "BIRTHDAY " + birthday);
        assertOneUserShowsWhatThePageShows(id, email);

        logGreeting(id, "ANNIVERSARY", anniversary, "SENDING");
        logGreeting(id, "BIRTHDAY", birthday, "SENT");
        assertThat(upcomingDates(id))
                .containsExactly("ANNIVERSARY " + anniversary, "BIRTHDAY " + birthday.plusYears(1));
        assertOneUserShowsWhatThePageShows(id, email);

        logGreeting(id, "BIRTHDAY", birthday.plusYears(1), "EXPIRED");
        logGreeting(id, "ANNIVERSARY", anniversary, "FAILED");
        assertThat(upcomingDates(id))
                .containsExactly(
                        "ANNIVERSARY " + anniversary.plusYears(1),
                        "BIRTHDAY " + birthday.plusYears(2));
        assertOneUserShowsWhatThePageShows(id, email);

        assertThat(api.get("/user/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    private List<String> upcomingDates(UUID id) {
        List<String> dates = new ArrayList<>();
        for (JsonNode upcoming : api.get("/user/" + id).json().get("upcomingGreetings")) {
            dates.add(upcoming.get("occasion").asString() + " " + upcoming.get("date").asString());
        }
        return dates;
    }

    private void assertOneUserShowsWhatThePageShows(UUID id, String email) {
        JsonNode one = api.get("/user/" + id).json();
        JsonNode page = api.get("/user?email=" + email).json().get("users");
        assertThat(page).hasSize(1);
        assertThat(one).isEqualTo(page.get(0));
    }

    private void logGreeting(UUID userId, String occasion, LocalDate date, String status) {
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts,
                                       created_at, updated_at)
                VALUES (:id, :userId, :occasion, :date, now(), :status, 1, now(), now())
                ON CONFLICT (id, local_date) DO UPDATE SET status = EXCLUDED.status""")
                .param("id", greetingId(userId, occasion, date))
                .param("userId", userId)
                .param("occasion", occasion)
                .param("date", date)
                .param("status", status)
                .update();
    }
}
