package dev.cakeday.mail;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Email addresses as logs may show them: {@code ada@example.com} becomes {@code a***@example.com}.
 */
public final class Emails {

    /** What looks like an address inside a text, such as a provider's error. */
    private static final Pattern ADDRESS =
            Pattern.compile("[^\\s'\"<>(),;:@\\[\\]]+@[^\\s'\"<>(),;@\\[\\]]+");

    private Emails() {}

    /** The text with every address in it masked. */
    public static String maskWithin(String text) {
        return text == null
                ? null
                : ADDRESS.matcher(text).replaceAll(m -> Matcher.quoteReplacement(mask(m.group())));
    }

    public static String mask(String email) {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
