package dev.cakeday.mail.sendgrid;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code sendgrid} channel under {@code cakeday.mail.sendgrid.*}; read only when it is chosen.
 *
 * @param apiKey the API key ({@code SG.…}), sent as a bearer token
 * @param baseUrl SendGrid's API
 */
@ConfigurationProperties("cakeday.mail.sendgrid")
public record SendGridProperties(
        String apiKey, @DefaultValue("https://api.sendgrid.com") URI baseUrl) {

    @Override
    public String toString() {
        return "SendGridProperties[apiKey=(hidden), baseUrl=" + baseUrl + "]";
    }
}
