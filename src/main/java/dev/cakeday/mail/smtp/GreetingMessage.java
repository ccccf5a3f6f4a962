package dev.cakeday.mail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A message whose Message-ID is given, not generated: Jakarta Mail writes a new random one each
 * time a message is saved, and a greeting sent again should carry the id it had the first time.
 */
final class GreetingMessage extends MimeMessage {

    private final String messageId;

    GreetingMessage(Session session, String messageId) {
        super(session);
        this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }
}
