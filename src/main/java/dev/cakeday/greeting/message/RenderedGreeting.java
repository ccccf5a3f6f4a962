package dev.cakeday.greeting.message;

/**
 * A greeting's words for one user.
 *
 * @param locale the language tag of the templates used (the user's, or the one they fell back to)
 * @param html null when that language has no HTML template for the occasion
 */
public record RenderedGreeting(String locale, String subject, String text, String html) {}
