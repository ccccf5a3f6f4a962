package dev.cakeday.mail.smtp;

import dev.cakeday.mail.Channel;
import dev.cakeday.mail.ChannelSettingException;
import dev.cakeday.mail.MailProperties;
import dev.cakeday.mail.OutgoingGreeting;
import dev.cakeday.mail.ProviderResult;
import dev.cakeday.mail.Sender;
import dev.cakeday.mail.UnsubscribeHeaders;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * The {@code smtp} channel: each greeting as one UTF-8 mail to the SMTP server Spring Boot's mail
 * support is set up for: plain text, or text and HTML as multipart/alternative when the greeting
 * has an HTML version, with the one-click unsubscribe headers when it has a link. The server and
 * its security are Spring's settings: {@code spring.mail.host} (required), {@code
 * spring.mail.port}, {@code spring.mail.username} and {@code spring.mail.password} (a login is made
 * when both are set and the server offers AUTH), {@code spring.mail.protocol=smtps} or {@code
 * spring.mail.ssl.enabled=true} for TLS from the first byte, and {@code
 * spring.mail.properties.mail.smtp.starttls.enable} / {@code
 * spring.mail.properties.mail.smtp.starttls.required} for STARTTLS. The sender is {@code
 * cakeday.mail.from} and {@code cakeday.mail.from-name}.
 *
 * <p>The connect, read and write timeouts are {@code cakeday.mail.connect-timeout} and {@code
 * read-timeout}, unless set in {@code spring.mail.properties}: Jakarta Mail's own defaults wait
 * forever, which would hold a sending thread on a server that stopped answering.
 *
 * <p>SMTP has no idempotency key. A greeting sent again (its previous attempt's outcome unknown)
 * carries the same Message-ID, {@code <greeting.{id, ':' as '.'}@{from domain}>}, by which a
 * receiving system may, but need not, drop the second copy.
 */
@Component
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "smtp")
public class SmtpChannel implements Channel {

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private final JavaMailSenderImpl server;
    private final String protocol;
    private final Sender sender;
    private final Clock clock;

    public SmtpChannel(
            MailProperties properties, ObjectProvider<JavaMailSenderImpl> mailSender, Clock clock) {
        JavaMailSenderImpl server = mailSender.getIfAvailable();
        if (server == null) {
            // Spring Boot sets up the mail sender only when spring.mail.host is set.
            throw new ChannelSettingException(
                    MailProperties.Provider.SMTP, "spring.mail.host", "is required");
        }
        this.sender = Sender.of(properties);
        this.protocol = server.getProtocol() == null ? "smtp" : server.getProtocol();
        Properties settings = server.getJavaMailProperties();
        String prefix = "mail." + protocol + ".";
        setUnlessSet(settings, prefix + "connectiontimeout", properties.connectTimeout());
        setUnlessSet(settings, prefix + "timeout", properties.readTimeout());
        setUnlessSet(settings, prefix + "writetimeout", properties.readTimeout());
        // Once the server took the mail, waiting for its answer to QUIT only lengthens the window
        // in which a shutdown could end the send before SENT is written.
        settings.putIfAbsent(prefix + "quitwait", "false");
        requireLoginSettings(server, settings, prefix);
        // Setting them again drops a session made from the settings before.
        server.setJavaMailProperties(settings);
        this.server = server;
        this.clock = clock;
    }

    /**
     * A login needs both its halves, and never travels in clear text beyond this host: with a
     * username, the connection must be TLS from the first byte or STARTTLS must be required.
     */
    private static void requireLoginSettings(
            JavaMailSenderImpl server, Properties settings, String prefix) {
        boolean user = blankAsNull(server.getUsername()) != null;
        boolean password = blankAsNull(server.getPassword()) != null;
        if (user != password) {
            throw new ChannelSettingException(
                    MailProperties.Provider.SMTP,
                    user ? "spring.mail.password" : "spring.mail.username",
                    "is required with " + (user ? "spring.mail.username" : "spring.mail.password"));
        }
        boolean encrypted =
                server.getProtocol() != null && server.getProtocol().equals("smtps")
                        || "true".equals(settings.getProperty(prefix + "ssl.enable"))
                        || "true".equals(settings.getProperty(prefix + "starttls.required"));
        if (user && !encrypted && !isLoopback(server.getHost())) {
            throw new ChannelSettingException(
                    MailProperties.Provider.SMTP,
                    "spring.mail.properties.mail.smtp.starttls.required",
                    "must be true (or spring.mail.protocol smtps) for a login to "
                            + server.getHost()
                            + ": the password would cross the network in clear text");
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost")
                || host.startsWith("127.")
                || host.equals("::1")
                || host.equals("[::1]");
    }

    private static void setUnlessSet(Properties settings, String name, Duration value) {
        if (!settings.containsKey(name)) {
            settings.setProperty(name, Long.toString(value.toMillis()));
        }
    }

    /** No idempotency key: a re-send after a lost answer can deliver twice. */
    @Override
    public boolean deduplicates() {
        return false;
    }

    /**
     * Sends over a connection of its own, rather than through {@link JavaMailSenderImpl#send}: that
     * folds every failure into one exception whose reply code must be dug out, and reports a failed
     * QUIT after the server took the mail as a failure, which would send it again.
     */
    @Override
    public ProviderResult send(OutgoingGreeting greeting) {
        String messageId = messageId(greeting);
        Transport transport = null;
        boolean connected = false;
        try {
            MimeMessage message = message(greeting, messageId);
            transport = server.getSession().getTransport(protocol);
            transport.connect(
                    server.getHost(),
                    server.getPort(),
                    blankAsNull(server.getUsername()),
                    blankAsNull(server.getPassword()));
            connected = true;
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            return SmtpFailures.classify(e, connected, greeting.email(), server.getPassword());
        } finally {
            close(transport);
        }
        return new ProviderResult.Delivered(messageId);
    }

    /**
     * {@code <greeting.{id}@{from domain}>}: the left part of a Message-ID must be a dot-atom,
     * which a greeting id ({@code {userId}:{OCCASION}:{date}}) is once its colons are dots.
     */
    private String messageId(OutgoingGreeting greeting) {
        return "<greeting." + greeting.id().replace(':', '.') + "@" + sender.domain() + ">";
    }

    private MimeMessage message(OutgoingGreeting greeting, String messageId)
            throws MessagingException {
        MimeMessage message = new GreetingMessage(server.getSession(), messageId);
        message.setFrom(sender.internetAddress());
        message.setRecipient(Message.RecipientType.TO, recipient(greeting));
        message.setSubject(greeting.subject(), UTF_8);
        if (greeting.html() == null) {
            message.setText(greeting.text(), UTF_8);
        } else {
            message.setContent(alternative(greeting.text(), greeting.html()));
        }
        for (Map.Entry<String, String> header :
                UnsubscribeHeaders.of(greeting.unsubscribe()).entrySet()) {
            message.setHeader(header.getKey(), header.getValue());
        }
        message.setSentDate(Date.from(clock.instant()));
        message.saveChanges();
        return message;
    }

    /**
     * The text first: a mail reader shows the last alternative it can, HTML where it renders it and
     * the text elsewhere (RFC 2046 §5.1.4).
     */
    private static MimeMultipart alternative(String text, String html) throws MessagingException {
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, UTF_8);
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, UTF_8, "html");
        return new MimeMultipart("alternative", plain, rich);
    }

    private static InternetAddress recipient(OutgoingGreeting greeting) {
        try {
            return new InternetAddress(greeting.email(), greeting.fullName(), UTF_8);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Once the server has taken the mail, a failure to say goodbye changes nothing. */
    private static void close(Transport transport) {
        if (transport == null) {
            return;
        }
        try {
            transport.close();
        } catch (MessagingException e) {
            // The outcome is already decided; the connection is dropped either way.
        }
    }
}
