package dev.cakeday.user.importing;

import dev.cakeday.config.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 413: the import is larger than {@code cakeday.import.max-size}; nothing is imported. */
class ImportTooLargeException extends ErrorResponseException {

    ImportTooLargeException(long maxBytes) {
        super(
                HttpStatus.CONTENT_TOO_LARGE,
                Problems.of(
                        HttpStatus.CONTENT_TOO_LARGE,
                        "import-too-large",
                        "Import too large",
                        "an import must not exceed " + maxBytes + " bytes; split the file"),
                null);
    }
}
