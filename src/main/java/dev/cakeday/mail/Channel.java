package dev.cakeday.mail;

/**
 * Where greetings go out, chosen by {@code cakeday.mail.provider}. Every channel answers in the
 * same terms ({@link ProviderResult}), so the circuit breaker, the rate limit, the metrics, the log
 * and the retry rules are the same whichever sends.
 */
public interface Channel {

    /**
     * Sends one greeting. Its id is the same on every attempt, so that a channel that can
     * de-duplicate does.
     */
    ProviderResult send(OutgoingGreeting greeting);
}
