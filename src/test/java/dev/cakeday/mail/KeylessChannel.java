package dev.cakeday.mail;

/**
 * A channel without an idempotency key, as SMTP, Postmark and SendGrid are, answering every
 * greeting alike.
 */
public record KeylessChannel(ProviderResult answer) implements Channel {

    @Override
    public ProviderResult send(OutgoingGreeting greeting) {
        return answer;
    }

    @Override
    public boolean deduplicates() {
        return false;
    }
}
