package dev.cakeday.unsubscribe;

import java.util.UUID;

/** What a verified link asks: to stop one occasion's greetings to a user, or ALL of them. */
record UnsubscribeRequest(UUID userId, String scope) {}
