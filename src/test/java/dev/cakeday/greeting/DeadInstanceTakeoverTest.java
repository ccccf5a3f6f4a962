package dev.cakeday.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A greeting held by an instance that died (picked, heartbeat stopped) is revived and delivered by
 * a live instance within a minute, with the configured heartbeat settings.
 */
class DeadInstanceTakeoverTest extends GreetingTestSupport {

    @Test
    void aGreetingHeldByADeadInstanceIsDeliveredWithinAMinute() {
        String zone = "UTC";
        LocalDate date = localDate(zone, 1);
        UUID id = createUser(zone, date.withYear(1990));
        String key = greetingId(id, "BIRTHDAY", date);
        Instant due = sendInstant(date, zone);
        jdbc.sql(
                        "UPDATE scheduled_tasks SET picked = true, picked_by = 'dead-instance', last_heartbeat = ?, "
                                + "version = version + 1 WHERE task_instance = ?")
                .param(Timestamp.from(due))
                .param(key)
                .update();
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, created_at, updated_at)
                VALUES (?, ?, 'BIRTHDAY', ?, ?, 'SENDING', 1, ?, ?)""")
                .params(
                        key,
                        id,
                        date,
                        Timestamp.from(due),
                        Timestamp.from(due),
                        Timestamp.from(due))
                .update();

        CLOCK.advanceTo(due.plusSeconds(1));
        await(
                "takeover",
                Duration.ofSeconds(70),
                () -> logStatus(key).filter("SENT"::equals).isPresent());

        assertThatGreeting(key)
                .as("from the last heartbeat to delivery")
                .wasSentWithin(Duration.ofSeconds(60));
        assertThat(callsFor(id))
                .singleElement()
                .satisfies(call -> assertThat(call.idempotencyKey()).isEqualTo(key));
        // The dead instance's attempt counts, and its outcome was never known.
        assertThatGreeting(key).hasStatus("SENT").hasAttempts(2).hasUncertainAttempts(1);
    }
}
