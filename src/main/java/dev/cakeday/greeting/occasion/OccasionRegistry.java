package dev.cakeday.greeting.occasion;

import dev.cakeday.greeting.GreetingProperties;
import dev.cakeday.user.User;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The registered occasions by name, and their message templates (defaults or configured). */
@Component
public class OccasionRegistry {

    private final Map<String, Occasion> byName = new LinkedHashMap<>();
    private final Map<String, String> templates = new LinkedHashMap<>();

    OccasionRegistry(List<Occasion> occasions, GreetingProperties properties) {
        occasions.stream()
                .sorted(Comparator.comparing(Occasion::name))
                .forEach(
                        occasion -> {
                            if (!occasion.name().matches("[A-Z][A-Z_]*")) {
                                throw new IllegalStateException(
                                        "occasion names are upper-case words: " + occasion.name());
                            }
                            if (byName.putIfAbsent(occasion.name(), occasion) != null) {
                                throw new IllegalStateException(
                                        "two occasions are named " + occasion.name());
                            }
                            templates.put(occasion.name(), occasion.defaultTemplate());
                        });
        properties
                .templates()
                .forEach(
                        (name, template) -> {
                            if (!byName.containsKey(name)) {
                                throw new IllegalStateException(
                                        "cakeday.greeting.templates."
                                                + name
                                                + " names no occasion; known: "
                                                + byName.keySet());
                            }
                            templates.put(name, template);
                        });
    }

    public Collection<Occasion> all() {
        return byName.values();
    }

    public Optional<Occasion> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public String message(Occasion occasion, User user) {
        return templates
                .get(occasion.name())
                .replace("{firstName}", user.firstName())
                .replace("{lastName}", user.lastName());
    }
}
