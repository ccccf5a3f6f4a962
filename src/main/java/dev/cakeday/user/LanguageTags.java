package dev.cakeday.user;

import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.Optional;

/** BCP 47 language tags as Cakeday stores and names them. */
public final class LanguageTags {

    private LanguageTags() {}

    /**
     * The canonical form of a well-formed tag that names a language ({@code PT-br} → {@code
     * pt-BR}); empty for an ill-formed one, and for one without a language ({@code und}, {@code
     * x-private}).
     */
    public static Optional<String> canonical(String tag) {
        try {
            Locale locale = new Locale.Builder().setLanguageTag(tag).build();
            return locale.getLanguage().isEmpty()
                    ? Optional.empty()
                    : Optional.of(locale.toLanguageTag());
        } catch (IllformedLocaleException e) {
            return Optional.empty();
        }
    }
}
