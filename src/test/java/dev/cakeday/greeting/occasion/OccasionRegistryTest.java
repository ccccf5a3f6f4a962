package dev.cakeday.greeting.occasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.user.User;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OccasionRegistryTest {

    @Test
    void occasionsAreFoundByName() {
        OccasionRegistry occasions =
                new OccasionRegistry(List.of(new Birthday(), new Anniversary()));

        assertThat(occasions.names()).isEqualTo(Set.of("BIRTHDAY", "ANNIVERSARY"));
        assertThat(occasions.find("BIRTHDAY")).get().isInstanceOf(Birthday.class);
        assertThat(occasions.find("NAMEDAY")).isEmpty();
    }

    @Test
    void allIsNoOccasionName() {
        Occasion all =
                new Occasion() {
                    @Override
                    public String name() {
                        return User.ALL;
                    }

                    @Override
                    public Optional<LocalDate> dateOf(User user) {
                        return Optional.empty();
                    }

                    @Override
                    public String usersColumn() {
                        return "birthday";
                    }
                };
        assertThatThrownBy(() -> new OccasionRegistry(List.of(new Birthday(), all)))
                .hasMessageContaining("other than ALL");
    }

    @Test
    void greetingIdsReadBack() {
        UUID user = UUID.randomUUID();
        GreetingId id = new GreetingId(user, "BIRTHDAY", LocalDate.of(2027, 3, 14));
        assertThat(id.toString()).isEqualTo(user + ":BIRTHDAY:2027-03-14");
        assertThat(GreetingId.parse(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> GreetingId.parse("nonsense"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
