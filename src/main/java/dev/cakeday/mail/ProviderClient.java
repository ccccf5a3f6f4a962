package dev.cakeday.mail;

import java.time.Clock;
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
        this.http = HttpChannels.client(properties, true);
        HttpUrl base =
                HttpChannels.url(
                        properties.provider(),
                        "cakeday.mail.base-url",
                        properties.baseUrl().toString());
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
        return HttpChannels.call(http, request, this::answer);
    }

    private ProviderResult answer(Response response) {
        if (response.isSuccessful()) {
            return HttpChannels.delivered(response, json, "messageId");
        }
        return HttpChannels.classify(
                response,
                HttpChannels.reason(response.code(), said(HttpChannels.text(response))),
                clock);
    }

    /** The provider's own words: its {@code error} or {@code message} field, else the body. */
    private String said(String body) {
        JsonNode answer = HttpChannels.tree(json, body);
        for (String field : new String[] {"error", "message"}) {
            JsonNode said = answer.path(field);
            if (said.isValueNode() && !said.isNull()) {
                return said.asString();
            }
        }
        return body;
    }

    private record SendEmail(String email, String message) {}
}
