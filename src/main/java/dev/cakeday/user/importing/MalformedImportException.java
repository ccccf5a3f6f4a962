package dev.cakeday.user.importing;

import dev.cakeday.config.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 400: the import cannot be read as a whole (no header, an unknown column, broken CSV quoting);
 * nothing is imported.
 */
class MalformedImportException extends ErrorResponseException {

    MalformedImportException(String detail) {
        super(
                HttpStatus.BAD_REQUEST,
                Problems.of(HttpStatus.BAD_REQUEST, "malformed-import", "Malformed import", detail),
                null);
    }
}
