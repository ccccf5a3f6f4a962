package dev.cakeday.mail.sendgrid;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The {@code sendgrid} channel: {@code POST {base-url}/v3/mail/send}, answered 202 with the message
 * id in {@code X-Message-Id}. SendGrid takes no idempotency key: a retry after an answer that was
 * lost may send the greeting twice. Errors list {@code {message, field}}
 * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send#responses).
 */
@Component
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "sendgrid")
public class SendGridChannel implements Channel {

    private static final MailProperties.Provider SENDGRID = MailProperties.Provider.SENDGRID;

    private final OkHttpClient http;
    private final HttpUrl sendUrl;
    private final String apiKey;
    private final Address from;
    private final JsonMapper json;
    private final Clock clock;

    public SendGridChannel(
            MailProperties mail, SendGridProperties properties, JsonMapper json, Clock clock) {
        this.apiKey =
                ChannelSettingException.credential(
                        SENDGRID, "cakeday.mail.sendgrid.api-key", properties.apiKey());
        Sender sender = Sender.of(mail);
        this.from = new Address(sender.address(), sender.name());
        this.http = HttpChannels.client(mail, false);
        this.sendUrl =
                HttpChannels.url(SENDGRID, "cakeday.mail.sendgrid.base-url", properties.baseUrl())
                        .newBuilder()
                        .addPathSegments("v3/mail/send")
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
        Address to = new Address(greeting.email(), greeting.fullName());
        // SendGrid requires text/plain, when sent, to come first.
        List<Content> content = new ArrayList<>();
        content.add(new Content("text/plain", greeting.text()));
        if (greeting.html() != null) {
            content.add(new Content("text/html", greeting.html()));
        }
        Mail mail =
                new Mail(
                        List.of(new Personalization(List.of(to))),
                        from,
                        greeting.subject(),
                        content,
                        UnsubscribeHeaders.of(greeting.unsubscribe()));
        Request request =
                new Request.Builder()
                        .url(sendUrl)
                        .header("Authorization", "Bearer " + apiKey)
                        .post(RequestBody.create(json.writeValueAsBytes(mail), HttpChannels.JSON))
                        .build();
        return HttpChannels.call(http, request, this::answer);
    }

    private ProviderResult answer(Response response) {
        return response.isSuccessful()
                ? new ProviderResult.Delivered(response.header("X-Message-Id"))
                : failed(response, HttpChannels.text(response));
    }

    private ProviderResult failed(Response response, String body) {
        String reason = HttpChannels.reason(response.code(), said(body), apiKey);
        if (response.code() == 429) {
            return new ProviderResult.Unavailable(reason, untilReset(response));
        }
        // 400 and 413 judge the mail; 401 and 403 (a key without the Mail Send permission, a
        // sender identity not verified) are our setup.
        return HttpChannels.classify(response, reason, clock);
    }

    /**
     * The first error as "{field}: {message}"; the whole body when it is not SendGrid's error list
     * (a proxy's page, say).
     */
    private String said(String body) {
        JsonNode error = HttpChannels.tree(json, body).path("errors").path(0);
        String message = error.path("message").stringValue(null);
        String field = error.path("field").stringValue(null);
        if (message == null) {
            return body;
        }
        return field == null ? message : field + ": " + message;
    }

    /**
     * SendGrid says when its rate limit resets as epoch seconds in {@code X-RateLimit-Reset} rather
     * than a Retry-After.
     */
    private Duration untilReset(Response response) {
        String reset = response.header("X-RateLimit-Reset");
        if (reset == null || !reset.strip().matches("\\d{1,12}")) {
            return HttpChannels.retryAfter(response.header("Retry-After"), clock);
        }
        Duration wait =
                Duration.between(
                        clock.instant(), Instant.ofEpochSecond(Long.parseLong(reset.strip())));
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private record Mail(
            List<Personalization> personalizations,
            Address from,
            String subject,
            List<Content> content,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> headers) {}

    private record Personalization(List<Address> to) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Address(String email, String name) {}

    private record Content(String type, String value) {}
}
