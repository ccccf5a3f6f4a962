package dev.cakeday.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * README's configuration table against the metadata the configuration processor writes from the
 * {@code @ConfigurationProperties} records: every {@code cakeday.*} key is documented, no
 * documented key is gone, and each default the README gives is the one the code has.
 */
class ConfigurationDocsTest {

    static final Pattern KEY = Pattern.compile("`([^`]+)`");

    @Test
    void readmeDocumentsEveryCakedaySettingWithItsDefault() throws IOException {
        Map<String, JsonNode> metadata = metadata();
        Map<String, String> documented = readmeRows(metadata);

        assertThat(documented.keySet())
                .as("cakeday.* keys in README's configuration table")
                .containsExactlyInAnyOrderElementsOf(metadata.keySet());
        metadata.forEach(
                (key, property) -> {
                    JsonNode value = property.get("defaultValue");
                    if (value != null && !value.isNull() && !value.asString().isEmpty()) {
                        assertThat(documented.get(key).toLowerCase(Locale.ROOT))
                                .as("README's default of " + key)
                                .contains("`" + value.asString().toLowerCase(Locale.ROOT) + "`");
                    }
                });
    }

    private static Map<String, JsonNode> metadata() throws IOException {
        try (InputStream in =
                ConfigurationDocsTest.class.getResourceAsStream(
                        "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration processor's metadata").isNotNull();
            Map<String, JsonNode> properties = new TreeMap<>();
            for (JsonNode property : JsonMapper.builder().build().readTree(in).get("properties")) {
                String name = property.get("name").asString();
                if (name.startsWith("cakeday.")) {
                    properties.put(name, property);
                }
            }
            return properties;
        }
    }

    /**
     * Each cakeday.* key of the table with its row's default cell; {@code tokens[i].name} counts as
     * {@code tokens}.
     */
    private static Map<String, String> readmeRows(Map<String, JsonNode> metadata)
            throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (!line.startsWith("| `cakeday.")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String previous = null;
            Matcher keys = KEY.matcher(cells[1]);
            while (keys.find()) {
                String key = keys.group(1);
                if (key.startsWith(".")) {
                    continue;
                }
                if (!key.startsWith("cakeday.") && previous != null) {
                    key = previous.substring(0, previous.lastIndexOf('.') + 1) + key;
                }
                previous = key;
                rows.put(known(key.replaceAll("\\[.*$", ""), metadata), cells[2]);
            }
        }
        return rows;
    }

    /** A key below a map setting ({@code templates.BIRTHDAY}) documents the map. */
    private static String known(String key, Map<String, JsonNode> metadata) {
        return metadata.keySet().stream()
                .filter(name -> key.startsWith(name + "."))
                .findFirst()
                .orElse(key);
    }
}
