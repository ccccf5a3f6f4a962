package dev.cakeday.mail;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The third-party email API: {@code POST {base-url}/send-email} with {@code {"email", "message"}}
 * and an {@code Idempotency-Key}, classified into delivered, rejected for good, unavailable for
 * now, or misconfigured (the request never reached a provider that judged the mail). The {@code
 * http} channel, the default.
 */
@Component
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "http", matchIfMissing = true)
public class ProviderClient implements Channel {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_REASON_LENGTH = 500;
    private static final Duration KEEP_ALIVE = Duration.ofMinutes(5);
    // Answers about Cakeday's request (where it went, its credentials, its form), not about the
    // mail.
    private static final Set<Integer> MISCONFIGURED = Set.of(401, 403, 404, 405, 406, 415);

    private final OkHttpClient http;
    private final HttpUrl sendUrl;
    private final JsonMapper json;
    private final Clock clock;

    public ProviderClient(MailProperties properties, JsonMapper json, Clock clock) {
        this.http =
                new OkHttpClient.Builder()
                        .connectTimeout(properties.connectTimeout())
                        .readTimeout(properties.readTimeout())
                        .writeTimeout(properties.readTimeout())
                        .callTimeout(properties.connectTimeout().plus(properties.readTimeout()))
                        // OkHttp keeps 5 idle connections by default: with more sending threads,
                        // most calls would connect anew.
                        .connectionPool(
                                new ConnectionPool(
                                        properties.maxIdleConnections(),
                                        KEEP_ALIVE.toMinutes(),
                                        TimeUnit.MINUTES))
                        .followRedirects(false)
                        // A pooled connection the provider (or a proxy) closed while it sat idle
                        // fails on reuse before the
                        // provider reads the request; OkHttp then resends it once on a new
                        // connection (and once after a
                        // 408), with the same Idempotency-Key. It never resends after a read
                        // timeout.
                        .retryOnConnectionFailure(true)
                        .build();
        HttpUrl base = HttpUrl.get(properties.baseUrl().toString());
        this.sendUrl = base.newBuilder().addPathSegment("send-email").build();
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ProviderResult send(String idempotencyKey, String email, String message) {
        byte[] body = json.writeValueAsBytes(new SendEmail(email, message));
        Request request =
                new Request.Builder()
                        .url(sendUrl)
                        .header("Idempotency-Key", idempotencyKey)
                        .post(RequestBody.create(body, JSON))
                        .build();
        try (Response response = http.newCall(request).execute()) {
            return classify(response);
        } catch (IOException e) {
            return new ProviderResult.Unavailable(
                    e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    private ProviderResult classify(Response response) throws IOException {
        int code = response.code();
        if (code >= 200 && code < 300) {
            return new ProviderResult.Delivered(messageId(response.body()));
        }
        String reason = "HTTP " + code + reason(text(response.body()));
        if (code == 408 || code == 429 || code >= 500) {
            return new ProviderResult.Unavailable(
                    reason, retryAfter(response.header("Retry-After")));
        }
        if (code < 400 || MISCONFIGURED.contains(code)) {
            return new ProviderResult.Misconfigured(code, reason);
        }
        return new ProviderResult.Rejected(code, reason);
    }

    /**
     * The provider took the mail: a body cut short or unreadable loses only the message id, never
     * the delivery.
     */
    private String messageId(ResponseBody body) {
        try {
            return field(text(body), "messageId");
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(ResponseBody body) throws IOException {
        return body == null ? "" : body.string();
    }

    private String reason(String body) {
        String said = field(body, "error");
        if (said == null) {
            said = field(body, "message");
        }
        if (said == null) {
            said = body.strip();
        }
        if (said.isEmpty()) {
            return "";
        }
        return ": "
                + (said.length() > MAX_REASON_LENGTH
                        ? said.substring(0, MAX_REASON_LENGTH) + "…"
                        : said);
    }

    private String field(String body, String name) {
        try {
            JsonNode node = json.readTree(body).get(name);
            return node == null || !node.isValueNode() ? null : node.asString();
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
    private Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        if (value.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            Instant at =
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private record SendEmail(String email, String message) {}
}
