package dev.cakeday.mail;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The {@code outbox} channel: sends nothing to anyone. It logs each greeting as one line and keeps
 * the latest {@value #KEPT} in memory for {@code GET /outbox}, so that someone trying Cakeday out
 * sees greetings go out. Every greeting is delivered at once: the outbox never fails.
 */
@Component
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "outbox")
public class OutboxChannel implements Channel {

    static final int KEPT = 1_000;
    private static final Logger log = LoggerFactory.getLogger(OutboxChannel.class);

    private final Clock clock;
    private final Deque<OutboxMessage> latest = new ArrayDeque<>();

    public OutboxChannel(Clock clock) {
        this.clock = clock;
        log.warn(
                "cakeday.mail.provider=outbox: greetings are recorded SENT and reach nobody; they"
                        + " are logged and kept for GET /outbox");
    }

    @Override
    public ProviderResult send(OutgoingGreeting greeting) {
        String idempotencyKey = greeting.id();
        OutboxMessage sent =
                new OutboxMessage(
                        idempotencyKey,
                        greeting.email(),
                        greeting.subject(),
                        greeting.text(),
                        clock.instant());
        synchronized (latest) {
            // The same greeting again (a retry after a lost write) is kept once, as a provider
            // honouring the Idempotency-Key would send it once.
            if (latest.stream().noneMatch(kept -> kept.greeting().equals(idempotencyKey))) {
                latest.addFirst(sent);
                if (latest.size() > KEPT) {
                    latest.removeLast();
                }
            }
        }
        log.info(
                "Outbox: greeting={} to={} subject=\"{}\" message=\"{}\"",
                idempotencyKey,
                Emails.mask(greeting.email()),
                greeting.subject(),
                greeting.text());
        return new ProviderResult.Delivered("outbox-" + idempotencyKey);
    }

    /** The latest greetings, newest first. */
    public List<OutboxMessage> latest(int limit) {
        synchronized (latest) {
            return new ArrayList<>(latest).subList(0, Math.min(limit, latest.size()));
        }
    }

    /** One greeting the outbox took. */
    public record OutboxMessage(
            String greeting, String email, String subject, String message, Instant sentAt) {}
}
