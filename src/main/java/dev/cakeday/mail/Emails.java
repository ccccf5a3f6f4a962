package dev.cakeday.mail;

/**
 * Email addresses as logs may show them: {@code ada@example.com} becomes {@code a***@example.com}.
 */
public final class Emails {

    private Emails() {}

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
