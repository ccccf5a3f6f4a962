package dev.cakeday.user;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * The validated, normalised content of a create or replace request.
 *
 * @param optOut null when the request did not say: a replacement then keeps the user's opt-out
 */
public record UserDraft(
        String firstName,
        String lastName,
        String email,
        LocalDate birthday,
        ZoneId timezone,
        LocalDate anniversary,
        String locale,
        List<String> optOut) {}
