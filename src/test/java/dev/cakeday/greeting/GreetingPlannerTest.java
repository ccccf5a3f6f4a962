package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.github.kagkarlsson.scheduler.Scheduler;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.delivery.GreetingLogRepository;
import dev.cakeday.greeting.delivery.GreetingTransition;
import dev.cakeday.greeting.log.LogDateRange;
import dev.cakeday.greeting.planning.GreetingPlanner;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.support.SqlArrayValue;

/** The planner is set-based, idempotent, index-driven, and plans only owed greetings. */
class GreetingPlannerTest extends GreetingTestSupport {

    @Autowired GreetingPlanner planner;

    @Autowired GreetingCalendar calendar;

    @Autowired GreetingLogRepository greetingLog;

    @Autowired Scheduler scheduler;

    long greetingRows() {
        return jdbc.sql("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")
                .query(Long.class)
                .single();
    }

    @Test
    void planningIsIdempotentAndCreatesOneRowPerOwedGreeting() {
        Instant now = CLOCK.instant();
        LocalDate tomorrow = localDate("UTC", 1);
        insertUsers(300, "UTC", tomorrow.withYear(1990), now.minus(Duration.ofDays(30)));

        assertThat(planner.planAll(now)).isEqualTo(300);
        assertThat(planner.planAll(now)).isZero();
        assertThat(planner.planAll(now.plusSeconds(3600))).isZero();
        assertThat(greetingRows()).isEqualTo(300);
        assertThat(
                        jdbc.sql(
                                        "SELECT DISTINCT execution_time FROM scheduled_tasks WHERE task_name = 'greeting'")
                                .query(Timestamp.class)
                                .list())
                .singleElement()
                .satisfies(t -> assertThat(t.toInstant()).isEqualTo(sendInstant(tomorrow, "UTC")));
    }

    @Test
    void onlyGreetingsInsideTheWindowAndOwedArePlanned() {
        Instant now = CLOCK.instant();
        Instant longAgo = now.minus(Duration.ofDays(400));
        insertUsers(5, "UTC", localDate("UTC", 2).withYear(1990), longAgo); // inside the horizon
        insertUsers(7, "UTC", localDate("UTC", 5).withYear(1990), longAgo); // beyond the horizon
        insertUsers(
                11,
                "UTC",
                localDate("UTC", -2).withYear(1990),
                longAgo); // missed, within max-lateness
        insertUsers(13, "UTC", localDate("UTC", -5).withYear(1990), longAgo); // past max-lateness
        insertUsers(17, "UTC", localDate("UTC", -2).withYear(1990), now); // added after it was due

        planner.planAll(now);

        assertThat(greetingRows()).isEqualTo(5 + 11);
    }

    @Test
    void aGreetingWithAFinalStatusIsNotPlannedAgain() {
        Instant now = CLOCK.instant();
        LocalDate tomorrow = localDate("UTC", 1);
        insertUsers(3, "UTC", tomorrow.withYear(1990), now.minus(Duration.ofDays(30)));
        List<UUID> ids = jdbc.sql("SELECT user_id FROM user_occasions").query(UUID.class).list();
        String[] statuses = {"SENT", "FAILED", "SENDING"};
        for (int i = 0; i < 3; i++) {
            jdbc.sql(
                            """
                    INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, created_at, updated_at)
                    VALUES (?, ?, 'BIRTHDAY', ?, ?, ?, 1, now(), now())""")
                    .params(
                            greetingId(ids.get(i), "BIRTHDAY", tomorrow),
                            ids.get(i),
                            tomorrow,
                            Timestamp.from(sendInstant(tomorrow, "UTC")),
                            statuses[i])
                    .update();
        }

        planner.planAll(now);

        assertThat(
                        jdbc.sql(
                                        "SELECT task_instance FROM scheduled_tasks WHERE task_name = 'greeting'")
                                .query(String.class)
                                .list())
                .containsExactly(greetingId(ids.get(2), "BIRTHDAY", tomorrow));
    }

    @Test
    void thePlanFindsUsersThroughTheMonthDayIndexWithoutScanningTheUsers() {
        Instant now = CLOCK.instant();
        for (int day = 0; day < 365; day += 3) {
            insertUsers(
                    60,
                    "Europe/Paris",
                    LocalDate.of(1990, 1, 1).plusDays(day),
                    now.minus(Duration.ofDays(30)));
        }
        jdbc.sql("ANALYZE users").update();
        jdbc.sql("ANALYZE user_occasions").update();

        List<GreetingCalendar.Slot> slots =
                calendar.slotsInWindow(
                        ZoneId.getAvailableZoneIds().stream().map(ZoneId::of).toList(), now);
        String plan =
                LogDateRange.of(slots.stream().map(GreetingCalendar.Slot::localDate).toList())
                        .bind(jdbc.sql("EXPLAIN " + GreetingPlanner.PLAN_ALL))
                        .param("taskName", GreetingTasks.GREETING_TASK)
                        .param(
                                "zones",
                                new SqlArrayValue(
                                        "text",
                                        slots.stream().map(s -> s.zone().getId()).toArray()))
                        .param(
                                "monthDays",
                                new SqlArrayValue(
                                        "int4",
                                        slots.stream()
                                                .map(GreetingCalendar.Slot::monthDay)
                                                .toArray()))
                        .param(
                                "localDates",
                                new SqlArrayValue(
                                        "text",
                                        slots.stream()
                                                .map(s -> s.localDate().toString())
                                                .toArray()))
                        .param(
                                "sendAts",
                                new SqlArrayValue(
                                        "text",
                                        slots.stream().map(s -> s.sendAt().toString()).toArray()))
                        .param("windowStart", calendar.windowStart(now).atOffset(ZoneOffset.UTC))
                        .query(String.class)
                        .list()
                        .stream()
                        .collect(Collectors.joining("\n"));
        System.out.println("Planner EXPLAIN over " + slots.size() + " slots:\n" + plan);

        assertThat(plan)
                .contains("Index Scan using user_occasions_month_day_idx")
                .contains("Index Cond: ((month_day = s.month_day) AND (timezone = s.zone))");
        assertThat(plan).doesNotContain("Seq Scan on user_occasions").doesNotContain("on users");
    }

    @Test
    void greetingsThatFellDueUnplannedDuringALongOutageAreRecordedExpired() {
        Instant now = CLOCK.instant();
        Instant longAgo = now.minus(Duration.ofDays(400));
        insertUsers(
                4,
                "UTC",
                localDate("UTC", -7).withYear(1990),
                longAgo); // due in the outage, past max-lateness
        insertUsers(
                6,
                "UTC",
                localDate("UTC", -2).withYear(1990),
                longAgo); // due in the outage, still deliverable
        jdbc.sql("UPDATE planner_state SET planned_through = ?")
                .param(Timestamp.from(now.minus(Duration.ofDays(10))))
                .update();
        // Keep the planned rows where they are: the six still deliverable are due already.
        scheduler.pause();
        try {
            planner.planAll(now);

            assertThat(
                            jdbc.sql(
                                            "SELECT count(*) FROM greetings WHERE status = 'EXPIRED' AND last_error LIKE 'never sent%'")
                                    .query(Long.class)
                                    .single())
                    .isEqualTo(4);
            assertThat(greetingRows()).isEqualTo(6);
            assertThat(
                            jdbc.sql("SELECT planned_through FROM planner_state")
                                    .query(Timestamp.class)
                                    .single()
                                    .toInstant())
                    .isCloseTo(now.plus(Duration.ofDays(3)), within(1, ChronoUnit.MICROS));
            assertThat(planner.planAll(now)).isZero();
            assertThat(jdbc.sql("SELECT count(*) FROM greetings").query(Long.class).single())
                    .isEqualTo(4);
        } finally {
            scheduler.resume();
        }
    }

    @Test
    void statusWritesNeverOverwriteOrReopenAFinalStatus() {
        GreetingId id = new GreetingId(aUser(), "BIRTHDAY", LocalDate.of(2027, 3, 14));
        Instant now = CLOCK.instant();
        assertThat(greetingLog.startAttempt(id, 0, now, now))
                .contains(new GreetingLogRepository.Attempt(1, 0));
        jdbc.sql(
                        """
                INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                VALUES ('greeting', ?, '2099-01-01T00:00:00Z', true, 3)""")
                .param(id.toString())
                .update();

        assertThat(greetingLog.delivered(id, "msg-1", now, 2))
                .as("a row another instance took over (version 3) is left to it")
                .isEqualTo(new GreetingLogRepository.Settled(true, false));
        assertThat(
                        greetingLog.close(
                                id,
                                GreetingTransition.REJECTED,
                                1,
                                "late answer of a slow instance",
                                now,
                                now))
                .isFalse();
        assertThat(greetingLog.retryLater(id, 1, "late", now.plusSeconds(30), now, false))
                .isFalse();
        assertThat(greetingLog.startAttempt(id, 1, now, now)).as("never reopened").isEmpty();
        assertThat(greetingLog.delivered(id, "msg-2", now, 3))
                .isEqualTo(new GreetingLogRepository.Settled(false, true));

        assertThatGreeting(id.toString())
                .hasStatus("SENT")
                .hasAttempts(1)
                .hasProviderMessageId("msg-1")
                .hasNextAttemptAt(null);
        assertThat(
                        jdbc.sql("SELECT count(*) FROM scheduled_tasks WHERE task_instance = ?")
                                .param(id.toString())
                                .query(Long.class)
                                .single())
                .isZero();
    }

    @Test
    void aSecondAttemptAfterAnUnknownOutcomeIsCountedUncertain() {
        GreetingId id = new GreetingId(aUser(), "BIRTHDAY", LocalDate.of(2027, 3, 14));
        Instant now = CLOCK.instant();
        assertThat(greetingLog.startAttempt(id, 0, now, now))
                .contains(new GreetingLogRepository.Attempt(1, 0));
        assertThat(greetingLog.startAttempt(id, 1, now, now))
                .contains(new GreetingLogRepository.Attempt(2, 1));
    }

    /** After a takeover, what a slow instance learns of its own, older attempt changes nothing. */
    @Test
    void writesOfAnOlderAttemptNeverOverwriteTheNewerOne() {
        GreetingId id = new GreetingId(aUser(), "BIRTHDAY", LocalDate.of(2027, 3, 14));
        Instant now = CLOCK.instant().truncatedTo(ChronoUnit.MICROS);
        Instant retryOfTheNewer = now.plusSeconds(600);
        assertThat(greetingLog.startAttempt(id, 0, now, now))
                .as("slow instance")
                .contains(new GreetingLogRepository.Attempt(1, 0));
        assertThat(greetingLog.startAttempt(id, 1, now, now))
                .as("the instance that took over")
                .contains(new GreetingLogRepository.Attempt(2, 1));
        assertThat(greetingLog.startAttempt(id, 0, now, now)).as("a second attempt #1").isEmpty();
        assertThat(
                        greetingLog.retryLater(
                                id, 2, "503 for the newer attempt", retryOfTheNewer, now, false))
                .isTrue();

        assertThat(
                        greetingLog.retryLater(
                                id, 1, "timeout of the older one", now.plusSeconds(5), now, false))
                .isFalse();
        assertThat(
                        greetingLog.close(
                                id,
                                GreetingTransition.REJECTED,
                                1,
                                "HTTP 400 to the older one",
                                now,
                                now))
                .isFalse();
        assertThat(
                        greetingLog.close(
                                id, GreetingTransition.GAVE_UP, 1, "older one gave up", now, now))
                .isFalse();
        assertThatGreeting(id.toString())
                .hasStatus("SENDING")
                .hasAttempts(2)
                .hasLastErrorContaining("503 for the newer attempt")
                .hasNextAttemptAt(retryOfTheNewer);

        assertThat(greetingLog.startAttempt(id, 2, now, now))
                .contains(new GreetingLogRepository.Attempt(3, 1));
        assertThat(greetingLog.close(id, GreetingTransition.REJECTED, 3, "HTTP 400", now, now))
                .isTrue();
        assertThatGreeting(id.toString()).hasStatus("FAILED").hasAttempts(3);
    }

    /**
     * The provider took the mail, whichever attempt carried it: the newer attempt's retry must send
     * nothing.
     */
    @Test
    void aDeliveryRecordedByAnOlderAttemptEndsTheNewerOnesRetry() {
        GreetingId id = new GreetingId(aUser(), "BIRTHDAY", LocalDate.of(2027, 3, 14));
        Instant now = CLOCK.instant();
        greetingLog.startAttempt(id, 0, now, now);
        greetingLog.startAttempt(id, 1, now, now);
        assertThat(greetingLog.retryLater(id, 2, "503", now.plusSeconds(600), now, false)).isTrue();

        assertThat(greetingLog.delivered(id, "msg-of-attempt-1", now, 1).sent()).isTrue();

        assertThatGreeting(id.toString())
                .hasStatus("SENT")
                .hasProviderMessageId("msg-of-attempt-1");
        assertThat(greetingLog.startAttempt(id, 2, now, now))
                .as("the retry finds it sent")
                .isEmpty();
    }

    /**
     * A retry planned after an attempt of unknown outcome, on a channel without a key, is counted
     * once as uncertain, and the re-send it leads to is not counted a second time.
     */
    @Test
    void aRetryAfterAnUnknownOutcomeIsCountedOnce() {
        GreetingId id = new GreetingId(aUser(), "BIRTHDAY", LocalDate.of(2027, 3, 15));
        Instant now = CLOCK.instant();
        greetingLog.startAttempt(id, 0, now, now);
        assertThat(greetingLog.retryLater(id, 1, "SocketTimeoutException", now, now, true))
                .isTrue();

        assertThatGreeting(id.toString()).hasUncertainAttempts(1);
        assertThat(greetingLog.startAttempt(id, 1, now, now))
                .contains(new GreetingLogRepository.Attempt(2, 1));
        assertThat(greetingLog.retryLater(id, 2, "HTTP 503", now, now, false)).isTrue();
        assertThatGreeting(id.toString()).hasUncertainAttempts(1);
    }

    /** A user's id: the SENDING write is made only for a user who exists. */
    UUID aUser() {
        return createUser("UTC", LocalDate.of(1990, 12, 10));
    }
}
