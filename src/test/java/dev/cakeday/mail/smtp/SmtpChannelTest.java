package dev.cakeday.mail.smtp;

import static dev.cakeday.mail.TestGreetings.UNSUBSCRIBE;
import static dev.cakeday.mail.TestGreetings.withHtml;
import static dev.cakeday.mail.TestGreetings.withUnsubscribe;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.cakeday.mail.ChannelSettingException;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.OutgoingGreeting;
import dev.cakeday.mail.ProviderResult;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The smtp channel as Spring Boot wires it from {@code spring.mail.*} and {@code cakeday.mail.*},
 * against real SMTP servers on this machine: GreenMail, which takes every mail, and a scripted peer
 * for the refusals GreenMail never gives.
 */
class SmtpChannelTest {

    static final String WRONG_PASSWORD = "wrong-horse-battery-staple";
    static final OutgoingGreeting ZOE =
            new OutgoingGreeting(
                    "00000000-0000-0000-0000-000000000042:BIRTHDAY:2026-12-02",
                    "BIRTHDAY",
                    LocalDate.of(2026, 12, 2),
                    UUID.fromString("00000000-0000-0000-0000-000000000042"),
                    "Zoë",
                    "Ñúñez",
                    "zoe@example.com",
                    "en",
                    "Happy birthday, Zoë!",
                    "Hey, Zoë Ñúñez it's your birthday",
                    null,
                    Instant.parse("2026-12-02T09:00:00Z"),
                    null);
    static final String ZOE_MESSAGE_ID =
            "<greeting.00000000-0000-0000-0000-000000000042.BIRTHDAY.2026-12-02@cakeday.example>";
    static final String ZOE_HTML = "<p>Hey, <b>Zoë Ñúñez</b> it's your birthday 🎂</p>";

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(MailProperties.class)
    @Import(SmtpChannel.class)
    static class Wiring {
        @Bean
        Clock clock() {
            return Clock.fixed(Instant.parse("2026-12-02T09:00:00Z"), ZoneOffset.UTC);
        }
    }

    final ApplicationContextRunner context =
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
                    .withUserConfiguration(Wiring.class)
                    .withPropertyValues(
                            "cakeday.mail.provider=smtp",
                            "cakeday.mail.from=greetings@cakeday.example",
                            "cakeday.mail.from-name=Cakeday Grüße",
                            "cakeday.mail.connect-timeout=1s",
                            "cakeday.mail.read-timeout=1s");

    GreenMail greenMail;

    @BeforeEach
    void startGreenMail() {
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
    }

    @AfterEach
    void stopGreenMail() {
        greenMail.stop();
    }

    /** The channel wired to the SMTP server on {@code port}, with these settings besides. */
    ProviderResult send(OutgoingGreeting greeting, int port, String... settings) {
        AtomicReference<ProviderResult> result = new AtomicReference<>();
        context.withPropertyValues("spring.mail.host=127.0.0.1", "spring.mail.port=" + port)
                .withPropertyValues(settings)
                .run(started -> result.set(started.getBean(SmtpChannel.class).send(greeting)));
        return result.get();
    }

    int greenMailPort() {
        return greenMail.getSmtp().getPort();
    }

    @Test
    void sendsOnePlainTextUtf8MailFromTheSenderToTheRecipientByName() throws Exception {
        ProviderResult result = send(ZOE, greenMailPort());

        assertThat(result).isEqualTo(new ProviderResult.Delivered(ZOE_MESSAGE_ID));
        assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage received = greenMail.getReceivedMessages()[0];
        InternetAddress from = (InternetAddress) received.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("greetings@cakeday.example");
        assertThat(from.getPersonal()).isEqualTo("Cakeday Grüße");
        InternetAddress to = (InternetAddress) received.getRecipients(Message.RecipientType.TO)[0];
        assertThat(to.getAddress()).isEqualTo("zoe@example.com");
        assertThat(to.getPersonal()).isEqualTo("Zoë Ñúñez");
        assertThat(received.getHeader("To")[0])
                .as("the name encoded, as a header must be ASCII")
                .startsWith("=?UTF-8?");
        assertThat(received.getSubject()).isEqualTo("Happy birthday, Zoë!");
        assertThat(received.getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(received.getContent()).isEqualTo("Hey, Zoë Ñúñez it's your birthday");
        assertThat(received.getHeader("Message-ID")).containsExactly(ZOE_MESSAGE_ID);
        assertThat(received.getSentDate()).isEqualTo(Instant.parse("2026-12-02T09:00:00Z"));
        assertThat(received.getHeader("List-Unsubscribe")).as("no link, no header").isNull();
        assertThat(received.getHeader("List-Unsubscribe-Post")).isNull();
    }

    @Test
    void aGreetingWithHtmlIsMultipartAlternativeTextFirstThenHtmlBothUtf8() throws Exception {
        ProviderResult result = send(withHtml(ZOE, ZOE_HTML), greenMailPort());

        assertThat(result).isEqualTo(new ProviderResult.Delivered(ZOE_MESSAGE_ID));
        assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage received = greenMail.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("Happy birthday, Zoë!");
        assertThat(received.getContentType()).startsWith("multipart/alternative");
        MimeMultipart alternatives = (MimeMultipart) received.getContent();
        assertThat(alternatives.getCount()).isEqualTo(2);
        BodyPart text = alternatives.getBodyPart(0);
        assertThat(text.getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(text.getContent()).isEqualTo("Hey, Zoë Ñúñez it's your birthday");
        BodyPart html = alternatives.getBodyPart(1);
        assertThat(html.getContentType()).startsWith("text/html").contains("UTF-8");
        assertThat(html.getContent()).isEqualTo(ZOE_HTML);
        assertThat(received.getHeader("List-Unsubscribe")).isNull();
        assertThat(received.getHeader("List-Unsubscribe-Post")).isNull();
    }

    /** The headers belong to the mail, not to one of its alternatives. */
    @Test
    void aGreetingWithAnUnsubscribeLinkCarriesTheOneClickHeaders() throws Exception {
        send(withUnsubscribe(withHtml(ZOE, ZOE_HTML), UNSUBSCRIBE), greenMailPort());

        assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage received = greenMail.getReceivedMessages()[0];
        assertThat(received.getHeader("List-Unsubscribe"))
                .containsExactly("<https://cakeday.example/unsubscribe?user=42&token=c2lnbmVk>");
        assertThat(received.getHeader("List-Unsubscribe-Post"))
                .containsExactly("List-Unsubscribe=One-Click");
        MimeMultipart alternatives = (MimeMultipart) received.getContent();
        for (int i = 0; i < alternatives.getCount(); i++) {
            assertThat(alternatives.getBodyPart(i).getHeader("List-Unsubscribe")).isNull();
        }
    }

    @Test
    void aGreetingSentAgainCarriesTheSameMessageId() throws Exception {
        send(ZOE, greenMailPort());
        send(ZOE, greenMailPort());

        assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
        assertThat(greenMail.getReceivedMessages())
                .extracting(received -> received.getHeader("Message-ID")[0])
                .containsExactly(ZOE_MESSAGE_ID, ZOE_MESSAGE_ID);
    }

    @Test
    void aRecipientTheServerRefusesIsRejectedForGoodWithTheAddressMasked() {
        try (ScriptedSmtpServer server =
                ScriptedSmtpServer.answering("RCPT", "550 5.1.1 <zoe@example.com>: no such user")) {
            ProviderResult result = send(ZOE, server.port());

            assertThat(result)
                    .isEqualTo(
                            new ProviderResult.Rejected(
                                    550,
                                    "recipient refused: 550 5.1.1 <z***@example.com>: no such"
                                            + " user"));
        }
    }

    @ParameterizedTest(name = "{0} answered {1}: {2}")
    @CsvSource({
        "RCPT, 451 4.3.0 try again later, Unavailable",
        "RCPT, 530 5.7.0 authentication required, Misconfigured",
        "RCPT, 554 5.7.1 <zoe@example.com>: Relay access denied, Misconfigured",
        "RCPT, 553 5.7.1 <greetings@cakeday.example>: Sender address rejected, Misconfigured",
        "RCPT, 554 5.7.1 Client host rejected: 10.5.1.2, Misconfigured",
        "RCPT, 552 5.2.2 mailbox full, Rejected",
        "RCPT, 550 no such user here, Rejected",
        "RCPT, 550 relaying denied, Misconfigured",
        "., 550 5.7.60 client does not have permissions to send as this sender, Misconfigured",
        "., 552 5.3.4 message too big, Rejected",
        "., 554 5.6.0 message content invalid, Rejected",
        "RCPT, 550 5.4.1 Recipient address rejected: Access denied, Rejected",
        "RCPT, 550 5.4.4 unrouteable address, Rejected",
        "RCPT, 550 5.4.1 relay access denied, Misconfigured",
        "RCPT, 553 5.1.8 sender domain does not exist, Misconfigured",
        "MAIL, 550 5.7.1 sender not allowed, Misconfigured",
        "MAIL, 421 4.3.2 shutting down, Unavailable",
        "., 554 5.7.1 message refused as spam, Misconfigured",
        "., 452 4.3.1 insufficient storage, Unavailable",
        "greeting, 554 5.3.2 no service here, Unavailable",
    })
    void eachRefusalReadsByItsCodeAndTheCommandItAnswers(
            String command, String reply, String expected) {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.answering(command, reply)) {
            ProviderResult result = send(ZOE, server.port());

            assertThat(result.getClass().getSimpleName()).isEqualTo(expected);
            assertThat(result.toString()).contains(reply.substring(0, 3));
        }
    }

    /** The server took the whole message, then never answered it, or hung up. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"silent", "hanging up"})
    void aServerThatTookTheMessageWithoutAnsweringLeavesTheOutcomeUnknown(String how) {
        try (ScriptedSmtpServer server =
                how.equals("silent")
                        ? ScriptedSmtpServer.silentAfterTheMessage()
                        : ScriptedSmtpServer.hangingUpAfterTheMessage()) {
            ProviderResult result = send(ZOE, server.port());

            assertThat(result)
                    .isInstanceOfSatisfying(
                            ProviderResult.Unavailable.class,
                            unavailable -> assertThat(unavailable.outcomeUnknown()).isTrue());
        }
    }

    @Test
    void aServerThatIsDownIsUnavailable() {
        ProviderResult result = send(ZOE, closedPort());

        assertThat(result).isInstanceOf(ProviderResult.Unavailable.class);
        assertThat(((ProviderResult.Unavailable) result).outcomeUnknown())
                .as("nothing reached a server")
                .isFalse();
        assertThat(((ProviderResult.Unavailable) result).reason())
                .contains("ConnectException: Connection refused");
    }

    @Test
    void aServerThatNeverAnswersIsUnavailableAfterTheReadTimeout() {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.silent()) {
            long started = System.nanoTime();
            ProviderResult result = send(ZOE, server.port());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(result).isInstanceOf(ProviderResult.Unavailable.class);
            assertThat(((ProviderResult.Unavailable) result).reason())
                    .contains("SocketTimeoutException");
            assertThat(took).as("cakeday.mail.read-timeout=1s").isLessThan(Duration.ofSeconds(5));
            assertThat(((ProviderResult.Unavailable) result).outcomeUnknown())
                    .as("no message went out before the greeting")
                    .isFalse();
        }
    }

    @Test
    void aWrongPasswordIsMisconfiguredAndTheReasonNeverShowsIt() {
        greenMail.setUser("greetings@cakeday.example", "cakeday", "the-right-password");

        ProviderResult result =
                send(
                        ZOE,
                        greenMailPort(),
                        "spring.mail.username=cakeday",
                        "spring.mail.password=" + WRONG_PASSWORD);

        assertThat(result).isInstanceOf(ProviderResult.Misconfigured.class);
        ProviderResult.Misconfigured misconfigured = (ProviderResult.Misconfigured) result;
        assertThat(misconfigured.status()).isEqualTo(535);
        assertThat(misconfigured.reason())
                .startsWith("login refused: 535")
                .doesNotContain(WRONG_PASSWORD);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void theRightLoginDelivers() {
        greenMail.setUser("greetings@cakeday.example", "cakeday", "the-right-password");

        ProviderResult result =
                send(
                        ZOE,
                        greenMailPort(),
                        "spring.mail.username=cakeday",
                        "spring.mail.password=the-right-password");

        assertThat(result).isInstanceOf(ProviderResult.Delivered.class);
        assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    }

    /**
     * TLS from the first byte (smtps) with a login, as a relay beyond this host needs. GreenMail's
     * own certificate is trusted for the test only: by default, the JDK's trust store and the
     * server's identity decide.
     */
    @Test
    void aLoginOverTlsDelivers() {
        GreenMail tls = new GreenMail(ServerSetupTest.SMTPS.dynamicPort());
        tls.start();
        try {
            tls.setUser("greetings@cakeday.example", "cakeday", "the-right-password");

            assertThat(
                            send(
                                    ZOE,
                                    tls.getSmtps().getPort(),
                                    "spring.mail.protocol=smtps",
                                    "spring.mail.properties.mail.smtps.ssl.trust=127.0.0.1",
                                    "spring.mail.username=cakeday",
                                    "spring.mail.password=the-right-password"))
                    .as(
                            "the server's name is checked by default: GreenMail's certificate names none")
                    .isInstanceOfSatisfying(
                            ProviderResult.Unavailable.class,
                            unavailable ->
                                    assertThat(unavailable.reason())
                                            .contains("SSLHandshakeException"));
            ProviderResult result =
                    send(
                            ZOE,
                            tls.getSmtps().getPort(),
                            "spring.mail.protocol=smtps",
                            "spring.mail.properties.mail.smtps.ssl.trust=127.0.0.1",
                            // GreenMail's certificate names no host; a real one is checked.
                            "spring.mail.properties.mail.smtps.ssl.checkserveridentity=false",
                            "spring.mail.username=cakeday",
                            "spring.mail.password=the-right-password");

            assertThat(result).isEqualTo(new ProviderResult.Delivered(ZOE_MESSAGE_ID));
            assertThat(tls.waitForIncomingEmail(5_000, 1)).isTrue();
            assertThat(send(ZOE, tls.getSmtps().getPort(), "spring.mail.protocol=smtp"))
                    .as("plain text to the TLS port: no greeting from the server, nothing sent")
                    .isInstanceOfSatisfying(
                            ProviderResult.Unavailable.class,
                            unavailable -> assertThat(unavailable.outcomeUnknown()).isFalse());
            assertThat(tls.getReceivedMessages()).hasSize(1);
        } finally {
            tls.stop();
        }
    }

    @Test
    void timeoutsComeFromCakedaySettingsUnlessSetInSpringMailProperties() {
        context.withPropertyValues(
                        "spring.mail.host=127.0.0.1",
                        "spring.mail.properties.mail.smtp.timeout=7000")
                .run(
                        started -> {
                            Properties settings =
                                    started.getBean(JavaMailSenderImpl.class)
                                            .getJavaMailProperties();
                            assertThat(settings.getProperty("mail.smtp.connectiontimeout"))
                                    .isEqualTo("1000");
                            assertThat(settings.getProperty("mail.smtp.timeout")).isEqualTo("7000");
                            assertThat(settings.getProperty("mail.smtp.writetimeout"))
                                    .isEqualTo("1000");
                        });
        context.withPropertyValues("spring.mail.host=127.0.0.1", "spring.mail.protocol=smtps")
                .run(
                        started -> {
                            Properties settings =
                                    started.getBean(JavaMailSenderImpl.class)
                                            .getJavaMailProperties();
                            assertThat(settings.getProperty("mail.smtps.connectiontimeout"))
                                    .isEqualTo("1000");
                            assertThat(settings.getProperty("mail.smtps.timeout"))
                                    .isEqualTo("1000");
                            assertThat(settings.getProperty("mail.smtps.writetimeout"))
                                    .isEqualTo("1000");
                        });
    }

    @Test
    void withoutSpringMailHostTheStartStopsNamingIt() {
        context.run(
                started ->
                        assertStartStoppedNaming(started.getStartupFailure(), "spring.mail.host"));
    }

    @ParameterizedTest
    @CsvSource({"''", "Cakeday <greetings@cakeday.example>", "not an address"})
    void withoutAUsableFromTheStartStopsNamingIt(String from) {
        context.withPropertyValues("spring.mail.host=127.0.0.1", "cakeday.mail.from=" + from)
                .run(
                        started ->
                                assertStartStoppedNaming(
                                        started.getStartupFailure(), "cakeday.mail.from"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a username without its password, spring.mail.username=cakeday, spring.mail.password",
        "a password without its username, spring.mail.password=pw-4f1c9, spring.mail.username",
    })
    void aLoginNeedsBothItsHalves(String what, String setting, String named) {
        context.withPropertyValues(
                        "spring.mail.host=127.0.0.1",
                        "cakeday.mail.from=greetings@cakeday.example",
                        setting)
                .run(started -> assertStartStoppedNaming(started.getStartupFailure(), named));
    }

    @Test
    void aLoginToAnotherHostWithoutTlsStopsTheStartAndTheRightSettingsStartIt() {
        ApplicationContextRunner login =
                context.withPropertyValues(
                        "spring.mail.host=smtp.example.com",
                        "spring.mail.username=cakeday",
                        "spring.mail.password=pw-4f1c9",
                        "cakeday.mail.from=greetings@cakeday.example");

        login.run(
                started -> {
                    assertStartStoppedNaming(
                            started.getStartupFailure(),
                            "spring.mail.properties.mail.smtp.starttls.required");
                    assertThat(started.getStartupFailure())
                            .rootCause()
                            .message()
                            .doesNotContain("pw-4f1c9");
                });
        login.withPropertyValues("spring.mail.properties.mail.smtp.starttls.required=true")
                .run(
                        started ->
                                assertThat(started)
                                        .hasNotFailed()
                                        .hasSingleBean(SmtpChannel.class));
        login.withPropertyValues("spring.mail.protocol=smtps")
                .run(
                        started ->
                                assertThat(started)
                                        .hasNotFailed()
                                        .hasSingleBean(SmtpChannel.class));
    }

    static void assertStartStoppedNaming(Throwable failure, String property) {
        assertThat(failure)
                .rootCause()
                .isInstanceOf(ChannelSettingException.class)
                .hasMessageStartingWith(property + " ")
                .hasMessageEndingWith("(cakeday.mail.provider=smtp)");
    }

    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
