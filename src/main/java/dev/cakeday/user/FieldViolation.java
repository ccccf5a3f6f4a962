package dev.cakeday.user;

/** One reason a request field was refused, as listed in a validation problem. */
public record FieldViolation(String field, String message) {}
