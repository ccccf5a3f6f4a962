package dev.cakeday.greeting;

/** A greeting's state in the delivery log. Every status but SENDING is final. */
public enum GreetingStatus {
    SENDING,
    SENT,
    FAILED,
    EXPIRED,
    SKIPPED;

    boolean isFinal() {
        return this != SENDING;
    }
}
