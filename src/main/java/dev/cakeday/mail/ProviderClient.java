package dev.cakeday.mail;

import java.io.IOException;
import java.time.Clock;
import okhttp3.HttpUrl;
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

    private final OkHttpClient http;
    private final HttpUrl sendUrl;
    private final JsonMapper json;
    private final Clock clock;

    public ProviderClient(MailProperties properties, JsonMapper json, Clock clock) {
        this.http = HttpChannels.client(properties);
        HttpUrl base = HttpUrl.get(properties.baseUrl().toString());
        this.sendUrl = base.newBuilder().addPathSegment("send-email").build();
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ProviderResult send(OutgoingGreeting greeting) {
        byte[] body = json.writeValueAsBytes(new SendEmail(greeting.email(), greeting.text()));
        Request request =
                new Request.Builder()
                        .url(sendUrl)
                        .header("Idempotency-Key", greeting.id())
                        .post(RequestBody.create(body, HttpChannels.JSON))
                        .build();
        try (Response response = http.newCall(request).execute()) {
            if (response.isSuccessful()) {
                return new ProviderResult.Delivered(messageId(response.body()));
            }
            String said = HttpChannels.text(response.body());
            return HttpChannels.classify(
                    response, HttpChannels.reason(response.code(), said(said)), clock);
        } catch (IOException e) {
            return HttpChannels.unanswered(e);
        }
    }

    /**
     * The provider took the mail: a body cut short or unreadable loses only the message id, never
     * the delivery.
     */
    private String messageId(ResponseBody body) {
        try {
            return field(HttpChannels.text(body), "messageId");
        } catch (IOException e) {
            return null;
        }
    }

    private String said(String body) {
        String said = field(body, "error");
        if (said == null) {
            said = field(body, "message");
        }
        return said == null ? body : said;
    }

    private String field(String body, String name) {
        try {
            JsonNode node = json.readTree(body).get(name);
            return node == null || !node.isValueNode() ? null : node.asString();
        } catch (JacksonException e) {
            return null;
        }
    }

    private record SendEmail(String email, String message) {}
}
