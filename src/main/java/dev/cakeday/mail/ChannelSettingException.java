package dev.cakeday.mail;

/**
 * The chosen channel cannot run as configured: one setting is missing or wrong. Thrown while the
 * channel is built, so that no instance runs half-configured; the message names the property and
 * never repeats its value, which may be a secret.
 */
public class ChannelSettingException extends RuntimeException {

    private final String property;

    public ChannelSettingException(
            MailProperties.Provider provider, String property, String problem) {
        super(property + " " + problem + " (cakeday.mail.provider=" + provider.setting() + ")");
        this.property = property;
    }

    /** A mail setting that every channel shares, such as the unsubscribe links. */
    public ChannelSettingException(String property, String problem) {
        super(property + " " + problem);
        this.property = property;
    }

    public String property() {
        return property;
    }

    /** The value, which must be set: not null and not blank. */
    public static String required(MailProperties.Provider provider, String property, String value) {
        if (value == null || value.isBlank()) {
            throw new ChannelSettingException(provider, property, "is required");
        }
        return value.strip();
    }

    /**
     * A key or token, which goes into a header: set, and printable ASCII without spaces, so that a
     * character pasted along with it stops the start rather than every send (where the HTTP client
     * would repeat the value in its error).
     */
    public static String credential(
            MailProperties.Provider provider, String property, String value) {
        String credential = required(provider, property, value);
        if (!credential.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new ChannelSettingException(
                    provider,
                    property,
                    "must be printable ASCII without spaces; look for a character pasted with it");
        }
        return credential;
    }
}
