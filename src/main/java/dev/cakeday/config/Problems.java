package dev.cakeday.config;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

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

    /**
     * 400 for request parameters: each failing one in {@code errors} (its field and message), all
     * of them in the detail.
     */
    public static ProblemDetail invalidParameters(List<Map<String, String>> errors) {
        ProblemDetail problem =
                of(
                        HttpStatus.BAD_REQUEST,
                        "validation",
                        "Invalid request parameters",
                        errors.stream()
                                .map(e -> e.get("field") + " " + e.get("message"))
                                .reduce((a, b) -> a + "; " + b)
                                .orElse("invalid request parameters"));
        problem.setProperty("errors", errors);
        return problem;
    }

    public static URI type(String slug) {
        return URI.create(TYPE_PREFIX + slug);
    }

    /** The type of a problem known only by its status: {@code urn:cakeday:problem:not-found}. */
    public static URI typeOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return type(
                known == null
                        ? "http-" + status.value()
                        : known.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '-'));
    }

    /**
     * Writes a problem straight to the response, for the filters that answer before Spring MVC
     * would (the security boundary, the body size limit).
     */
    public static void write(HttpServletResponse response, ProblemDetail problem, JsonMapper json)
            throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
