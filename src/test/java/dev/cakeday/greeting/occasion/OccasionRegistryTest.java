package dev.cakeday.greeting.occasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.GreetingProperties;
import dev.cakeday.greeting.calendar.LeapDayPolicy;
import dev.cakeday.user.User;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OccasionRegistryTest {

    static final User ADA =
            new User(
                    UUID.randomUUID(),
                    "Ada",
                    "Lovelace",
                    "ada@example.com",
                    LocalDate.of(1990, 12, 10),
                    ZoneId.of("UTC"),
                    LocalDate.of(2015, 6, 20),
                    Instant.EPOCH,
                    Instant.EPOCH);

    static GreetingProperties withTemplates(Map<String, String> templates) {
        return withTemplates(templates, Map.of());
    }

    static GreetingProperties withTemplates(
            Map<String, String> templates, Map<String, String> subjects) {
        return new GreetingProperties(
                LocalTime.of(9, 0),
                LeapDayPolicy.FEB_28,
                Duration.ofDays(3),
                Duration.ofDays(3),
                LocalTime.of(0, 10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(15),
                templates,
                subjects,
                Locale.ENGLISH,
                true);
    }

    @Test
    void defaultTextsAreExact() {
        OccasionRegistry occasions =
                new OccasionRegistry(
                        List.of(new Birthday(), new Anniversary()), withTemplates(Map.of()));

        assertThat(occasions.message(occasions.find("BIRTHDAY").orElseThrow(), ADA))
                .isEqualTo("Hey, Ada Lovelace it's your birthday");
        assertThat(occasions.message(occasions.find("ANNIVERSARY").orElseThrow(), ADA))
                .isEqualTo("Hey, Ada Lovelace happy anniversary");
        assertThat(occasions.subject(occasions.find("BIRTHDAY").orElseThrow(), ADA))
                .isEqualTo("Happy birthday, Ada!");
        assertThat(occasions.subject(occasions.find("ANNIVERSARY").orElseThrow(), ADA))
                .isEqualTo("Happy anniversary, Ada!");
    }

    @Test
    void aConfiguredSubjectReplacesTheDefault() {
        OccasionRegistry occasions =
                new OccasionRegistry(
                        List.of(new Birthday(), new Anniversary()),
                        withTemplates(
                                Map.of(), Map.of("ANNIVERSARY", "{firstName} {lastName}: a year")));

        assertThat(occasions.subject(occasions.find("ANNIVERSARY").orElseThrow(), ADA))
                .isEqualTo("Ada Lovelace: a year");
        assertThat(occasions.subject(occasions.find("BIRTHDAY").orElseThrow(), ADA))
                .isEqualTo("Happy birthday, Ada!");
    }

    @Test
    void aSubjectForNoOccasionStopsTheStartNamingTheProperty() {
        assertThatThrownBy(
                        () ->
                                new OccasionRegistry(
                                        List.of(new Birthday()),
                                        withTemplates(Map.of(), Map.of("NAMEDAY", "x"))))
                .hasMessageContaining("cakeday.greeting.subjects.NAMEDAY");
    }

    @Test
    void aConfiguredTemplateReplacesTheDefault() {
        OccasionRegistry occasions =
                new OccasionRegistry(
                        List.of(new Birthday(), new Anniversary()),
                        withTemplates(Map.of("BIRTHDAY", "Happy birthday, {firstName}!")));

        assertThat(occasions.message(occasions.find("BIRTHDAY").orElseThrow(), ADA))
                .isEqualTo("Happy birthday, Ada!");
        assertThat(occasions.message(occasions.find("ANNIVERSARY").orElseThrow(), ADA))
                .isEqualTo("Hey, Ada Lovelace happy anniversary");
    }

    @Test
    void aTemplateForNoOccasionStopsTheStart() {
        assertThatThrownBy(
                        () ->
                                new OccasionRegistry(
                                        List.of(new Birthday()),
                                        withTemplates(Map.of("NAMEDAY", "x"))))
                .hasMessageContaining("NAMEDAY");
    }

    @Test
    void greetingIdsReadBack() {
        GreetingId id = new GreetingId(ADA.id(), "BIRTHDAY", LocalDate.of(2027, 3, 14));
        assertThat(id.toString()).isEqualTo(ADA.id() + ":BIRTHDAY:2027-03-14");
        assertThat(GreetingId.parse(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> GreetingId.parse("nonsense"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
