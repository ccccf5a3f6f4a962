package dev.cakeday.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A greeting's entry in the delivery log, asserted in the domain's words: {@code
 * assertThatGreeting(jdbc,
 * id).hasStatus("SENT").hasAttempts(1).wasSentWithin(Duration.ofSeconds(1))}.
 */
public final class GreetingAssert extends AbstractAssert<GreetingAssert, Map<String, Object>> {

    private final String id;

    private GreetingAssert(String id, Map<String, Object> row) {
        super(row, GreetingAssert.class);
        this.id = id;
    }

    /** The log entry of greeting {@code id}, read now; fails when there is none. */
    public static GreetingAssert assertThatGreeting(JdbcClient jdbc, String id) {
        List<Map<String, Object>> rows =
                jdbc.sql("SELECT * FROM greetings WHERE id = ?").param(id).query().listOfRows();
        if (rows.isEmpty()) {
            throw new AssertionError("greeting " + id + " has no entry in the delivery log");
        }
        return new GreetingAssert(id, rows.get(0));
    }

    public GreetingAssert hasStatus(String status) {
        assertThat(actual.get("status")).as("status of %s", id).isEqualTo(status);
        return this;
    }

    public GreetingAssert hasAttempts(int attempts) {
        assertThat(actual.get("attempts")).as("attempts of %s", id).isEqualTo(attempts);
        return this;
    }

    public GreetingAssert hasUncertainAttempts(int uncertain) {
        assertThat(actual.get("uncertain_attempts"))
                .as("uncertain attempts of %s", id)
                .isEqualTo(uncertain);
        return this;
    }

    public GreetingAssert hasLastErrorContaining(String... parts) {
        assertThat(actual.get("last_error")).as("last error of %s", id).asString().contains(parts);
        return this;
    }

    public GreetingAssert hasNoLastError() {
        assertThat(actual.get("last_error")).as("last error of %s", id).isNull();
        return this;
    }

    public GreetingAssert hasProviderMessageId(String messageId) {
        assertThat(actual.get("provider_message_id"))
                .as("provider message id of %s", id)
                .isEqualTo(messageId);
        return this;
    }

    public GreetingAssert hasProviderMessageIdStartingWith(String prefix) {
        assertThat(actual.get("provider_message_id"))
                .as("provider message id of %s", id)
                .asString()
                .startsWith(prefix);
        return this;
    }

    public GreetingAssert isDueAt(Instant due) {
        assertThat(dueAt()).as("due instant of %s", id).isEqualTo(due);
        return this;
    }

    public GreetingAssert hasNextAttemptAt(Instant next) {
        assertThat(instant("next_attempt_at")).as("next attempt of %s", id).isEqualTo(next);
        return this;
    }

    /** Sent no later than {@code lateness} after its due instant (and never before it). */
    public GreetingAssert wasSentWithin(Duration lateness) {
        assertThat(instant("sent_at"))
                .as("sent at of %s", id)
                .isNotNull()
                .isBetween(dueAt(), dueAt().plus(lateness));
        return this;
    }

    /** Sent between {@code min} and {@code max} after its due instant. */
    public GreetingAssert wasSentLateBy(Duration min, Duration max) {
        assertThat(Duration.between(dueAt(), instant("sent_at")))
                .as("lateness of %s", id)
                .isBetween(min, max);
        return this;
    }

    public Instant dueAt() {
        return instant("due_at");
    }

    public Instant failedOrRetriedAt() {
        return instant("updated_at");
    }

    public Instant nextAttemptAt() {
        return instant("next_attempt_at");
    }

    private Instant instant(String column) {
        Timestamp value = (Timestamp) actual.get(column);
        return value == null ? null : value.toInstant();
    }
}
