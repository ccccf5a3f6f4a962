package dev.cakeday.mail;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The email provider under {@code cakeday.mail.*}.
 *
 * @param provider the channel greetings go out through: {@code http}, the email API at {@code
 *     base-url}; {@code smtp}, {@code resend}, {@code postmark} or {@code sendgrid}, real email;
 *     {@code webhook}, a signed POST to the operator's own system; or {@code outbox}, which sends
 *     nothing and keeps what it would send for {@code GET /outbox} and the log (the local mode's
 *     default)
 * @param baseUrl the provider's base URL; greetings are POSTed to {@code {base-url}/send-email}
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long to wait for the answer; past it the attempt counts as a temporary
 *     failure
 * @param maxRate greetings per second one instance may send (the provider's quota divided by the
 *     instances); 0 means unlimited
 * @param maxIdleConnections connections to the provider kept open between calls; at least the
 *     greetings an instance sends at once ({@code db-scheduler.threads}), or a burst closes and
 *     reopens connections on every call
 * @param circuitBreaker when to stop calling a provider that is down
 * @param from the sender address of the email channels ({@code smtp}, {@code resend}, {@code
 *     postmark}, {@code sendgrid}); required by them
 * @param fromName the sender's display name, optional
 */
@ConfigurationProperties("cakeday.mail")
public record MailProperties(
        @DefaultValue("http") Provider provider,
        @DefaultValue("http://localhost:9090") URI baseUrl,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("0") double maxRate,
        @DefaultValue("200") int maxIdleConnections,
        @DefaultValue CircuitBreaker circuitBreaker,
        String from,
        String fromName) {

    public MailProperties {
        if (maxRate < 0) {
            throw new IllegalArgumentException(
                    "cakeday.mail.max-rate must be 0 (unlimited) or positive, got " + maxRate);
        }
        if (maxIdleConnections < 1) {
            throw new IllegalArgumentException(
                    "cakeday.mail.max-idle-connections must be at least 1, got "
                            + maxIdleConnections);
        }
    }

    /** The channels {@code cakeday.mail.provider} chooses from. */
    public enum Provider {
        HTTP,
        SMTP,
        RESEND,
        POSTMARK,
        SENDGRID,
        WEBHOOK,
        OUTBOX;

        /** As written in {@code cakeday.mail.provider}. */
        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param failureRateThreshold percentage of failed calls, among the last {@code slidingWindow},
     *     that opens the breaker
     * @param slidingWindow calls the failure rate is computed over
     * @param minimumCalls calls needed before the rate counts
     * @param openWait how long the breaker stays open before one probe call is let through
     */
    public record CircuitBreaker(
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("100") int slidingWindow,
            @DefaultValue("50") int minimumCalls,
            @DefaultValue("30s") Duration openWait) {}
}
