package dev.cakeday.mail;

import java.time.Duration;

/**
 * What the provider made of one send request. A {@code status} is the HTTP status on the channels
 * that call an API, and the SMTP reply code on the {@code smtp} channel.
 */
public sealed interface ProviderResult {

    /** The longest reason a log row keeps. */
    int MAX_REASON_LENGTH = 500;

    /** {@code reason} cut to {@link #MAX_REASON_LENGTH}, marked where it was cut. */
    static String shortened(String reason) {
        return reason.length() > MAX_REASON_LENGTH
                ? reason.substring(0, MAX_REASON_LENGTH) + "…"
                : reason;
    }

    /** HTTP 2xx, or SMTP 250 after the message: the provider took the mail. */
    record Delivered(String messageId) implements ProviderResult {}

    /**
     * 400, 413, 422 and the other HTTP 4xx that judge the mail itself, or an SMTP 5xx to the
     * recipient or the message: the provider will never take it; do not retry.
     */
    record Rejected(int status, String reason) implements ProviderResult {}

    /**
     * Not the greeting's fault: try again later, not before {@code retryAfter} when the provider
     * said so (null otherwise). The circuit breaker counts these as failures.
     */
    sealed interface Retryable extends ProviderResult {
        String reason();

        Duration retryAfter();
    }

    /**
     * HTTP 408, 429, 5xx, an SMTP 4xx, a timeout or a connection error. {@code outcomeUnknown}: the
     * request went out and no answer came back (a read timeout, a dropped connection), so the
     * provider may have taken the mail.
     */
    record Unavailable(String reason, Duration retryAfter, boolean outcomeUnknown)
            implements Retryable {

        /** An answer that says the mail was not taken. */
        public Unavailable(String reason, Duration retryAfter) {
            this(reason, retryAfter, false);
        }
    }

    /**
     * A redirect, HTTP 401, 403, 404, 405, 406 or 415 (and 410 from a webhook receiver, whose
     * endpoint is gone), a provider's answer that its key or sender is not set up, or an SMTP
     * server refusing the login or the sender: the request never reached a provider that judged the
     * mail, because Cakeday is set up wrong (URL, key, credentials, from address). Not the
     * greeting's fault: retried like {@link Unavailable} until max-lateness while an operator fixes
     * it, and alerted on.
     */
    record Misconfigured(int status, String reason) implements Retryable {
        @Override
        public Duration retryAfter() {
            return null;
        }
    }
}
