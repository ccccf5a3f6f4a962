package dev.cakeday.unsubscribe;

import dev.cakeday.mail.ChannelSettingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Makes and verifies one-click unsubscribe links. A token is the user id and the scope (an occasion
 * or ALL), URL-safe base64, then a dot and their HMAC-SHA256 under the secret: it proves Cakeday
 * issued the link, so nobody can unsubscribe another user by guessing, and it needs no storage. A
 * link never expires: mail stays in mailboxes for years.
 */
@Component
@EnableConfigurationProperties(UnsubscribeProperties.class)
public class UnsubscribeLinks {

    static final int MIN_SECRET_LENGTH = 32;
    private static final String BASE_URL = "cakeday.mail.unsubscribe.base-url";
    private static final String SECRET = "cakeday.mail.unsubscribe.secret";
    private static final String ALGORITHM = "HmacSHA256";
    // Bound into every MAC, so that a token cannot be a signature of something else under the key.
    private static final byte[] CONTEXT =
            "cakeday unsubscribe v1:".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern SCOPE = Pattern.compile("[A-Z][A-Z_]*");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    // A UUID and the longest scope, encoded, with room to spare: anything longer is no token.
    private static final int MAX_TOKEN_LENGTH = 200;

    private final String baseUrl;
    private final List<SecretKeySpec> keys = new ArrayList<>();

    UnsubscribeLinks(UnsubscribeProperties properties) {
        boolean hasUrl = properties.baseUrl() != null && !properties.baseUrl().isBlank();
        boolean hasSecret = properties.secret() != null && !properties.secret().isBlank();
        if (hasUrl != hasSecret) {
            String set = hasUrl ? BASE_URL : SECRET;
            throw new ChannelSettingException(
                    hasUrl ? SECRET : BASE_URL,
                    "is required when " + set + " is set: unsubscribe links need both");
        }
        this.baseUrl = hasUrl ? baseUrl(properties.baseUrl().strip()) : null;
        if (hasSecret) {
            keys.add(key(SECRET, properties.secret()));
            if (properties.previousSecret() != null && !properties.previousSecret().isBlank()) {
                keys.add(
                        key(
                                "cakeday.mail.unsubscribe.previous-secret",
                                properties.previousSecret()));
            }
        }
    }

    /** The link that stops this user's greetings of {@code scope}, or empty when not configured. */
    public Optional<URI> link(UUID userId, String scope) {
        if (baseUrl == null) {
            return Optional.empty();
        }
        byte[] payload = payload(userId, scope);
        return Optional.of(
                URI.create(
                        baseUrl
                                + "/unsubscribe/"
                                + ENCODER.encodeToString(payload)
                                + "."
                                + ENCODER.encodeToString(mac(keys.get(0), payload))));
    }

    /** What the token asks, when it verifies under the secret (or the previous one). */
    Optional<UnsubscribeRequest> verify(String token) {
        if (keys.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] mac;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            mac = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // One spelling per token: a base64 variant that decodes to the same bytes is not it.
        if (!ENCODER.encodeToString(payload).equals(token.substring(0, dot))
                || !ENCODER.encodeToString(mac).equals(token.substring(dot + 1))) {
            return Optional.empty();
        }
        boolean genuine = false;
        for (SecretKeySpec key : keys) {
            genuine |= MessageDigest.isEqual(mac(key, payload), mac);
        }
        if (!genuine || payload.length <= 16) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        UUID userId = new UUID(buffer.getLong(), buffer.getLong());
        String scope = new String(payload, 16, payload.length - 16, StandardCharsets.US_ASCII);
        return SCOPE.matcher(scope).matches()
                ? Optional.of(new UnsubscribeRequest(userId, scope))
                : Optional.empty();
    }

    private static byte[] payload(UUID userId, String scope) {
        byte[] name = scope.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(16 + name.length)
                .putLong(userId.getMostSignificantBits())
                .putLong(userId.getLeastSignificantBits())
                .put(name)
                .array();
    }

    private static byte[] mac(SecretKeySpec key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(CONTEXT);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    private static SecretKeySpec key(String property, String secret) {
        String value = secret.strip();
        if (value.length() < MIN_SECRET_LENGTH) {
            throw new ChannelSettingException(
                    property,
                    "must be at least "
                            + MIN_SECRET_LENGTH
                            + " characters; generate one with: openssl rand -base64 32");
        }
        return new SecretKeySpec(value.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The base URL without a trailing slash; absolute http(s), no query or fragment. */
    private static String baseUrl(String value) {
        try {
            URI uri = new URI(value);
            if (!("https".equalsIgnoreCase(uri.getScheme())
                            || "http".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(value, "not a base URL");
            }
        } catch (URISyntaxException e) {
            throw new ChannelSettingException(
                    BASE_URL,
                    "must be the service's public http(s) URL, such as https://cakeday.example.com,"
                            + " without query or fragment");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    @Override
    public String toString() {
        return "UnsubscribeLinks[" + (baseUrl == null ? "off" : baseUrl) + "]";
    }
}
