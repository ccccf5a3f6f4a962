package dev.cakeday.user;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

/** A user as stored. */
public record User(
        UUID id,
        String firstName,
        String lastName,
        String email,
        LocalDate birthday,
        ZoneId timezone,
        LocalDate anniversary,
        Instant createdAt,
        Instant updatedAt) {}
