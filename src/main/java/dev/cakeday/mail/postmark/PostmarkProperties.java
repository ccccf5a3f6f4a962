package dev.cakeday.mail.postmark;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code postmark} channel under {@code cakeday.mail.postmark.*}; checked only when it is
 * chosen.
 *
 * @param serverToken the server's API token, sent as {@code X-Postmark-Server-Token}
 * @param messageStream the message stream greetings go out on
 * @param baseUrl Postmark's API; text, checked by the channel, so that a bad one stops only an
 *     instance that uses it
 */
@ConfigurationProperties("cakeday.mail.postmark")
public record PostmarkProperties(
        String serverToken,
        @DefaultValue("outbound") String messageStream,
        @DefaultValue("https://api.postmarkapp.com") String baseUrl) {

    @Override
    public String toString() {
        return "PostmarkProperties[serverToken=(hidden), messageStream="
                + messageStream
                + ", baseUrl="
                + baseUrl
                + "]";
    }
}
