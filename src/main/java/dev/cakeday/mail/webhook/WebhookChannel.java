package dev.cakeday.mail.webhook;

import static dev.cakeday.mail.MailProperties.Provider.WEBHOOK;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;
import dev.cakeday.mail.Channel;
import dev.cakeday.mail.ChannelSettingException;
import dev.cakeday.mail.HttpChannels;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.OutgoingGreeting;
import dev.cakeday.mail.ProviderResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code webhook} channel: each greeting is POSTed to the operator's own system as a {@link
 * GreetingEvent}, signed as Standard Webhooks says ({@code webhook-id}, {@code webhook-timestamp},
 * {@code webhook-signature}), so that any of its libraries can verify it. The {@code webhook-id} is
 * the greeting's id on every attempt: the receiver de-duplicates on it.
 */
@Component
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "webhook")
public class WebhookChannel implements Channel {

    static final String URL = "cakeday.mail.webhook.url";
    static final String SECRET = "cakeday.mail.webhook.secret";
    static final String PREVIOUS_SECRET = "cakeday.mail.webhook.previous-secret";
    private static final String SECRET_PREFIX = "whsec_";
    // Standard Webhooks asks for at least 24 random bytes.
    private static final int MIN_SECRET_BYTES = 24;

    private final OkHttpClient http;
    private final HttpUrl url;
    // The secret's signer first, then the previous secret's while a rotation is under way.
    private final List<Webhook> signers;
    private final JsonMapper json;
    private final Clock clock;

    public WebhookChannel(
            MailProperties mail, WebhookProperties webhook, JsonMapper json, Clock clock) {
        this.url = HttpChannels.url(WEBHOOK, URL, webhook.url());
        this.signers =
                webhook.previousSecret() == null || webhook.previousSecret().isBlank()
                        ? List.of(signer(SECRET, webhook.secret()))
                        : List.of(
                                signer(SECRET, webhook.secret()),
                                signer(PREVIOUS_SECRET, webhook.previousSecret()));
        this.http = HttpChannels.client(mail, true);
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ProviderResult send(OutgoingGreeting greeting) {
        // Serialized once: the signature covers these very characters, sent as UTF-8.
        String payload = json.writeValueAsString(GreetingEvent.of(greeting));
        long timestamp = clock.instant().getEpochSecond();
        Request request =
                new Request.Builder()
                        .url(url)
                        .header("webhook-id", greeting.id())
                        .header("webhook-timestamp", Long.toString(timestamp))
                        .header("webhook-signature", sign(greeting.id(), timestamp, payload))
                        .post(
                                RequestBody.create(
                                        payload.getBytes(StandardCharsets.UTF_8),
                                        HttpChannels.JSON))
                        .build();
        return HttpChannels.call(http, request, response -> answer(response, greeting.id()));
    }

    private ProviderResult answer(Response response, String greetingId) {
        if (response.isSuccessful()) {
            // Receivers answer as they like; the id they can look the greeting up by is ours.
            return new ProviderResult.Delivered(greetingId);
        }
        String reason = HttpChannels.reason(response.code(), HttpChannels.text(response));
        if (response.code() == 410) {
            // Gone: the receiver removed this endpoint. Every greeting would meet the same
            // answer, so it is the URL that is wrong, not the greeting: retried and alerted on
            // until an operator points the channel elsewhere, never failed one by one.
            return new ProviderResult.Misconfigured(410, reason);
        }
        return HttpChannels.classify(response, reason, clock);
    }

    /**
     * One signature per secret, space-separated as the specification allows, so that a receiver
     * holding either the new or the previous secret verifies the greeting during a rotation.
     */
    private String sign(String id, long timestamp, String payload) {
        StringJoiner signatures = new StringJoiner(" ");
        for (Webhook signer : signers) {
            try {
                signatures.add(signer.sign(id, timestamp, payload));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("HmacSHA256 refused the webhook secret", e);
            }
        }
        return signatures.toString();
    }

    /** The signer of the secret {@code whsec_} and base64; problems never repeat any of it. */
    private static Webhook signer(String property, String setting) {
        String value = ChannelSettingException.required(WEBHOOK, property, setting);
        if (!value.startsWith(SECRET_PREFIX)) {
            throw new ChannelSettingException(
                    WEBHOOK, property, "must start with " + SECRET_PREFIX + ", followed by base64");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            // Not chained: its message quotes a character of the secret.
            throw new ChannelSettingException(
                    WEBHOOK, property, "must be " + SECRET_PREFIX + " followed by valid base64");
        }
        if (key.length < MIN_SECRET_BYTES) {
            throw new ChannelSettingException(
                    WEBHOOK,
                    property,
                    "must hold at least "
                            + MIN_SECRET_BYTES
                            + " random bytes after "
                            + SECRET_PREFIX
                            + " (Standard Webhooks)");
        }
        try {
            return new Webhook(key);
        } catch (EmptyWebhookSecretException e) {
            throw new IllegalStateException("the key was checked not to be empty", e);
        }
    }
}
