package dev.cakeday.instances;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import dev.cakeday.support.ServiceProcess;
import dev.cakeday.support.TestDatabase;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The packaged service on the {@code smtp} channel, as an operator runs it: its own process, a real
 * SMTP server (GreenMail, in this JVM) reached over TCP, a user created through the API, and the
 * one-click unsubscribe link of the mail it sent.
 */
class SmtpChannelIT {

    static final String RECIPIENT = "smtp-zoe@example.com";
    static final String UNSUBSCRIBE_SECRET = "the-unsubscribe-secret-of-SmtpChannelIT";
    // Long enough for the instance to start and the user to be created before the send time.
    static final Duration LEAD = Duration.ofSeconds(45);

    static TestDatabase db;
    static JdbcClient jdbc;
    static GreenMail greenMail;

    @BeforeAll
    static void start() {
        db = TestDatabase.get();
        ServiceProcess.unpackedWithArchive();
        jdbc = JdbcClient.create(new DriverManagerDataSource(db.url(), db.user(), db.password()));
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
    }

    @AfterAll
    static void stop() {
        greenMail.stop();
    }

    @Test
    void aUserCreatedThroughTheApiIsGreetedByMailAtTheSendTime() throws Exception {
        Instant due = Instant.now().plus(LEAD).truncatedTo(ChronoUnit.SECONDS);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (!LocalDate.ofInstant(due, ZoneOffset.UTC).equals(today)) {
            throw new IllegalStateException(
                    "too close to midnight UTC for a greeting due today; run again in a few"
                            + " minutes");
        }
        try (ServiceProcess service =
                ServiceProcess.start(
                        "smtp-1",
                        Map.ofEntries(
                                Map.entry("spring.datasource.url", db.url()),
                                Map.entry("spring.datasource.username", db.user()),
                                Map.entry("spring.datasource.password", db.password()),
                                Map.entry("cakeday.mail.provider", "smtp"),
                                Map.entry("spring.mail.host", "127.0.0.1"),
                                Map.entry(
                                        "spring.mail.port",
                                        String.valueOf(greenMail.getSmtp().getPort())),
                                Map.entry("cakeday.mail.from", "greetings@cakeday.example"),
                                Map.entry("cakeday.mail.from-name", "Cakeday"),
                                Map.entry(
                                        "cakeday.mail.unsubscribe.base-url",
                                        "http://127.0.0.1:${server.port}"),
                                Map.entry("cakeday.mail.unsubscribe.secret", UNSUBSCRIBE_SECRET),
                                Map.entry(
                                        "cakeday.greeting.send-time",
                                        LocalTime.ofInstant(due, ZoneOffset.UTC).toString()),
                                Map.entry("db-scheduler.polling-interval", "500ms")))) {
            service.awaitReady(LEAD.minusSeconds(15));
            Api api = new Api(URI.create(service.baseUrl()).getPort());

            Api.Response created =
                    api.postJson(
                            "/user",
                            Api.json(
                                    Map.of(
                                            "firstName", "Zoë",
                                            "lastName", "Ñúñez",
                                            "email", RECIPIENT,
                                            "birthday", today.withYear(1990).toString(),
                                            "timezone", "UTC")));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(Instant.now()).as("the user exists before the send time").isBefore(due);
            String userId = created.json().get("id").asString();
            String greetingId = userId + ":BIRTHDAY:" + today;

            sleepUntil(due.minusSeconds(1));
            assertThat(received()).as("nothing before the send time").isEmpty();
            MimeMessage mail = awaitMail(due.plusSeconds(30));

            assertThat(mail.getSubject()).isEqualTo("Happy birthday, Zoë!");
            assertThat(mail.getContent()).isEqualTo("Hey, Zoë Ñúñez it's your birthday");
            InternetAddress to = (InternetAddress) mail.getRecipients(Message.RecipientType.TO)[0];
            assertThat(to.getPersonal()).isEqualTo("Zoë Ñúñez");
            assertThat(((InternetAddress) mail.getFrom()[0]).toUnicodeString())
                    .isEqualTo("Cakeday <greetings@cakeday.example>");
            assertThat(mail.getSentDate().toInstant())
                    .as("sent at the send time")
                    .isAfterOrEqualTo(due);
            String messageId = "<greeting." + greetingId.replace(':', '.') + "@cakeday.example>";
            assertThat(mail.getHeader("Message-ID")).containsExactly(messageId);
            // The server holds the mail before the SENT write commits in the sending thread.
            IntegrationTest.await(
                    greetingId + " SENT",
                    Duration.ofSeconds(10),
                    () ->
                            "SENT"
                                    .equals(
                                            jdbc.sql("SELECT status FROM greetings WHERE id = ?")
                                                    .param(greetingId)
                                                    .query(String.class)
                                                    .single()));
            assertThat(
                            jdbc.sql(
                                            "SELECT status, provider_message_id FROM greetings WHERE id = ?")
                                    .param(greetingId)
                                    .query()
                                    .singleRow())
                    .containsEntry("status", "SENT")
                    .containsEntry("provider_message_id", messageId);
            assertThat(received()).as("still one mail").hasSize(1);

            // RFC 8058: the one-click link in the mail's headers works as a mailbox provider uses
            // it.
            assertThat(mail.getHeader("List-Unsubscribe-Post"))
                    .containsExactly("List-Unsubscribe=One-Click");
            String header = mail.getHeader("List-Unsubscribe")[0];
            assertThat(header).startsWith("<" + service.baseUrl() + "/unsubscribe/").endsWith(">");
            URI link = URI.create(header.substring(1, header.length() - 1));
            Api.Response unsubscribed =
                    api.send(
                            "POST",
                            link.getRawPath(),
                            "application/x-www-form-urlencoded",
                            "List-Unsubscribe=One-Click");
            assertThat(unsubscribed.status()).isEqualTo(200);
            assertThat(api.get("/user/" + userId).json().get("optOut").toString())
                    .isEqualTo("[\"BIRTHDAY\"]");
        }
    }

    /** The mails GreenMail took for the recipient. */
    static List<MimeMessage> received() {
        return Arrays.stream(greenMail.getReceivedMessages())
                .filter(SmtpChannelIT::isForRecipient)
                .toList();
    }

    static boolean isForRecipient(MimeMessage mail) {
        try {
            return Arrays.stream(mail.getAllRecipients())
                    .anyMatch(
                            address -> ((InternetAddress) address).getAddress().equals(RECIPIENT));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static MimeMessage awaitMail(Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            List<MimeMessage> mails = received();
            if (!mails.isEmpty()) {
                assertThat(mails).as("one mail").hasSize(1);
                return mails.get(0);
            }
            sleepUntil(Instant.now().plusMillis(200));
        }
        throw new AssertionError("no mail for " + RECIPIENT + " by " + deadline);
    }

    static void sleepUntil(Instant instant) {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
