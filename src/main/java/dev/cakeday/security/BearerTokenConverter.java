package dev.cakeday.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads {@code Authorization: Bearer <token>}. No header: no credentials, and the request goes on
 * anonymous (open paths answer, the rest get 401). Another scheme or an empty token: 401 at once.
 */
final class BearerTokenConverter implements AuthenticationConverter {

    private static final String BEARER = "Bearer ";

    @Override
    public Authentication convert(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new BadCredentialsException("this API takes Authorization: Bearer <token>");
        }
        String token = header.substring(BEARER.length()).strip();
        if (token.isEmpty()) {
            throw new BadCredentialsException("the bearer token is empty");
        }
        return UsernamePasswordAuthenticationToken.unauthenticated(null, token);
    }
}
