package dev.cakeday.user;

import dev.cakeday.config.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 409: another user already has this email address (compared ignoring case). */
class EmailTakenException extends ErrorResponseException {

    EmailTakenException(String email) {
        super(
                HttpStatus.CONFLICT,
                Problems.of(
                        HttpStatus.CONFLICT,
                        "email-taken",
                        "Email already in use",
                        "another user already has the email address " + email),
                null);
    }
}
