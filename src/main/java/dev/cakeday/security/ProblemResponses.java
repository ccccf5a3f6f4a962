package dev.cakeday.security;

import dev.cakeday.config.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security boundary's answers, as RFC 9457 problem+json like every other error: 401 with {@code
 * WWW-Authenticate: Bearer} (RFC 6750), or {@code Basic} on the paths a browser opens so that it
 * asks for the credentials (RFC 7617); 403 for a reader's write or a cross-site action; and 400 for
 * a request the firewall refuses (encoded separators, {@code ;} parameters, dot segments, double
 * slashes). None repeats what the client sent.
 */
final class ProblemResponses
        implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private static final String REALM = "Bearer realm=\"cakeday\"";
    private static final String BASIC_REALM = "Basic realm=\"cakeday\"";

    private final JsonMapper json;
    private final RequestMatcher basicPaths;

    ProblemResponses(JsonMapper json, RequestMatcher basicPaths) {
        this.json = json;
        this.basicPaths = basicPaths;
    }

    @Override
    public void commence(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
            throws IOException {
        boolean noToken = ex instanceof InsufficientAuthenticationException;
        boolean basic = basicPaths.matches(request);
        String detail =
                !noToken
                        ? ex.getMessage()
                        : basic
                                ? "this page needs an API token: any user name, and the token as"
                                        + " the password"
                                : "this endpoint requires an Authorization: Bearer token";
        response.setHeader(
                HttpHeaders.WWW_AUTHENTICATE,
                basic ? BASIC_REALM : noToken ? REALM : REALM + ", error=\"invalid_token\"");
        write(
                response,
                Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail));
    }

    @Override
    public void handle(
            HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
            throws IOException {
        if (!TokenConverter.isBasic(request)) {
            response.setHeader(
                    HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
        }
        write(
                response,
                Problems.of(
                        HttpStatus.FORBIDDEN,
                        "forbidden",
                        "Forbidden",
                        "this token may only read; "
                                + request.getMethod()
                                + " needs an admin token"));
    }

    @Override
    public void handle(
            HttpServletRequest request, HttpServletResponse response, RequestRejectedException ex)
            throws IOException {
        write(
                response,
                Problems.of(
                        HttpStatus.BAD_REQUEST,
                        "rejected-request",
                        "Request rejected",
                        "the request's method or path is not accepted: use a plain path without encoded separators,"
                                + " ';' parameters, dot segments or repeated slashes"));
    }

    /** 403 for an action sent with Basic credentials from another site ({@link SameOrigin}). */
    void crossSite(HttpServletResponse response) throws IOException {
        write(
                response,
                Problems.of(
                        HttpStatus.FORBIDDEN,
                        "cross-site",
                        "Forbidden",
                        "this action came from a page on another site, or came with Basic"
                                + " credentials but not from this server's own page; send it from"
                                + " this server's pages (Sec-Fetch-Site: same-origin, or an Origin"
                                + " naming this server), or from a script with a bearer token"));
    }

    private void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        Problems.write(response, problem, json);
    }
}
