package dev.cakeday.greeting.occasion;

import dev.cakeday.user.OccasionNames;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** The registered occasions by name. */
@Component
public class OccasionRegistry implements OccasionNames {

    private final Map<String, Occasion> byName = new LinkedHashMap<>();

    OccasionRegistry(List<Occasion> occasions) {
        occasions.stream()
                .sorted(Comparator.comparing(Occasion::name))
                .forEach(
                        occasion -> {
                            if (!occasion.name().matches("[A-Z][A-Z_]*")
                                    || occasion.name().equals("ALL")) {
                                throw new IllegalStateException(
                                        "occasion names are upper-case words other than ALL: "
                                                + occasion.name());
                            }
                            if (byName.putIfAbsent(occasion.name(), occasion) != null) {
                                throw new IllegalStateException(
                                        "two occasions are named " + occasion.name());
                            }
                        });
    }

    public Collection<Occasion> all() {
        return byName.values();
    }

    public Optional<Occasion> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Set<String> names() {
        return Set.copyOf(byName.keySet());
    }
}
