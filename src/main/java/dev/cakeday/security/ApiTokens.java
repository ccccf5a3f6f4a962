package dev.cakeday.security;

import dev.cakeday.config.ApiProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Checks a presented API token (a bearer token, or the password of Basic credentials on the task
 * view) against every configured one. Tokens are compared as SHA-256 digests with {@link
 * MessageDigest#isEqual}, and every entry is compared whatever matched, so that the time taken
 * tells nothing about which token, or how much of one, was right. The token itself is kept only as
 * its digest and never reaches a log or an error.
 */
final class ApiTokens implements AuthenticationManager {

    private record Entry(String name, byte[] digest, SimpleGrantedAuthority role) {}

    private final List<Entry> entries;

    ApiTokens(List<ApiProperties.Token> tokens) {
        this.entries =
                tokens.stream()
                        .map(
                                t ->
                                        new Entry(
                                                t.name(),
                                                digest(t.token().strip()),
                                                new SimpleGrantedAuthority(t.role().authority())))
                        .toList();
    }

    boolean none() {
        return entries.isEmpty();
    }

    @Override
    public Authentication authenticate(Authentication presented) {
        byte[] digest = digest(String.valueOf(presented.getCredentials()));
        Entry match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(digest, entry.digest())) {
                match = entry;
            }
        }
        if (match == null) {
            throw new BadCredentialsException("the token is not valid");
        }
        return UsernamePasswordAuthenticationToken.authenticated(
                match.name(), null, List.of(match.role()));
    }

    /** Whether an authentication this class granted carries the admin role. */
    static boolean isAdmin(Authentication authentication) {
        return authentication != null
                && authentication.getAuthorities().stream()
                        .anyMatch(
                                granted ->
                                        ApiProperties.Role.ADMIN
                                                .authority()
                                                .equals(granted.getAuthority()));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
