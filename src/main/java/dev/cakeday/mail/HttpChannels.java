package dev.cakeday.mail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * What the channels that call an HTTP API share: one way to build the client, and one reading of
 * HTTP answers into {@link ProviderResult}s for the statuses a provider documents nothing special
 * about.
 */
public final class HttpChannels {

    public static final MediaType JSON = MediaType.get("application/json");
    private static final Duration KEEP_ALIVE = Duration.ofMinutes(5);
    // Answers about Cakeday's request (where it went, its credentials, its form), not about the
    // mail.
    private static final Set<Integer> MISCONFIGURED = Set.of(401, 403, 404, 405, 406, 415);

    private HttpChannels() {}

    /**
     * A client with every timeout set, sized for the sending threads, following no redirect. {@code
     * keyed}: the API de-duplicates on the greeting's key, so a request that failed on a stale
     * connection may be sent again at once.
     */
    public static OkHttpClient client(MailProperties properties, boolean keyed) {
        return new OkHttpClient.Builder()
                .connectTimeout(properties.connectTimeout())
                .readTimeout(properties.readTimeout())
                .writeTimeout(properties.readTimeout())
                .callTimeout(properties.connectTimeout().plus(properties.readTimeout()))
                // OkHttp keeps 5 idle connections by default: with more sending threads, most
                // calls would connect anew.
                .connectionPool(
                        new ConnectionPool(
                                properties.maxIdleConnections(),
                                KEEP_ALIVE.toMinutes(),
                                TimeUnit.MINUTES))
                // A redirect means the base URL is wrong: it is reported, never followed with the
                // credentials.
                .followRedirects(false)
                // A pooled connection the provider (or a proxy) closed while it sat idle fails on
                // reuse, usually before the provider reads the request; OkHttp then resends it once
                // on a new connection (and once after a 408), with the same idempotency key. It
                // never resends after a read timeout. Without a key that resend could deliver
                // twice, uncounted: such a failure is left to the retry rules instead.
                .retryOnConnectionFailure(keyed)
                .build();
    }

    /**
     * The usual reading of a status: 408, 429 and 5xx are temporary (with the Retry-After given), a
     * redirect and the statuses about the request's address, credentials or form are
     * misconfiguration, and any other 4xx rejects the mail for good.
     */
    public static ProviderResult classify(Response response, String reason, Clock clock) {
        int code = response.code();
        if (code == 408 || code == 429 || code >= 500) {
            return new ProviderResult.Unavailable(
                    reason, retryAfter(response.header("Retry-After"), clock));
        }
        if (code < 400 || MISCONFIGURED.contains(code)) {
            return new ProviderResult.Misconfigured(code, reason);
        }
        return new ProviderResult.Rejected(code, reason);
    }

    /**
     * A URL as a setting gives it: absolute http or https with a host, or the start stops naming
     * the property, never repeating the value (a webhook's URL may hold a token).
     */
    public static HttpUrl url(MailProperties.Provider provider, String property, String value) {
        String setting = ChannelSettingException.required(provider, property, value);
        HttpUrl url = absolute(setting) ? HttpUrl.parse(setting) : null;
        if (url == null) {
            throw new ChannelSettingException(
                    provider, property, "must be an absolute http:// or https:// URL");
        }
        return url;
    }

    /**
     * Whether java.net.URI reads a scheme and a host: OkHttp alone would take "http:host" or
     * "http:///path" for URLs. Its exception is dropped, as its message quotes the URL.
     */
    private static boolean absolute(String value) {
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** How a channel reads an answer it got. */
    @FunctionalInterface
    public interface Answer {
        ProviderResult read(Response response);
    }

    /** Sends {@code request} and reads its answer; a call that got none is temporary. */
    public static ProviderResult call(OkHttpClient http, Request request, Answer answer) {
        try (Response response = http.newCall(request).execute()) {
            return answer.read(response);
        } catch (IOException e) {
            return unanswered(e);
        }
    }

    /**
     * A call that got no answer: temporary. Unless it failed to connect, the request may have
     * reached the provider, which may have taken the mail.
     */
    public static ProviderResult unanswered(IOException e) {
        return new ProviderResult.Unavailable(
                e.getClass().getSimpleName() + ": " + e.getMessage(), null, !neverConnected(e));
    }

    private static boolean neverConnected(IOException e) {
        return e instanceof ConnectException
                || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException
                || e instanceof SocketTimeoutException
                        && e.getMessage() != null
                        && e.getMessage().toLowerCase(Locale.ROOT).contains("connect");
    }

    /**
     * The body as text; empty when there is none or it cannot be read: the status was received, and
     * speaks alone.
     */
    public static String text(Response response) {
        ResponseBody body = response.body();
        try {
            return body == null ? "" : body.string();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The body as JSON; a missing node when there is none or it is not JSON, so that its fields
     * read as absent.
     */
    public static JsonNode tree(JsonMapper json, String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * The provider took the mail: its message id is read from the answer's {@code idField}, and a
     * body cut short or unreadable loses only the id, never the delivery.
     */
    public static ProviderResult.Delivered delivered(
            Response response, JsonMapper json, String idField) {
        JsonNode id = tree(json, text(response)).path(idField);
        return new ProviderResult.Delivered(
                id.isValueNode() && !id.isNull() ? id.asString() : null);
    }

    /**
     * As {@link #reason(int, String)}, with the credential replaced before the text is cut, should
     * the provider repeat what it was sent: reasons go to the log and the greeting's row.
     */
    public static String reason(int code, String said, String secret) {
        return reason(code, said == null ? null : said.replace(secret, "(hidden)"));
    }

    /** "HTTP {code}: {what the provider said}", cut to a length a log row can hold. */
    public static String reason(int code, String said) {
        String text = said == null ? "" : said.strip();
        if (text.isEmpty()) {
            return "HTTP " + code;
        }
        return "HTTP " + code + ": " + ProviderResult.shortened(text);
    }

    /** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(String header, Clock clock) {
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
}
