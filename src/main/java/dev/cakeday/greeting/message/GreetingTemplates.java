package dev.cakeday.greeting.message;

import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.util.Calendar;
import com.ibm.icu.util.LocaleMatcher;
import com.ibm.icu.util.TimeZone;
import com.ibm.icu.util.ULocale;
import dev.cakeday.greeting.GreetingProperties;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import dev.cakeday.user.LanguageTags;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * The greeting templates of every language, in ICU MessageFormat, and the choice of one for a user.
 *
 * <p>Templates come from the bundles in {@code greetings/{tag}.properties}, then from the files of
 * {@code cakeday.greeting.templates-dir} (same names and keys; each key overrides or adds), then
 * from {@code cakeday.greeting.templates.*} and {@code subjects.*} for the default locale. Each is
 * parsed and rendered with sample arguments here, at start-up, so that a greeting never fails on
 * one.
 *
 * <p>A user's language is matched to the languages that have templates by CLDR's language matching
 * ({@code pt} finds {@code pt-BR}, {@code zh-CN} {@code zh-Hans}, Swiss German {@code de}; one with
 * no close language, the default locale); each part then falls back from the most specific tag to
 * the least ({@code de-CH} → {@code de}), to the default locale, and to English, which has every
 * occasion.
 */
@Component
public class GreetingTemplates {

    static final String BUNDLES = "classpath:greetings/*.properties";
    static final String ROOT = "en";
    static final Set<String> ARGUMENTS = Set.of("firstName", "lastName", "date", "years");
    static final List<String> PARTS = List.of("subject", "text", "html");
    private static final int[] SAMPLE_YEARS = {0, 1, 2, 3, 11, 21, 22, 100};
    private static final int MAX_CACHED_CHAINS = 1_000;

    /** By language tag, then key ({@code BIRTHDAY.text}). */
    private final Map<String, Map<String, Template>> templates = new HashMap<>();

    private final ULocale defaultLocale;
    private final LocaleMatcher matcher;
    private final Map<String, List<String>> chains = new ConcurrentHashMap<>();

    GreetingTemplates(OccasionRegistry occasions, GreetingProperties properties)
            throws IOException {
        Set<String> occasionNames = occasions.names();
        for (Resource bundle : new PathMatchingResourcePatternResolver().getResources(BUNDLES)) {
            try (InputStream in = bundle.getInputStream()) {
                load(
                        occasionNames,
                        "classpath:greetings/" + bundle.getFilename(),
                        bundle.getFilename(),
                        in.readAllBytes());
            }
        }
        if (properties.templatesDir() != null) {
            loadDirectory(occasionNames, properties.templatesDir());
        }
        String defaultTag = properties.defaultLocale().toLanguageTag();
        addFromProperties(occasionNames, defaultTag, "templates", "text", properties.templates());
        addFromProperties(occasionNames, defaultTag, "subjects", "subject", properties.subjects());
        for (String occasion : occasionNames) {
            for (String part : List.of("subject", "text")) {
                if (!templates.getOrDefault(ROOT, Map.of()).containsKey(occasion + "." + part)) {
                    throw new GreetingTemplateException(
                            "classpath:greetings/" + ROOT + ".properties",
                            occasion + "." + part,
                            "missing: English has every occasion's subject and text");
                }
            }
        }
        this.defaultLocale = ULocale.forLocale(properties.defaultLocale());
        this.matcher =
                LocaleMatcher.builder()
                        .setSupportedULocales(
                                templates.keySet().stream().map(ULocale::forLanguageTag).toList())
                        .setDefaultULocale(defaultLocale)
                        .build();
    }

    /**
     * The greeting of the occasion so named on {@code date} for a user with this locale (null: the
     * default); {@code since} is the occasion's original date, whose distance in years is {@code
     * years}.
     */
    public RenderedGreeting render(
            String occasion,
            String locale,
            String firstName,
            String lastName,
            LocalDate date,
            LocalDate since) {
        List<String> chain = chain(locale);
        Found text = find(chain, occasion + ".text");
        Template subject = find(chain, occasion + ".subject").template();
        Template html = templates.get(text.tag()).get(occasion + ".html");
        int years = date.getYear() - since.getYear();
        return new RenderedGreeting(
                text.tag(),
                subject.format(firstName, lastName, date, years),
                text.template().format(firstName, lastName, date, years),
                html == null
                        ? null
                        : html.format(
                                HtmlUtils.htmlEscape(firstName),
                                HtmlUtils.htmlEscape(lastName),
                                date,
                                years));
    }

    /** A template and the language it was found in. */
    private record Found(String tag, Template template) {}

    private Found find(List<String> chain, String key) {
        for (String tag : chain) {
            Template template = templates.getOrDefault(tag, Map.of()).get(key);
            if (template != null) {
                return new Found(tag, template);
            }
        }
        throw new IllegalStateException("no template " + key + " in " + chain);
    }

    private List<String> chain(String locale) {
        String wanted = locale == null ? "" : locale;
        List<String> chain = chains.get(wanted);
        if (chain == null) {
            chain = resolve(locale == null ? defaultLocale : ULocale.forLanguageTag(locale));
            if (chains.size() < MAX_CACHED_CHAINS) {
                chains.put(wanted, chain);
            }
        }
        return chain;
    }

    private List<String> resolve(ULocale wanted) {
        Set<String> chain = new LinkedHashSet<>();
        for (ULocale start : List.of(matcher.getBestMatch(wanted), defaultLocale)) {
            for (ULocale at = start;
                    at != null && !at.getLanguage().isEmpty();
                    at = at.getFallback()) {
                chain.add(at.toLanguageTag());
            }
        }
        chain.add(ROOT);
        return List.copyOf(chain);
    }

    /**
     * One template. Each thread formats with a copy of its own: ICU's formats keep state while they
     * work, and a clone of a MessageFormat shares its date format with the original.
     */
    private static final class Template {
        private final ULocale language;
        private final ThreadLocal<MessageFormat> perThread;
        // Most templates show no date: they skip the making of a calendar, the costliest argument.
        private final boolean showsDate;

        Template(String pattern, ULocale language, boolean showsDate) {
            this.language = language;
            this.perThread = ThreadLocal.withInitial(() -> new MessageFormat(pattern, language));
            this.showsDate = showsDate;
        }

        String format(String firstName, String lastName, LocalDate date, int years) {
            Map<String, Object> arguments = new HashMap<>(8);
            arguments.put("firstName", firstName);
            arguments.put("lastName", lastName);
            arguments.put("years", years);
            if (showsDate) {
                // A calendar day, not an instant: shown in GMT, where midnight is that day.
                Calendar day = Calendar.getInstance(TimeZone.GMT_ZONE, language);
                day.setTimeInMillis(date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
                arguments.put("date", day);
            }
            return perThread.get().format(arguments);
        }
    }

    private void loadDirectory(Set<String> occasions, Path directory) throws IOException {
        if (!Files.isDirectory(directory) || !Files.isReadable(directory)) {
            throw new GreetingTemplateException(
                    "cakeday.greeting.templates-dir",
                    null,
                    directory + " is not a readable directory");
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory)) {
            files =
                    listed.filter(file -> file.getFileName().toString().endsWith(".properties"))
                            .sorted()
                            .toList();
        }
        for (Path file : files) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new GreetingTemplateException(
                        file.toString(), null, "cannot be read: " + e.getMessage());
            }
            load(occasions, file.toString(), file.getFileName().toString(), content);
        }
    }

    private void load(Set<String> occasions, String source, String fileName, byte[] content) {
        String tag =
                canonical(
                        source, fileName.substring(0, fileName.length() - ".properties".length()));
        String text;
        try {
            // Strict: a file saved in another encoding stops the start, not a greeting's words.
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(content))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new GreetingTemplateException(source, null, "is not UTF-8 text");
        }
        Properties entries = new Properties();
        try {
            entries.load(new StringReader(text.startsWith("\uFEFF") ? text.substring(1) : text));
        } catch (IOException | IllegalArgumentException e) {
            throw new GreetingTemplateException(source, null, e.getMessage());
        }
        for (String key : new TreeSet<>(entries.stringPropertyNames())) {
            add(occasions, source, tag, key, entries.getProperty(key));
        }
    }

    private void addFromProperties(
            Set<String> occasions,
            String tag,
            String property,
            String part,
            Map<String, String> set) {
        new TreeMap<>(set)
                .forEach(
                        (occasion, pattern) ->
                                add(
                                        occasions,
                                        "cakeday.greeting." + property + "." + occasion,
                                        tag,
                                        occasion + "." + part,
                                        pattern));
    }

    private void add(Set<String> occasions, String source, String tag, String key, String pattern) {
        int dot = key.lastIndexOf('.');
        String occasion = dot < 0 ? key : key.substring(0, dot);
        String part = dot < 0 ? "" : key.substring(dot + 1);
        if (!occasions.contains(occasion) || !PARTS.contains(part)) {
            throw new GreetingTemplateException(
                    source,
                    key,
                    "keys are {OCCASION}.subject, .text or .html, with an occasion among "
                            + String.join(", ", new TreeSet<>(occasions)));
        }
        ULocale language = ULocale.forLanguageTag(tag);
        MessageFormat template;
        try {
            template = new MessageFormat(pattern, language);
        } catch (IllegalArgumentException e) {
            throw new GreetingTemplateException(source, key, e.getMessage());
        }
        List<String> unknown = new ArrayList<>(template.getArgumentNames());
        unknown.removeAll(ARGUMENTS);
        if (!unknown.isEmpty()) {
            throw new GreetingTemplateException(
                    source,
                    key,
                    "unknown argument(s) "
                            + unknown
                            + "; the arguments are firstName, lastName, date and years");
        }
        if (template.getArgumentNames().contains("date")
                && template.getFormatByArgumentName("date") == null) {
            throw new GreetingTemplateException(
                    source,
                    key,
                    "write {date, date, long} (or medium, short, full): a bare {date} shows the"
                            + " time of midnight too");
        }
        Template checked =
                new Template(pattern, language, template.getArgumentNames().contains("date"));
        for (int years : SAMPLE_YEARS) {
            try {
                checked.format("Ada", "Lovelace", LocalDate.of(2026, 12, 2), years);
            } catch (RuntimeException e) {
                throw new GreetingTemplateException(
                        source, key, "cannot be rendered with years=" + years + ": " + e);
            }
        }
        templates.computeIfAbsent(tag, t -> new HashMap<>()).put(key, checked);
    }

    private static String canonical(String source, String name) {
        return LanguageTags.canonical(name)
                .orElseThrow(
                        () ->
                                new GreetingTemplateException(
                                        source,
                                        null,
                                        "the file name must be a BCP 47 language tag such as"
                                                + " de.properties or pt-BR.properties"));
    }
}
