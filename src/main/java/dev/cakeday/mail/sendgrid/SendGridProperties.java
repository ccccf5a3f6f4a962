package dev.cakeday.mail.sendgrid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code sendgrid} channel under {@code cakeday.mail.sendgrid.*}; checked only when it is
 * chosen.
 *
 * @param apiKey the API key ({@code SG.…}), sent as a bearer token
 * @param baseUrl SendGrid's API; text, checked by the channel, so that a bad one stops only an
 *     instance that uses it
 */
@ConfigurationProperties("cakeday.mail.sendgrid")
public record SendGridProperties(
        String apiKey, @DefaultValue("https://api.sendgrid.com") String baseUrl) {

    @Override
    public String toString() {
        return "SendGridProperties[apiKey=(hidden), baseUrl=" + baseUrl + "]";
    }
}
