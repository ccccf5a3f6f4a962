package dev.cakeday.user;

import java.time.LocalDate;
import java.time.ZoneId;

/** The validated, normalised content of a create or replace request. */
public record UserDraft(
        String firstName,
        String lastName,
        String email,
        LocalDate birthday,
        ZoneId timezone,
        LocalDate anniversary) {}
