package dev.cakeday.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure into RFC 9457 problem+json. Spring's base class covers the HTTP-level errors
 * (405, 406, 415, unknown paths); this adds clear messages for unreadable bodies and bad path or
 * query parameters, and a 500 that reveals nothing internal.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final URI ABOUT_BLANK = URI.create("about:blank");
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        ProblemDetail problem =
                Problems.of(
                        HttpStatus.BAD_REQUEST,
                        "malformed-body",
                        "Unreadable request body",
                        describeUnreadable(ex));
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        String detail =
                (ex.getContentType() == null
                                ? "no Content-Type was sent"
                                : "Content-Type '" + ex.getContentType() + "' is not supported")
                        + "; send application/json";
        ex.getBody().setDetail(detail);
        return super.handleHttpMediaTypeNotSupported(ex, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        List<Map<String, String>> errors =
                ex.getParameterValidationResults().stream()
                        .flatMap(
                                result ->
                                        result.getResolvableErrors().stream()
                                                .map(
                                                        error ->
                                                                Map.of(
                                                                        "field",
                                                                                result.getMethodParameter()
                                                                                        .getParameterName(),
                                                                        "message",
                                                                                String.valueOf(
                                                                                        error
                                                                                                .getDefaultMessage()))))
                        .toList();
        ProblemDetail problem = Problems.invalidParameters(errors);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /**
     * Gives Spring's own problems (405, 406, 415, 404…) a Cakeday type too, derived from the
     * status.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(
            @Nullable Object body,
            HttpHeaders headers,
            HttpStatusCode statusCode,
            WebRequest request) {
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || ABOUT_BLANK.equals(problem.getType()))) {
            problem.setType(Problems.typeOf(statusCode));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException ex) {
        String expected =
                ex.getRequiredType() == null
                        ? "a different type"
                        : switch (ex.getRequiredType().getSimpleName()) {
                            case "UUID" -> "a UUID such as 0b6d4c2e-8f1a-4b3c-9d2e-5f6a7b8c9d0e";
                            case "int", "Integer" -> "a whole number";
                            case "LocalDate" -> "a date such as 2026-12-01";
                            default ->
                                    ex.getRequiredType().isEnum()
                                            ? "one of "
                                                    + Arrays.toString(
                                                            ex.getRequiredType().getEnumConstants())
                                            : "a value of type "
                                                    + ex.getRequiredType().getSimpleName();
                        };
        return Problems.of(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                "Invalid parameter",
                "'" + ex.getName() + "' must be " + expected + ", got '" + ex.getValue() + "'");
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception ex) {
        log.error("Unexpected error", ex);
        return Problems.of(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "The request could not be completed; it has been logged.");
    }

    private static String describeUnreadable(HttpMessageNotReadableException ex) {
        Throwable cause = ex.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (cause instanceof MismatchedInputException mismatch) {
            String path = fieldPath(mismatch);
            String expected =
                    mismatch.getTargetType() == null
                            ? "another type"
                            : describeType(mismatch.getTargetType());
            return path.isEmpty()
                    ? "the body must be a JSON object"
                    : "field '" + path + "' must be " + expected;
        }
        if (cause instanceof StreamReadException parse) {
            return "malformed JSON: " + parse.getOriginalMessage();
        }
        if (cause instanceof JacksonException json) {
            return "malformed JSON: " + json.getOriginalMessage();
        }
        return "a JSON request body is required";
    }

    private static String fieldPath(JacksonException ex) {
        return ex.getPath().stream()
                .map(
                        ref ->
                                ref.getPropertyName() != null
                                        ? ref.getPropertyName()
                                        : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> a + "." + b)
                .orElse("");
    }

    private static String describeType(@Nullable Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        return "of type " + type.getSimpleName();
    }
}
