package dev.cakeday.greeting.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.util.Calendar;
import com.ibm.icu.util.TimeZone;
import com.ibm.icu.util.ULocale;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled greeting templates (src/main/resources/greetings/{tag}.properties), read and rendered
 * the way ICU does it, independently of Cakeday's own classes: every text of every language,
 * exactly.
 */
class BundledTemplatesTest {

    static final Set<String> ARGUMENTS = Set.of("firstName", "lastName", "date", "years");

    static final List<Integer> YEARS = List.of(1, 2, 3, 11, 21, 22);

    /** What each bundle renders for Ada Lovelace: the anniversary text at 1, 2, 3, 11, 21, 22. */
    record Expected(
            String tag,
            String birthdaySubject,
            String birthdayText,
            String anniversarySubject,
            List<String> anniversaryTexts) {

        @Override
        public String toString() {
            return tag;
        }
    }

    static final List<Expected> EXPECTED =
            List.of(
                    new Expected(
                            "en",
                            "Happy birthday, Ada!",
                            "Hey, Ada Lovelace it's your birthday",
                            "Happy anniversary, Ada!",
                            List.of(
                                    "Hey, Ada Lovelace happy anniversary",
                                    "Hey, Ada Lovelace happy anniversary",
                                    "Hey, Ada Lovelace happy anniversary",
                                    "Hey, Ada Lovelace happy anniversary",
                                    "Hey, Ada Lovelace happy anniversary",
                                    "Hey, Ada Lovelace happy anniversary")),
                    new Expected(
                            "de",
                            "Alles Gute zum Geburtstag, Ada!",
                            "Hallo Ada, herzlichen Glückwunsch zum Geburtstag und einen"
                                    + " wunderschönen Tag!",
                            "Alles Gute zum Jubiläum, Ada!",
                            List.of(
                                    "Hallo Ada, herzlichen Glückwunsch zum 1. Jubiläum! Auf viele"
                                            + " weitere schöne Jahre!",
                                    "Hallo Ada, herzlichen Glückwunsch zum 2. Jubiläum! Auf viele"
                                            + " weitere schöne Jahre!",
                                    "Hallo Ada, herzlichen Glückwunsch zum 3. Jubiläum! Auf viele"
                                            + " weitere schöne Jahre!",
                                    "Hallo Ada, herzlichen Glückwunsch zum 11. Jubiläum! Auf viele"
                                            + " weitere schöne Jahre!",
                                    "Hallo Ada, herzlichen Glückwunsch zum 21. Jubiläum! Auf viele"
                                            + " weitere schöne Jahre!",
                                    "Hallo Ada, herzlichen Glückwunsch zum 22. Jubiläum! Auf viele"
                                            + " weitere schöne Jahre!")),
                    // French typography: a no-break space (U+00A0) before "!".
                    new Expected(
                            "fr",
                            "Joyeux anniversaire, Ada\u00A0!",
                            "Bonjour Ada, joyeux anniversaire et très belle journée\u00A0!",
                            "Une date à célébrer, Ada\u00A0!",
                            List.of(
                                    "Bonjour Ada, félicitations pour cette première année\u00A0!"
                                            + " Que les prochaines soient tout aussi belles.",
                                    "Bonjour Ada, félicitations pour ces 2 années\u00A0! Que les"
                                            + " prochaines soient tout aussi belles.",
                                    "Bonjour Ada, félicitations pour ces 3 années\u00A0! Que les"
                                            + " prochaines soient tout aussi belles.",
                                    "Bonjour Ada, félicitations pour ces 11 années\u00A0! Que les"
                                            + " prochaines soient tout aussi belles.",
                                    "Bonjour Ada, félicitations pour ces 21 années\u00A0! Que les"
                                            + " prochaines soient tout aussi belles.",
                                    "Bonjour Ada, félicitations pour ces 22 années\u00A0! Que les"
                                            + " prochaines soient tout aussi belles.")),
                    new Expected(
                            "es",
                            "¡Feliz cumpleaños, Ada!",
                            "¡Hola, Ada! ¡Feliz cumpleaños! Que tengas un día maravilloso.",
                            "¡Feliz aniversario, Ada!",
                            List.of(
                                    "¡Hola, Ada! Hoy se cumple 1 año: ¡muchas felicidades por este"
                                            + " aniversario tan especial!",
                                    "¡Hola, Ada! Hoy se cumplen 2 años: ¡muchas felicidades por"
                                            + " este aniversario tan especial!",
                                    "¡Hola, Ada! Hoy se cumplen 3 años: ¡muchas felicidades por"
                                            + " este aniversario tan especial!",
                                    "¡Hola, Ada! Hoy se cumplen 11 años: ¡muchas felicidades por"
                                            + " este aniversario tan especial!",
                                    "¡Hola, Ada! Hoy se cumplen 21 años: ¡muchas felicidades por"
                                            + " este aniversario tan especial!",
                                    "¡Hola, Ada! Hoy se cumplen 22 años: ¡muchas felicidades por"
                                            + " este aniversario tan especial!")),
                    new Expected(
                            "pt-BR",
                            "Feliz aniversário, Ada!",
                            "Olá, Ada! Parabéns pelo seu aniversário! Desejamos um dia incrível e"
                                    + " muitas felicidades.",
                            "Parabéns pela data especial, Ada!",
                            List.of(
                                    "Olá, Ada! Já é 1 ano de uma linda história. Muitas"
                                            + " felicidades!",
                                    "Olá, Ada! Já são 2 anos de uma linda história. Muitas"
                                            + " felicidades!",
                                    "Olá, Ada! Já são 3 anos de uma linda história. Muitas"
                                            + " felicidades!",
                                    "Olá, Ada! Já são 11 anos de uma linda história. Muitas"
                                            + " felicidades!",
                                    "Olá, Ada! Já são 21 anos de uma linda história. Muitas"
                                            + " felicidades!",
                                    "Olá, Ada! Já são 22 anos de uma linda história. Muitas"
                                            + " felicidades!")),
                    new Expected(
                            "it",
                            "Buon compleanno, Ada!",
                            "Ciao Ada, tanti auguri di buon compleanno! Che sia una giornata"
                                    + " splendida.",
                            "Buon anniversario, Ada!",
                            List.of(
                                    "Ciao Ada, buon 1º anniversario! Complimenti per questo bel"
                                            + " traguardo.",
                                    "Ciao Ada, buon 2º anniversario! Complimenti per questo bel"
                                            + " traguardo.",
                                    "Ciao Ada, buon 3º anniversario! Complimenti per questo bel"
                                            + " traguardo.",
                                    "Ciao Ada, buon 11º anniversario! Complimenti per questo bel"
                                            + " traguardo.",
                                    "Ciao Ada, buon 21º anniversario! Complimenti per questo bel"
                                            + " traguardo.",
                                    "Ciao Ada, buon 22º anniversario! Complimenti per questo bel"
                                            + " traguardo.")),
                    new Expected(
                            "nl",
                            "Fijne verjaardag, Ada!",
                            "Hoi Ada, van harte gefeliciteerd met je verjaardag! Maak er een mooie"
                                    + " dag van.",
                            "Gefeliciteerd met je jubileum, Ada!",
                            List.of(
                                    "Hoi Ada, van harte gefeliciteerd met je 1-jarig jubileum! Een"
                                            + " mooie mijlpaal om te vieren.",
                                    "Hoi Ada, van harte gefeliciteerd met je 2-jarig jubileum! Een"
                                            + " mooie mijlpaal om te vieren.",
                                    "Hoi Ada, van harte gefeliciteerd met je 3-jarig jubileum! Een"
                                            + " mooie mijlpaal om te vieren.",
                                    "Hoi Ada, van harte gefeliciteerd met je 11-jarig jubileum! Een"
                                            + " mooie mijlpaal om te vieren.",
                                    "Hoi Ada, van harte gefeliciteerd met je 21-jarig jubileum! Een"
                                            + " mooie mijlpaal om te vieren.",
                                    "Hoi Ada, van harte gefeliciteerd met je 22-jarig jubileum! Een"
                                            + " mooie mijlpaal om te vieren.")),
                    new Expected(
                            "pl",
                            "Wszystkiego najlepszego, Ada!",
                            "Cześć, Ada! Z okazji urodzin życzymy Ci wszystkiego najlepszego i"
                                    + " wspaniałego dnia!",
                            "Gratulacje z okazji rocznicy, Ada!",
                            List.of(
                                    "Cześć, Ada! To już rok. Z okazji rocznicy życzymy Ci"
                                            + " wszystkiego najlepszego!",
                                    "Cześć, Ada! To już 2 lata. Z okazji rocznicy życzymy Ci"
                                            + " wszystkiego najlepszego!",
                                    "Cześć, Ada! To już 3 lata. Z okazji rocznicy życzymy Ci"
                                            + " wszystkiego najlepszego!",
                                    "Cześć, Ada! To już 11 lat. Z okazji rocznicy życzymy Ci"
                                            + " wszystkiego najlepszego!",
                                    "Cześć, Ada! To już 21 lat. Z okazji rocznicy życzymy Ci"
                                            + " wszystkiego najlepszego!",
                                    "Cześć, Ada! To już 22 lata. Z okazji rocznicy życzymy Ci"
                                            + " wszystkiego najlepszego!")),
                    new Expected(
                            "ja",
                            "Lovelaceさん、お誕生日おめでとうございます！",
                            "Lovelaceさん、お誕生日おめでとうございます！素敵な一年になりますように。",
                            "Lovelaceさん、記念日おめでとうございます！",
                            List.of(
                                    "Lovelaceさん、1周年おめでとうございます！これからも素敵な日々が続きますように。",
                                    "Lovelaceさん、2周年おめでとうございます！これからも素敵な日々が続きますように。",
                                    "Lovelaceさん、3周年おめでとうございます！これからも素敵な日々が続きますように。",
                                    "Lovelaceさん、11周年おめでとうございます！これからも素敵な日々が続きますように。",
                                    "Lovelaceさん、21周年おめでとうございます！これからも素敵な日々が続きますように。",
                                    "Lovelaceさん、22周年おめでとうございます！これからも素敵な日々が続きますように。")),
                    new Expected(
                            "zh-Hans",
                            "Ada，生日快乐！",
                            "Ada，祝你生日快乐！愿你度过美好的一天，新的一岁万事顺意。",
                            "Ada，周年快乐！",
                            List.of(
                                    "Ada，1周年纪念日快乐！愿未来的日子越来越精彩。",
                                    "Ada，2周年纪念日快乐！愿未来的日子越来越精彩。",
                                    "Ada，3周年纪念日快乐！愿未来的日子越来越精彩。",
                                    "Ada，11周年纪念日快乐！愿未来的日子越来越精彩。",
                                    "Ada，21周年纪念日快乐！愿未来的日子越来越精彩。",
                                    "Ada，22周年纪念日快乐！愿未来的日子越来越精彩。")));

    static Stream<Expected> locales() {
        return EXPECTED.stream();
    }

    static Stream<Arguments> anniversaries() {
        return EXPECTED.stream()
                .flatMap(
                        expected ->
                                IntStream.range(0, YEARS.size())
                                        .mapToObj(
                                                i ->
                                                        Arguments.of(
                                                                expected.tag(),
                                                                YEARS.get(i),
                                                                expected.anniversaryTexts()
                                                                        .get(i))));
    }

    static Properties bundle(String tag) throws IOException {
        String resource = "greetings/" + tag + ".properties";
        try (InputStream in =
                BundledTemplatesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                Properties properties = new Properties();
                properties.load(reader);
                return properties;
            }
        }
    }

    static String render(String tag, String key, int years) throws IOException {
        String pattern = bundle(tag).getProperty(key);
        assertThat(pattern).as(tag + " " + key).isNotNull();
        Calendar date = Calendar.getInstance(TimeZone.GMT_ZONE, ULocale.ROOT);
        date.clear();
        date.set(2026, Calendar.DECEMBER, 2);
        Map<String, Object> arguments =
                Map.of("firstName", "Ada", "lastName", "Lovelace", "date", date, "years", years);
        return new MessageFormat(pattern, ULocale.forLanguageTag(tag)).format(arguments);
    }

    @Test
    void everyBundledLanguageIsInTheTable() throws IOException, URISyntaxException {
        URL greetings = BundledTemplatesTest.class.getClassLoader().getResource("greetings");
        assertThat(greetings).isNotNull();
        try (Stream<Path> files = Files.list(Path.of(greetings.toURI()))) {
            assertThat(
                            files.map(file -> file.getFileName().toString())
                                    .map(name -> name.replaceFirst("\\.properties$", ""))
                                    .collect(Collectors.toSet()))
                    .containsExactlyInAnyOrderElementsOf(
                            EXPECTED.stream().map(Expected::tag).toList());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locales")
    void tagsAreCanonicalBcp47(Expected expected) {
        assertThat(ULocale.forLanguageTag(expected.tag()).toLanguageTag())
                .isEqualTo(expected.tag());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locales")
    void everyBundleHasTheKeysOfTheEnglishOne(Expected expected) throws IOException {
        assertThat(bundle(expected.tag()).stringPropertyNames())
                .containsExactlyInAnyOrderElementsOf(bundle("en").stringPropertyNames());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locales")
    void patternsUseOnlyTheKnownArguments(Expected expected) throws IOException {
        Properties bundle = bundle(expected.tag());
        for (String key : bundle.stringPropertyNames()) {
            MessageFormat format =
                    new MessageFormat(
                            bundle.getProperty(key), ULocale.forLanguageTag(expected.tag()));
            assertThat(format.getArgumentNames())
                    .as(expected.tag() + " " + key)
                    .isNotEmpty()
                    .isSubsetOf(ARGUMENTS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locales")
    void birthdayTextsAreExactAndDoNotMentionTheAge(Expected expected) throws IOException {
        assertThat(render(expected.tag(), "BIRTHDAY.subject", 36))
                .isEqualTo(expected.birthdaySubject());
        assertThat(render(expected.tag(), "BIRTHDAY.text", 36)).isEqualTo(expected.birthdayText());
        for (int age : List.of(1, 2, 21, 22, 37)) {
            assertThat(render(expected.tag(), "BIRTHDAY.subject", age))
                    .isEqualTo(expected.birthdaySubject());
            assertThat(render(expected.tag(), "BIRTHDAY.text", age))
                    .isEqualTo(expected.birthdayText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locales")
    void anniversarySubjectsAreExact(Expected expected) throws IOException {
        for (int years : YEARS) {
            assertThat(render(expected.tag(), "ANNIVERSARY.subject", years))
                    .isEqualTo(expected.anniversarySubject());
        }
    }

    @ParameterizedTest(name = "{0}, {1} years")
    @MethodSource("anniversaries")
    void anniversaryTextsSayWhichAnniversaryItIs(String tag, int years, String text)
            throws IOException {
        assertThat(render(tag, "ANNIVERSARY.text", years)).isEqualTo(text);
    }
}
