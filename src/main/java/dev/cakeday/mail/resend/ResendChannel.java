package dev.cakeday.mail.resend;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import java.util.Map;
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
 * The {@code resend} channel: {@code POST {base-url}/emails} with the greeting's id as the {@code
 * Idempotency-Key}, which Resend keeps for 24 hours, so a retry within a day never sends twice.
 * Errors are read by their {@code name} (https://resend.com/docs/api-reference/errors).
 */
@Component
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "resend")
public class ResendChannel implements Channel {

    private static final MailProperties.Provider RESEND = MailProperties.Provider.RESEND;

    private final OkHttpClient http;
    private final HttpUrl sendUrl;
    private final String apiKey;
    // Formatted once: every greeting has the same sender.
    private final String from;
    private final JsonMapper json;
    private final Clock clock;

    public ResendChannel(
            MailProperties mail, ResendProperties properties, JsonMapper json, Clock clock) {
        this.apiKey =
                ChannelSettingException.credential(
                        RESEND, "cakeday.mail.resend.api-key", properties.apiKey());
        this.from = Sender.of(mail).display();
        this.http = HttpChannels.client(mail, true);
        this.sendUrl =
                HttpChannels.url(RESEND, "cakeday.mail.resend.base-url", properties.baseUrl())
                        .newBuilder()
                        .addPathSegment("emails")
                        .build();
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ProviderResult send(OutgoingGreeting greeting) {
        SendEmail email =
                new SendEmail(
                        from,
                        List.of(greeting.email()),
                        greeting.subject(),
                        greeting.text(),
                        greeting.html(),
                        UnsubscribeHeaders.of(greeting.unsubscribe()));
        Request request =
                new Request.Builder()
                        .url(sendUrl)
                        .header("Authorization", "Bearer " + apiKey)
                        .header("Idempotency-Key", greeting.id())
                        .post(RequestBody.create(json.writeValueAsBytes(email), HttpChannels.JSON))
                        .build();
        return HttpChannels.call(http, request, this::answer);
    }

    private ProviderResult answer(Response response) {
        return response.isSuccessful()
                ? HttpChannels.delivered(response, json, "id")
                : failed(response, HttpChannels.text(response));
    }

    private ProviderResult failed(Response response, String body) {
        int code = response.code();
        JsonNode error = HttpChannels.tree(json, body);
        String name = error.path("name").stringValue(null);
        if (name == null) {
            // Not Resend's error object (a proxy's page, say): the status alone decides.
            return HttpChannels.classify(response, HttpChannels.reason(code, body, apiKey), clock);
        }
        String message = error.path("message").stringValue(null);
        String reason =
                HttpChannels.reason(code, message == null ? name : name + ": " + message, apiKey);
        return switch (name) {
            // A 422 that judges our sender, not the recipient: every greeting would fail alike.
            case "invalid_from_address" -> new ProviderResult.Misconfigured(code, reason);
            // The plan's monthly quota is spent and only an operator can raise it; the daily quota
            // and the rate limit are 429s that clear by themselves.
            case "monthly_quota_exceeded" -> new ProviderResult.Misconfigured(code, reason);
            // The first attempt under this key is still being processed: its answer will decide.
            case "concurrent_idempotent_requests" ->
                    new ProviderResult.Unavailable(
                            reason, HttpChannels.retryAfter(response.header("Retry-After"), clock));
            // The same key came with another body: the greeting changed (its address, its text)
            // after an earlier attempt that Resend may have sent. Every retry within 24 hours gets
            // this answer, and a new key could send it twice: an operator decides.
            case "invalid_idempotent_request" -> new ProviderResult.Rejected(code, reason);
            default -> HttpChannels.classify(response, reason, clock);
        };
    }

    private record SendEmail(
            String from,
            List<String> to,
            String subject,
            String text,
            @JsonInclude(JsonInclude.Include.NON_NULL) String html,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> headers) {}
}
