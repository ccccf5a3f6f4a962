package dev.cakeday.mail;

import java.time.Duration;

/** What the provider made of one send request. */
public sealed interface ProviderResult {

    /** 2xx: the provider took the mail. */
    record Delivered(String messageId) implements ProviderResult {
    }

    /** 4xx other than 408 and 429: the provider will never take this mail; do not retry. */
    record Rejected(int status, String reason) implements ProviderResult {
    }

    /**
     * 408, 429, 5xx, a timeout or a connection error: try again later, not before
     * {@code retryAfter} when the provider said so (null otherwise).
     */
    record Unavailable(String reason, Duration retryAfter) implements ProviderResult {
    }
}
