package dev.cakeday.mail;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The email provider under {@code cakeday.mail.*}.
 *
 * @param baseUrl        the provider's base URL; greetings are POSTed to {@code {base-url}/send-email}
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout    how long to wait for the answer; past it the attempt counts as a temporary failure
 */
@ConfigurationProperties("cakeday.mail")
public record MailProperties(
        @DefaultValue("http://localhost:9090") URI baseUrl,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout) {
}
