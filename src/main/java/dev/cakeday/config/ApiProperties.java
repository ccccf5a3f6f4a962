package dev.cakeday.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP API under {@code cakeday.api.*}.
 *
 * @param maxBodySize largest request body accepted, except a bulk import's
 * @param token one admin token, kept for configurations that predate {@code tokens}
 * @param tokens the bearer tokens that are valid now, each with a name and a role; several at once
 *     let a token be rotated without downtime
 * @param publicMetrics whether {@code /actuator/prometheus} answers without a token
 * @param publicDocs whether the OpenAPI document and Swagger UI answer without a token
 */
@ConfigurationProperties("cakeday.api")
public record ApiProperties(
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("") String token,
        List<Token> tokens,
        @DefaultValue("true") boolean publicMetrics,
        @DefaultValue("true") boolean publicDocs) {

    /** Who calls an API without tokens, as the log records them. */
    public static final String ANONYMOUS = "anonymous";

    /** What a token may do: a reader reads (GET, HEAD, OPTIONS), an admin also writes and acts. */
    public enum Role {
        READER,
        ADMIN;

        public String authority() {
            return "ROLE_" + name();
        }
    }

    /** A named bearer token; the token never appears in {@link #toString()}. */
    public record Token(String name, String token, Role role) {

        @Override
        public String toString() {
            return "Token[name=" + name + ", role=" + role + "]";
        }
    }

    public ApiProperties {
        if (maxBodySize.toBytes() < 1) {
            throw new IllegalArgumentException(
                    "cakeday.api.max-body-size must be positive, got " + maxBodySize);
        }
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        Set<String> names = new HashSet<>();
        Set<String> values = new HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            String at = "cakeday.api.tokens[" + i + "]";
            if (t.name() == null || t.name().isBlank()) {
                throw new IllegalArgumentException(at + ".name must be set");
            }
            if (t.token() == null || t.token().isBlank()) {
                throw new IllegalArgumentException(at + ".token must be set");
            }
            if (t.role() == null) {
                throw new IllegalArgumentException(at + ".role must be reader or admin");
            }
            if (!names.add(t.name().strip().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        at + ".name repeats the name '" + t.name() + "'");
            }
            if (!values.add(t.token().strip())) {
                throw new IllegalArgumentException(
                        at + ".token repeats the token of another entry");
            }
        }
        if (token != null && !token.isBlank() && values.contains(token.strip())) {
            throw new IllegalArgumentException(
                    "cakeday.api.token repeats a token of cakeday.api.tokens");
        }
    }

    /** Every valid token: {@code tokens}, and {@code token} as an admin named "api-token". */
    public List<Token> allTokens() {
        if (token == null || token.isBlank()) {
            return tokens;
        }
        return Stream.concat(tokens.stream(), Stream.of(new Token("api-token", token, Role.ADMIN)))
                .toList();
    }

    @Override
    public String toString() {
        return "ApiProperties[maxBodySize="
                + maxBodySize
                + ", tokens="
                + allTokens()
                + ", publicMetrics="
                + publicMetrics
                + ", publicDocs="
                + publicDocs
                + "]";
    }
}
