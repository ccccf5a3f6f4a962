package dev.cakeday.greeting.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.greeting.GreetingProperties;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * The templates as the service starts them: bundled, overridden from a directory and from
 * properties, matched to each user's language, and refused at start-up when broken.
 */
class GreetingTemplatesTest {

    static final LocalDate GREETED = LocalDate.of(2026, 12, 2);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GreetingProperties.class)
    @ComponentScan(basePackageClasses = OccasionRegistry.class)
    static class Occasions {}

    final ApplicationContextRunner context =
            new ApplicationContextRunner()
                    .withUserConfiguration(Occasions.class, GreetingTemplates.class);

    static final DateTimeFormatter LONG =
            DateTimeFormatter.ofPattern("MMMM d, uuuu", java.util.Locale.ENGLISH);

    @TempDir Path dir;

    @Test
    void theEnglishDefaultsAreExactlyAsBefore() {
        started(
                templates -> {
                    RenderedGreeting birthday = birthday(templates, null);
                    assertThat(birthday)
                            .isEqualTo(
                                    new RenderedGreeting(
                                            "en",
                                            "Happy birthday, Ada!",
                                            "Hey, Ada Lovelace it's your birthday",
                                            null));
                    assertThat(anniversary(templates, "en", 22))
                            .isEqualTo(
                                    new RenderedGreeting(
                                            "en",
                                            "Happy anniversary, Ada!",
                                            "Hey, Ada Lovelace happy anniversary",
                                            null));
                });
    }

    @ParameterizedTest(name = "{0} is greeted in {1}")
    @CsvSource(
            nullValues = "null",
            value = {
                "de-CH, de",
                "de-AT, de",
                "de, de",
                "pt, pt-BR",
                "pt-BR, pt-BR",
                "zh-CN, zh-Hans",
                "zh-Hans-SG, zh-Hans",
                "fr-CA, fr",
                "ja-JP, ja",
                "pl, pl",
                "null, en",
                "tlh, en",
                "gsw, de",
                "ca, es",
                "ko, en",
                "zh-Hant-TW, en",
                "en-GB, en",
            })
    void aUsersLanguageFallsBackFromTheMostSpecificToTheDefault(String user, String used) {
        started(
                templates -> {
                    RenderedGreeting rendered = birthday(templates, user);
                    assertThat(rendered.locale()).isEqualTo(used);
                    assertThat(rendered).isEqualTo(birthday(templates, used));
                });
    }

    @Test
    void aLanguageWithoutTemplatesGetsTheDefaultLocale() {
        context.withPropertyValues("cakeday.greeting.default-locale=fr")
                .run(
                        started -> {
                            GreetingTemplates templates = started.getBean(GreetingTemplates.class);
                            assertThat(birthday(templates, "ko").locale()).isEqualTo("fr");
                            assertThat(birthday(templates, null).locale()).isEqualTo("fr");
                            assertThat(birthday(templates, "de").locale()).isEqualTo("de");
                        });
    }

    /**
     * Every bundled language, rendered the way a greeting is, says what BundledTemplatesTest holds.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.cakeday.greeting.message.BundledTemplatesTest#locales")
    void everyBundledLanguageRendersItsExactTexts(BundledTemplatesTest.Expected expected) {
        started(
                templates -> {
                    RenderedGreeting birthday = birthday(templates, expected.tag());
                    assertThat(birthday.locale()).isEqualTo(expected.tag());
                    assertThat(birthday.subject()).isEqualTo(expected.birthdaySubject());
                    assertThat(birthday.text()).isEqualTo(expected.birthdayText());
                    for (int i = 0; i < BundledTemplatesTest.YEARS.size(); i++) {
                        RenderedGreeting anniversary =
                                anniversary(
                                        templates,
                                        expected.tag(),
                                        BundledTemplatesTest.YEARS.get(i));
                        assertThat(anniversary.subject()).isEqualTo(expected.anniversarySubject());
                        assertThat(anniversary.text())
                                .isEqualTo(expected.anniversaryTexts().get(i));
                    }
                });
    }

    /** The sending threads render at once: each gets its own date, none another's. */
    @Test
    void concurrentRendersNeverMixTheirDates() throws Exception {
        write("en.properties", "BIRTHDAY.text = {firstName}: {date, date, long}\n");
        withDirectory(
                templates -> {
                    ExecutorService threads = Executors.newFixedThreadPool(8);
                    try {
                        List<Future<List<String>>> wrong = new ArrayList<>();
                        for (int t = 0; t < 8; t++) {
                            int thread = t;
                            wrong.add(
                                    threads.submit(
                                            () -> {
                                                List<String> mismatches = new ArrayList<>();
                                                for (int i = 0; i < 3_000; i++) {
                                                    LocalDate day =
                                                            LocalDate.of(2000, 1, 1)
                                                                    .plusDays(thread * 3_000L + i);
                                                    String text =
                                                            templates
                                                                    .render(
                                                                            "BIRTHDAY",
                                                                            null,
                                                                            "T" + thread,
                                                                            "X",
                                                                            day,
                                                                            day.minusYears(30))
                                                                    .text();
                                                    String expected =
                                                            "T" + thread + ": " + LONG.format(day);
                                                    if (!text.equals(expected)) {
                                                        mismatches.add(text + " != " + expected);
                                                    }
                                                }
                                                return mismatches;
                                            }));
                        }
                        for (Future<List<String>> result : wrong) {
                            assertThat(result.get()).isEmpty();
                        }
                    } catch (InterruptedException | ExecutionException e) {
                        throw new AssertionError(e);
                    } finally {
                        threads.shutdownNow();
                    }
                });
    }

    @Test
    void aFileNotInUtf8StopsTheStartAndAByteOrderMarkIsNoKey() throws IOException {
        Files.write(
                dir.resolve("de.properties"),
                "BIRTHDAY.text = Gl\u00fcckwunsch\n".getBytes(StandardCharsets.ISO_8859_1));
        context.withPropertyValues("cakeday.greeting.templates-dir=" + dir)
                .run(
                        started ->
                                assertThat(started.getStartupFailure())
                                        .rootCause()
                                        .hasMessageContaining("de.properties")
                                        .hasMessageContaining("is not UTF-8 text"));

        Files.writeString(
                dir.resolve("de.properties"),
                "\uFEFFBIRTHDAY.text = Glückwunsch, {firstName}\n",
                StandardCharsets.UTF_8);
        withDirectory(
                templates ->
                        assertThat(birthday(templates, "de").text()).isEqualTo("Glückwunsch, Ada"));
    }

    @Test
    void aDirectoryOverridesABundleKeyByKeyAndAddsLanguages() throws IOException {
        write(
                "de-CH.properties",
                "BIRTHDAY.subject = Alles Guete, {firstName}!\n"
                        + "BIRTHDAY.html = <p>Hoi <b>{firstName}</b></p>\n");
        write("sv.properties", "BIRTHDAY.text = Grattis på födelsedagen, {firstName}!\n");
        write(
                "en.properties",
                "ANNIVERSARY.text = {firstName}, happy {years, selectordinal, one {#st} two {#nd}"
                        + " few {#rd} other {#th}} anniversary ({date, date, long})\n");
        write("notes.txt", "not a template: ignored");
        withDirectory(
                templates -> {
                    RenderedGreeting swiss = birthday(templates, "de-CH");
                    RenderedGreeting german = birthday(templates, "de");
                    assertThat(swiss.subject()).isEqualTo("Alles Guete, Ada!");
                    assertThat(swiss.text()).as("from de").isEqualTo(german.text());
                    assertThat(swiss.locale()).as("the text's language").isEqualTo("de");
                    assertThat(swiss.html())
                            .as("HTML only with the text of its own language")
                            .isNull();

                    RenderedGreeting swedish = birthday(templates, "sv-FI");
                    assertThat(swedish.locale()).isEqualTo("sv");
                    assertThat(swedish.text()).isEqualTo("Grattis på födelsedagen, Ada!");
                    assertThat(swedish.subject()).as("from en").isEqualTo("Happy birthday, Ada!");

                    assertThat(anniversary(templates, null, 1).text())
                            .isEqualTo("Ada, happy 1st anniversary (December 2, 2026)");
                    assertThat(anniversary(templates, null, 22).text())
                            .isEqualTo("Ada, happy 22nd anniversary (December 2, 2026)");
                    assertThat(anniversary(templates, null, 13).text())
                            .isEqualTo("Ada, happy 13th anniversary (December 2, 2026)");
                });
    }

    @Test
    void htmlEscapesTheNames() throws IOException {
        write(
                "de-CH.properties",
                "BIRTHDAY.text = Hoi {firstName}\nBIRTHDAY.html = <p>Hoi {firstName}</p>\n");
        withDirectory(
                templates -> {
                    RenderedGreeting rendered =
                            templates.render(
                                    "BIRTHDAY",
                                    "de-CH",
                                    "<script>Ada</script>",
                                    "O'Brien",
                                    GREETED,
                                    LocalDate.of(1990, 12, 2));
                    assertThat(rendered.text()).isEqualTo("Hoi <script>Ada</script>");
                    assertThat(rendered.html())
                            .isEqualTo("<p>Hoi &lt;script&gt;Ada&lt;/script&gt;</p>");
                });
    }

    @Test
    void propertiesSetTheDefaultLocalesTemplates() {
        context.withPropertyValues(
                        "cakeday.greeting.templates.BIRTHDAY=Happy birthday, {firstName}!",
                        "cakeday.greeting.subjects.ANNIVERSARY={firstName} {lastName}: a year")
                .run(
                        started -> {
                            GreetingTemplates templates = started.getBean(GreetingTemplates.class);
                            assertThat(birthday(templates, null).text())
                                    .isEqualTo("Happy birthday, Ada!");
                            assertThat(anniversary(templates, null, 1).subject())
                                    .isEqualTo("Ada Lovelace: a year");
                            assertThat(birthday(templates, "de").text())
                                    .as("other languages keep theirs")
                                    .isNotEqualTo("Happy birthday, Ada!");
                        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unmatched brace | de.properties | BIRTHDAY.text = Hallo {firstName | BIRTHDAY.text in | Unmatched '{' braces",
                "unknown argument | de.properties | BIRTHDAY.text = Hallo {name} | BIRTHDAY.text in | unknown argument(s) [name]",
                "unknown occasion | de.properties | NAMEDAY.text = Hallo | NAMEDAY.text in | keys are {OCCASION}.subject, .text or .html",
                "unknown part | de.properties | BIRTHDAY.body = Hallo | BIRTHDAY.body in | keys are",
                "bad plural | pl.properties | ANNIVERSARY.text = {years, plural, one {# rok}} | ANNIVERSARY.text in | ",
                "bare date | de.properties | BIRTHDAY.text = Am {date} | BIRTHDAY.text in | write {date, date, long}",
                "file name no language | greetings.properties | BIRTHDAY.text = Hi | greetings.properties | BCP 47",
            })
    void aBrokenOverrideStopsTheStartNamingFileKeyAndError(
            String what, String file, String line, String key, String error) throws IOException {
        write(file, line + "\n");
        context.withPropertyValues("cakeday.greeting.templates-dir=" + dir)
                .run(
                        started -> {
                            assertThat(started).hasFailed();
                            assertThat(started.getStartupFailure())
                                    .rootCause()
                                    .isInstanceOf(GreetingTemplateException.class)
                                    .hasMessageContaining(key)
                                    .hasMessageContaining(error == null ? "" : error)
                                    .hasMessageContaining(dir.resolve(file).toString());
                            FailureAnalysis analysis =
                                    new GreetingTemplateFailureAnalyzer()
                                            .analyze(started.getStartupFailure());
                            assertThat(analysis.getDescription()).contains(file);
                            assertThat(analysis.getAction()).contains("ICU MessageFormat");
                        });
    }

    @Test
    void aMissingDirectoryStopsTheStart() {
        context.withPropertyValues("cakeday.greeting.templates-dir=" + dir.resolve("absent"))
                .run(
                        started ->
                                assertThat(started.getStartupFailure())
                                        .rootCause()
                                        .hasMessageContaining("cakeday.greeting.templates-dir")
                                        .hasMessageContaining("is not a readable directory"));
    }

    @Test
    void aBrokenPropertyTemplateStopsTheStartNamingTheProperty() {
        context.withPropertyValues("cakeday.greeting.subjects.BIRTHDAY=Hi {firstName")
                .run(
                        started ->
                                assertThat(started.getStartupFailure())
                                        .rootCause()
                                        .hasMessageContaining(
                                                "cakeday.greeting.subjects.BIRTHDAY"));
    }

    private void write(String file, String content) throws IOException {
        Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
    }

    private void started(Consumer<GreetingTemplates> check) {
        context.run(started -> check.accept(started.getBean(GreetingTemplates.class)));
    }

    private void withDirectory(Consumer<GreetingTemplates> check) {
        context.withPropertyValues("cakeday.greeting.templates-dir=" + dir)
                .run(
                        started -> {
                            assertThat(started).hasNotFailed();
                            check.accept(started.getBean(GreetingTemplates.class));
                        });
    }

    static RenderedGreeting birthday(GreetingTemplates templates, String locale) {
        return templates.render(
                "BIRTHDAY", locale, "Ada", "Lovelace", GREETED, LocalDate.of(1990, 12, 2));
    }

    static RenderedGreeting anniversary(GreetingTemplates templates, String locale, int years) {
        return templates.render(
                "ANNIVERSARY", locale, "Ada", "Lovelace", GREETED, GREETED.minusYears(years));
    }
}
