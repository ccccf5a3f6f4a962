package dev.cakeday.user;

/**
 * The JSON body of {@code POST /user} and {@code PUT /user/{id}}. Every field arrives as text so
 * that each rule can answer with its own message; {@link UserValidator} turns it into a
 * {@link UserDraft}.
 */
record UserRequest(
        String firstName,
        String lastName,
        String email,
        String birthday,
        String timezone,
        String anniversary) {
}
