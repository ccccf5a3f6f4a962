package dev.cakeday.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;

/**
 * Who greetings come from on the email channels: {@code cakeday.mail.from} and, optionally, {@code
 * cakeday.mail.from-name}.
 *
 * @param address the bare address, {@code greetings@example.com}
 * @param name the display name, or null
 */
public record Sender(String address, String name) {

    /** The sender the settings give, checked for the channel that needs it. */
    public static Sender of(MailProperties properties) {
        String address =
                ChannelSettingException.required(
                        properties.provider(), "cakeday.mail.from", properties.from());
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            if (parsed.getPersonal() != null || !address.equals(parsed.getAddress())) {
                throw new AddressException("a bare address is expected");
            }
        } catch (AddressException e) {
            throw new ChannelSettingException(
                    properties.provider(),
                    "cakeday.mail.from",
                    "must be one email address such as greetings@example.com (the display name goes"
                            + " in cakeday.mail.from-name): "
                            + e.getMessage());
        }
        String name = properties.fromName();
        return new Sender(address, name == null || name.isBlank() ? null : name.strip());
    }

    /** As a mail header says it: {@code "Cakeday" <greetings@example.com>}, names encoded. */
    public InternetAddress internetAddress() {
        try {
            return new InternetAddress(address, name, StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /** As the HTTP APIs take it: {@code Cakeday <greetings@example.com>}, in Unicode. */
    public String display() {
        return internetAddress().toUnicodeString();
    }

    /** The domain of the address, for ids such as a Message-ID. */
    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
