package dev.cakeday.mail;

import java.net.URI;
import java.time.Duration;

/** Mail settings and expected results for the channel tests. */
public final class TestMail {

    private TestMail() {}

    public static MailProperties settings(
            MailProperties.Provider provider, String from, String fromName) {
        return new MailProperties(
                provider,
                URI.create("http://localhost:9090"),
                Duration.ofSeconds(1),
                Duration.ofMillis(500),
                0,
                10,
                new MailProperties.CircuitBreaker(50, 20, 10, Duration.ofSeconds(30)),
                from,
                fromName);
    }

    /**
     * The result a channel should give for an error answer, named as the tests' tables name it:
     * Rejected, Misconfigured or Unavailable (without a Retry-After).
     */
    public static ProviderResult outcome(String outcome, int status, String reason) {
        return switch (outcome) {
            case "Rejected" -> new ProviderResult.Rejected(status, reason);
            case "Misconfigured" -> new ProviderResult.Misconfigured(status, reason);
            case "Unavailable" -> new ProviderResult.Unavailable(reason, null);
            default -> throw new IllegalArgumentException("no such outcome: " + outcome);
        };
    }
}
