package dev.cakeday.mail.resend;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code resend} channel under {@code cakeday.mail.resend.*}; checked only when it is chosen.
 *
 * @param apiKey the API key ({@code re_…}), sent as a bearer token
 * @param baseUrl Resend's API; text, checked by the channel, so that a bad one stops only an
 *     instance that uses it
 */
@ConfigurationProperties("cakeday.mail.resend")
public record ResendProperties(
        String apiKey, @DefaultValue("https://api.resend.com") String baseUrl) {

    @Override
    public String toString() {
        return "ResendProperties[apiKey=(hidden), baseUrl=" + baseUrl + "]";
    }
}
