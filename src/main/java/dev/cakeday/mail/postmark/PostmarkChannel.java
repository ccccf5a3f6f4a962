package dev.cakeday.mail.postmark;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cakeday.mail.Channel;
import dev.cakeday.mail.ChannelSettingException;
import dev.cakeday.mail.HttpChannels;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.OutgoingGreeting;
import dev.cakeday.mail.ProviderResult;
import dev.cakeday.mail.Sender;
import dev.cakeday.mail.UnsubscribeHeaders;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code postmark} channel: {@code POST {base-url}/email} on the configured message stream.
 * Postmark takes no idempotency key: a retry after an answer that was lost may send the greeting
 * twice. API errors come as 422 with an {@code ErrorCode}
 * (https://postmarkapp.com/developer/api/overview#error-codes).
 */
@Component
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "postmark")
public class PostmarkChannel implements Channel {

    private static final MailProperties.Provider POSTMARK = MailProperties.Provider.POSTMARK;
    private static final int MAINTENANCE = 100;
    private static final int INVALID_REQUEST = 300;
    // Bad or missing token (10), sender signature not found (400) or not confirmed (401), not
    // allowed to send: no credits left (405), account pending (412), account may not send (413),
    // message stream not found (1235): our account or settings, the same for every greeting.
    private static final Set<Integer> OUR_SETUP = Set.of(10, 400, 401, 405, 412, 413, 1235);

    private final OkHttpClient http;
    private final HttpUrl sendUrl;
    private final String serverToken;
    private final String messageStream;
    // Formatted once: every greeting has the same sender.
    private final String from;
    private final JsonMapper json;
    private final Clock clock;

    public PostmarkChannel(
            MailProperties mail, PostmarkProperties properties, JsonMapper json, Clock clock) {
        this.serverToken =
                ChannelSettingException.credential(
                        POSTMARK, "cakeday.mail.postmark.server-token", properties.serverToken());
        this.messageStream =
                ChannelSettingException.required(
                        POSTMARK,
                        "cakeday.mail.postmark.message-stream",
                        properties.messageStream());
        this.from = Sender.of(mail).display();
        this.http = HttpChannels.client(mail, false);
        this.sendUrl =
                HttpChannels.url(POSTMARK, "cakeday.mail.postmark.base-url", properties.baseUrl())
                        .newBuilder()
                        .addPathSegment("email")
                        .build();
        this.json = json;
        this.clock = clock;
    }

    /** No idempotency key: a re-send after a lost answer can deliver twice. */
    @Override
    public boolean deduplicates() {
        return false;
    }

    @Override
    public ProviderResult send(OutgoingGreeting greeting) {
        List<Header> headers =
                UnsubscribeHeaders.of(greeting.unsubscribe()).entrySet().stream()
                        .map(header -> new Header(header.getKey(), header.getValue()))
                        .toList();
        Email email =
                new Email(
                        from,
                        greeting.email(),
                        greeting.subject(),
                        greeting.text(),
                        greeting.html(),
                        headers,
                        messageStream);
        Request request =
                new Request.Builder()
                        .url(sendUrl)
                        .header("Accept", "application/json")
                        .header("X-Postmark-Server-Token", serverToken)
                        .post(RequestBody.create(json.writeValueAsBytes(email), HttpChannels.JSON))
                        .build();
        return HttpChannels.call(http, request, this::answer);
    }

    private ProviderResult answer(Response response) {
        return response.isSuccessful()
                ? HttpChannels.delivered(response, json, "MessageID")
                : failed(response, HttpChannels.text(response));
    }

    private ProviderResult failed(Response response, String body) {
        int code = response.code();
        JsonNode error = HttpChannels.tree(json, body);
        int errorCode = error.path("ErrorCode").asInt(-1);
        if (errorCode < 0) {
            // Not Postmark's error object (a proxy's page, say): the status alone decides.
            return HttpChannels.classify(
                    response, HttpChannels.reason(code, body, serverToken), clock);
        }
        String message = error.path("Message").stringValue(null);
        String said = "ErrorCode " + errorCode + (message == null ? "" : ": " + message);
        String reason = HttpChannels.reason(code, said, serverToken);
        if (OUR_SETUP.contains(errorCode) || aboutOurSender(errorCode, message)) {
            return new ProviderResult.Misconfigured(code, reason);
        }
        if (errorCode == MAINTENANCE) {
            return new ProviderResult.Unavailable(
                    reason, HttpChannels.retryAfter(response.header("Retry-After"), clock));
        }
        // The rest judge the mail (300 invalid request, 406 inactive recipient: 422, rejected) or
        // are plain HTTP: 401 bad token, 429, 5xx.
        return HttpChannels.classify(response, reason, clock);
    }

    /**
     * Postmark also answers 300 when the From address is no confirmed sender signature: read as the
     * mail's fault, every greeting would be FAILED for our setup, so the message decides.
     */
    private static boolean aboutOurSender(int errorCode, String message) {
        return errorCode == INVALID_REQUEST && message != null && message.contains("'From'");
    }

    private record Email(
            @JsonProperty("From") String from,
            @JsonProperty("To") String to,
            @JsonProperty("Subject") String subject,
            @JsonProperty("TextBody") String textBody,
            @JsonProperty("HtmlBody") @JsonInclude(JsonInclude.Include.NON_NULL) String htmlBody,
            @JsonProperty("Headers") @JsonInclude(JsonInclude.Include.NON_EMPTY)
                    List<Header> headers,
            @JsonProperty("MessageStream") String messageStream) {}

    private record Header(@JsonProperty("Name") String name, @JsonProperty("Value") String value) {}
}
