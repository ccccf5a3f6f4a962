package dev.cakeday.unsubscribe;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * One-click unsubscribe links (RFC 8058) under {@code cakeday.mail.unsubscribe.*}: both set, or
 * neither.
 *
 * @param baseUrl the public URL this service answers at, such as {@code
 *     https://cakeday.example.com}
 * @param secret the HMAC key of the links, at least 32 characters
 * @param previousSecret while the secret is rotated, the one before it: links already in mailboxes
 *     keep working
 */
@ConfigurationProperties("cakeday.mail.unsubscribe")
public record UnsubscribeProperties(String baseUrl, String secret, String previousSecret) {

    @Override
    public String toString() {
        return "UnsubscribeProperties[baseUrl="
                + baseUrl
                + ", secret=(hidden), previousSecret=(hidden)]";
    }
}
