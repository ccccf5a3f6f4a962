package dev.cakeday.mail.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code webhook} channel under {@code cakeday.mail.webhook.*}; read only when it is chosen.
 *
 * @param url where each greeting is POSTed; kept as text, as it may hold a token of its own, and
 *     checked without repeating it
 * @param secret the signing secret, {@code whsec_} and base64
 * @param previousSecret while a secret is rotated, the one before it: each greeting is then signed
 *     with both
 */
@ConfigurationProperties("cakeday.mail.webhook")
public record WebhookProperties(String url, String secret, String previousSecret) {

    @Override
    public String toString() {
        return "WebhookProperties[url=(hidden), secret=(hidden), previousSecret=(hidden)]";
    }
}
