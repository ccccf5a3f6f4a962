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

/**
 * The registered occasions by name, and their message and subject templates (defaults or
 * configured).
 */
@Component
public class OccasionRegistry {

    private final Map<String, Occasion> byName = new LinkedHashMap<>();
    private final Map<String, String> templates = new LinkedHashMap<>();
    private final Map<String, String> subjects = new LinkedHashMap<>();
    private final String language;

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
                            subjects.put(occasion.name(), occasion.defaultSubject());
                        });
        override(templates, "cakeday.greeting.templates.", properties.templates());
        override(subjects, "cakeday.greeting.subjects.", properties.subjects());
        this.language = properties.defaultLocale().toLanguageTag();
    }

    private void override(Map<String, String> defaults, String prefix, Map<String, String> set) {
        set.forEach(
                (name, template) -> {
                    if (!byName.containsKey(name)) {
                        throw new IllegalStateException(
                                prefix + name + " names no occasion; known: " + byName.keySet());
                    }
                    defaults.put(name, template);
                });
    }

    public Collection<Occasion> all() {
        return byName.values();
    }

    public Optional<Occasion> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The language tag of the templates. */
    public String language() {
        return language;
    }

    public String message(Occasion occasion, User user) {
        return fill(templates.get(occasion.name()), user);
    }

    public String subject(Occasion occasion, User user) {
        return fill(subjects.get(occasion.name()), user);
    }

    private static String fill(String template, User user) {
        return template.replace("{firstName}", user.firstName())
                .replace("{lastName}", user.lastName());
    }
}
