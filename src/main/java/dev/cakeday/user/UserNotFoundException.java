package dev.cakeday.user;

import dev.cakeday.config.Problems;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 404: no user has this id. */
public class UserNotFoundException extends ErrorResponseException {

    public UserNotFoundException(UUID id) {
        super(
                HttpStatus.NOT_FOUND,
                Problems.of(
                        HttpStatus.NOT_FOUND,
                        "user-not-found",
                        "User not found",
                        "no user with id " + id),
                null);
    }
}
