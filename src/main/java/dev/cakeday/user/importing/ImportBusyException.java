package dev.cakeday.user.importing;

import dev.cakeday.config.Problems;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 429: this instance already runs {@code cakeday.import.max-concurrent} imports; try again later.
 */
class ImportBusyException extends ErrorResponseException {

    ImportBusyException(int running, Duration retryAfter) {
        super(
                HttpStatus.TOO_MANY_REQUESTS,
                Problems.of(
                        HttpStatus.TOO_MANY_REQUESTS,
                        "import-busy",
                        "Imports busy",
                        running
                                + " imports are running on this instance, the most it runs at once; try again later"),
                null);
        getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
    }
}
