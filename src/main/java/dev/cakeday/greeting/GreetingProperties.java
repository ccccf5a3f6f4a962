package dev.cakeday.greeting;

import dev.cakeday.greeting.calendar.LeapDayPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The time rules and planning settings under {@code cakeday.greeting.*}.
 *
 * @param sendTime local time of day greetings go out in each user's zone
 * @param leapDay when Feb 29 occasions are greeted in common years
 * @param maxLateness how late a greeting may still go out; past it, it is recorded EXPIRED
 * @param horizon how far ahead the planner creates greeting rows
 * @param planAt time of day (UTC) of the daily planning run
 * @param retryInitial first retry delay after a temporary provider failure; it doubles per attempt
 * @param retryMax cap of the retry delay
 * @param subjects subject templates of the default locale by occasion name
 * @param templates message templates of the default locale by occasion name (ICU MessageFormat)
 * @param defaultLocale the language of users who have none, and of the templates set here
 * @param templatesDir a directory of {@code {tag}.properties} template files that override or add
 *     to the bundled ones, or null
 * @param planOnStartup whether an instance plans once at start-up, besides the daily run (the
 *     commands switch it off)
 */
@ConfigurationProperties("cakeday.greeting")
public record GreetingProperties(
        @DefaultValue("09:00") LocalTime sendTime,
        @DefaultValue("FEB_28") LeapDayPolicy leapDay,
        @DefaultValue("3d") Duration maxLateness,
        @DefaultValue("3d") Duration horizon,
        @DefaultValue("00:10") LocalTime planAt,
        @DefaultValue("30s") Duration retryInitial,
        @DefaultValue("15m") Duration retryMax,
        Map<String, String> templates,
        Map<String, String> subjects,
        @DefaultValue("en") Locale defaultLocale,
        Path templatesDir,
        @DefaultValue("true") boolean planOnStartup) {

    public GreetingProperties {
        requirePositive("max-lateness", maxLateness);
        requirePositive("horizon", horizon);
        requirePositive("retry-initial", retryInitial);
        requirePositive("retry-max", retryMax);
        if (horizon.compareTo(Duration.ofDays(1)) < 0) {
            // The planner runs once a day: a shorter horizon would plan some greetings only after
            // they fell due.
            throw new IllegalArgumentException(
                    "cakeday.greeting.horizon must be at least 1d (the planner runs daily), got "
                            + horizon);
        }
        templates = templates == null ? Map.of() : Map.copyOf(templates);
        subjects = subjects == null ? Map.of() : Map.copyOf(subjects);
        if (defaultLocale.getLanguage().isEmpty()) {
            throw new IllegalArgumentException(
                    "cakeday.greeting.default-locale must be a language tag such as en or pt-BR, got "
                            + defaultLocale);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(
                    "cakeday.greeting." + name + " must be positive, got " + value);
        }
    }
}
