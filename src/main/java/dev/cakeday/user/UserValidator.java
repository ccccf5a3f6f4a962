package dev.cakeday.user;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Applies the field rules of a user and normalises what passes (trimmed text, typed dates and
 * zone).
 */
@Component
public class UserValidator {

    static final int MAX_NAME_LENGTH = 100;
    static final int MAX_EMAIL_LENGTH = 254;
    static final int MIN_YEAR = 1900;

    private static final DateTimeFormatter ISO_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
    // Dot-atom local part and a dotted host name with a letter TLD: what real mailboxes use.
    private static final Pattern EMAIL =
            Pattern.compile(
                    "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
    // The zone whose calendar day starts first: no date later than its today exists anywhere yet.
    private static final ZoneId EARLIEST_ZONE = ZoneId.of("Etc/GMT-14");
    private static final Set<String> REGION_IDS = ZoneId.getAvailableZoneIds();

    static final int MAX_LOCALE_LENGTH = 64;

    private final Clock clock;
    private final OccasionNames occasions;

    public UserValidator(Clock clock, OccasionNames occasions) {
        this.clock = clock;
        this.occasions = occasions;
    }

    UserDraft validate(UserRequest request) {
        List<FieldViolation> violations = new ArrayList<>();
        UserDraft draft = check(request, violations);
        if (draft == null) {
            throw new InvalidUserException(violations);
        }
        return draft;
    }

    /**
     * The draft, or null with the broken rules added to {@code violations}: no exception per bad
     * row of an import.
     */
    public UserDraft check(UserRequest request, List<FieldViolation> violations) {
        int before = violations.size();
        String firstName = name("firstName", request.firstName(), violations);
        String lastName = name("lastName", request.lastName(), violations);
        String email = email(request.email(), violations);
        ZoneId zone = zone(request.timezone(), violations);
        LocalDate today = LocalDate.now(clock.withZone(zone != null ? zone : EARLIEST_ZONE));
        LocalDate birthday = date("birthday", request.birthday(), true, today, violations);
        LocalDate anniversary =
                date("anniversary", request.anniversary(), false, today, violations);
        String locale = locale(request.locale(), violations);
        List<String> optOut = optOut(request.optOut(), violations);
        if (violations.size() > before) {
            return null;
        }
        return new UserDraft(
                firstName, lastName, email, birthday, zone, anniversary, locale, optOut);
    }

    /** The canonical form of a well-formed BCP 47 tag, or null when absent. */
    private static String locale(String value, List<FieldViolation> violations) {
        if (value == null) {
            return null;
        }
        String tag = value.strip();
        Optional<String> canonical =
                tag.length() > MAX_LOCALE_LENGTH ? Optional.empty() : LanguageTags.canonical(tag);
        if (canonical.isEmpty()) {
            violations.add(
                    new FieldViolation(
                            "locale",
                            "must be a BCP 47 language tag such as de, pt-BR or zh-Hant-TW"));
            return null;
        }
        return canonical.get();
    }

    /** Upper-case occasion names as {@link User#optOut(java.util.Collection)} stores them. */
    private List<String> optOut(List<String> value, List<FieldViolation> violations) {
        if (value == null) {
            return null;
        }
        Set<String> known = occasions.names();
        List<String> names = new ArrayList<>();
        for (String entry : value) {
            String name = entry == null ? "" : entry.strip().toUpperCase(Locale.ROOT);
            if (!name.equals(User.ALL) && !known.contains(name)) {
                violations.add(
                        new FieldViolation(
                                "optOut",
                                "must list only occasions ("
                                        + String.join(", ", new TreeSet<>(known))
                                        + ") or ALL"));
                return null;
            }
            names.add(name);
        }
        return User.optOut(names);
    }

    private static String name(String field, String value, List<FieldViolation> violations) {
        if (value == null) {
            violations.add(new FieldViolation(field, "is required"));
            return null;
        }
        String trimmed = value.strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length == 0) {
            violations.add(new FieldViolation(field, "must not be blank"));
        } else if (length > MAX_NAME_LENGTH) {
            violations.add(
                    new FieldViolation(
                            field, "must be at most " + MAX_NAME_LENGTH + " characters"));
        } else if (!trimmed.codePoints().allMatch(UserValidator::isNameCharacter)) {
            violations.add(
                    new FieldViolation(
                            field, "may contain only letters, spaces, apostrophes and hyphens"));
        }
        return trimmed;
    }

    private static boolean isNameCharacter(int c) {
        return Character.isLetter(c)
                || Character.getType(c) == Character.NON_SPACING_MARK
                || Character.getType(c) == Character.COMBINING_SPACING_MARK
                || c == ' '
                || c == '\''
                || c == '\u2019'
                || c == '-';
    }

    private static String email(String value, List<FieldViolation> violations) {
        if (value == null) {
            violations.add(new FieldViolation("email", "is required"));
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > MAX_EMAIL_LENGTH) {
            violations.add(
                    new FieldViolation(
                            "email", "must be at most " + MAX_EMAIL_LENGTH + " characters"));
        } else if (!EMAIL.matcher(trimmed).matches() || trimmed.indexOf('@') > 64) {
            violations.add(
                    new FieldViolation(
                            "email", "must be a valid email address such as ada@example.com"));
        }
        return trimmed;
    }

    private static ZoneId zone(String value, List<FieldViolation> violations) {
        if (value == null) {
            violations.add(new FieldViolation("timezone", "is required"));
            return null;
        }
        if (!REGION_IDS.contains(value)) {
            violations.add(
                    new FieldViolation(
                            "timezone",
                            "must be an IANA time-zone region such as Europe/London or UTC; fixed offsets are not accepted"));
            return null;
        }
        return ZoneId.of(value);
    }

    private static LocalDate date(
            String field,
            String value,
            boolean required,
            LocalDate today,
            List<FieldViolation> violations) {
        if (value == null) {
            if (required) {
                violations.add(new FieldViolation(field, "is required"));
            }
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value, ISO_DATE);
        } catch (DateTimeParseException e) {
            violations.add(
                    new FieldViolation(
                            field, "must be a real calendar date in the form yyyy-MM-dd"));
            return null;
        }
        if (date.getYear() < MIN_YEAR) {
            violations.add(new FieldViolation(field, "must not be before the year " + MIN_YEAR));
        } else if (date.isAfter(today)) {
            violations.add(new FieldViolation(field, "must not be in the future"));
        }
        return date;
    }
}
