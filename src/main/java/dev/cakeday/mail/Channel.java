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

    /**
     * Whether sending a greeting again under its id can never deliver it twice (the provider
     * de-duplicates on the key, or the receiver on the id). Without it, each re-send after an
     * attempt of unknown outcome is counted as uncertain.
     */
    default boolean deduplicates() {
        return true;
    }
}
