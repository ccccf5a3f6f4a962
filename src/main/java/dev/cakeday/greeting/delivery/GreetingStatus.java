package dev.cakeday.greeting.delivery;

/** A greeting's state in the delivery log. Every status but SENDING is final. */
public enum GreetingStatus {
    SENDING,
    SENT,
    FAILED,
    EXPIRED,
    SKIPPED;

    public boolean isFinal() {
        return this != SENDING;
    }
}
