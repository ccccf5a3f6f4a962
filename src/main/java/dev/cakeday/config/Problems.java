package dev.cakeday.config;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problem details with a stable, documented type for each kind of error Cakeday reports.
 */
public final class Problems {

    private static final String TYPE_PREFIX = "urn:cakeday:problem:";

    private Problems() {}

    public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(type));
        problem.setTitle(title);
        return problem;
    }

    public static URI type(String slug) {
        return URI.create(TYPE_PREFIX + slug);
    }
}
