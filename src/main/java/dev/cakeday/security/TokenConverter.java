package dev.cakeday.security;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Reads the API token of a request: {@code Authorization: Bearer <token>} everywhere, and on the
 * paths that a browser opens ({@code basicPaths}) also {@code Authorization: Basic}, whose password
 * is the token (the user name is ignored). No header: no credentials, and the request goes on
 * anonymous (open paths answer, the rest get 401). Another scheme, Basic elsewhere, or an empty
 * token: 401 at once.
 */
final class TokenConverter implements AuthenticationConverter {

    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    private final RequestMatcher basicPaths;

    TokenConverter(RequestMatcher basicPaths) {
        this.basicPaths = basicPaths;
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        String token;
        if (isScheme(header, BEARER)) {
            token = header.substring(BEARER.length());
        } else if (isScheme(header, BASIC) && basicPaths.matches(request)) {
            token = basicPassword(header.substring(BASIC.length()).strip());
        } else {
            throw new BadCredentialsException("this API takes Authorization: Bearer <token>");
        }
        token = token.strip();
        if (token.isEmpty()) {
            throw new BadCredentialsException("the token is empty");
        }
        return UsernamePasswordAuthenticationToken.unauthenticated(null, token);
    }

    static boolean isBasic(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && isScheme(header, BASIC);
    }

    private static boolean isScheme(String header, String scheme) {
        return header.regionMatches(true, 0, scheme, 0, scheme.length());
    }

    /** RFC 7617: base64 of {@code user-id ":" password}; the password may hold colons. */
    private static String basicPassword(String encoded) {
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadCredentialsException("the Basic credentials are not valid base64");
        }
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            throw new BadCredentialsException("the Basic credentials have no password");
        }
        return credentials.substring(colon + 1);
    }
}
