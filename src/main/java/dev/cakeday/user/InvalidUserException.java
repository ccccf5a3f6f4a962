package dev.cakeday.user;

import dev.cakeday.config.Problems;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 400: one or more fields of a user request break their rules; each is listed with its reason. */
class InvalidUserException extends ErrorResponseException {

    InvalidUserException(List<FieldViolation> violations) {
        super(
                HttpStatus.BAD_REQUEST,
                Problems.of(
                        HttpStatus.BAD_REQUEST,
                        "validation",
                        "Invalid user",
                        violations.stream()
                                .map(v -> v.field() + " " + v.message())
                                .collect(Collectors.joining("; "))),
                null);
        getBody().setProperty("errors", violations);
    }
}
