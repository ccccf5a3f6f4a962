package dev.cakeday.mail.smtp;

import dev.cakeday.mail.Emails;
import dev.cakeday.mail.ProviderResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * How a failed SMTP exchange reads as a {@link ProviderResult}. SMTP has no status per request as
 * HTTP has: what a reply code means depends on the command it answers, which Angus Mail tells by
 * the type of the exception it chains.
 */
final class SmtpFailures {

    // RFC 4954: authentication required, mechanism too weak, credentials invalid, encryption
    // required for the mechanism. About the login, whichever command they answer.
    private static final Set<Integer> AUTHENTICATION = Set.of(530, 534, 535, 538);
    // "550 5.1.1 ...": the class 5, then subject and detail.
    private static final Pattern ENHANCED_CODE =
            Pattern.compile("^\\d{3}[ -]5\\.(\\d{1,3})\\.(\\d{1,3})(?:\\s|$)");
    private static final Set<Integer> MAIL_ADDRESS_DETAILS = Set.of(1, 2, 3, 4, 6, 10);
    private static final Set<Integer> SENDER_DETAILS = Set.of(7, 8);
    // Words of refusals about the client or its sender, from servers that give no enhanced code.
    private static final List<String> SETUP_WORDS =
            List.of("relay", "sender", "client host", "authenticat", "not permitted");
    // An AuthenticationFailedException whose message does not start with a reply code.
    private static final int NO_REPLY_CODE = 0;

    private SmtpFailures() {}

    /** What the server refused, as the reason names it. */
    private enum Refused {
        LOGIN("login refused"),
        SENDER("sender refused"),
        RECIPIENT("recipient refused"),
        SENDING("sending refused");

        final String words;

        Refused(String words) {
            this.words = words;
        }
    }

    private record Reply(Refused refused, int code, String said) {}

    /**
     * The result of a failed send to {@code recipient}. The recipient is masked in the reason as
     * the logs mask it, and the password, should a server ever echo it, is blanked. {@code
     * connected}: the failure came while the message was being sent, so a connection that broke
     * without a reply may have broken after the server took the mail.
     */
    static ProviderResult classify(
            MessagingException failure, boolean connected, String recipient, String password) {
        Reply reply = reply(failure);
        if (reply == null) {
            return new ProviderResult.Unavailable(
                    reason(describe(failure), recipient, password), null, connected);
        }
        String reason = reason(reply.refused().words + ": " + reply.said(), recipient, password);
        int code = reply.code();
        if (reply.refused() == Refused.LOGIN || AUTHENTICATION.contains(code)) {
            return new ProviderResult.Misconfigured(code, reason);
        }
        if (code >= 500 && code <= 599) {
            return aboutThisMail(reply)
                    ? new ProviderResult.Rejected(code, reason)
                    : new ProviderResult.Misconfigured(code, reason);
        }
        // 4xx, and replies no client should get: temporary as far as Cakeday can tell.
        return new ProviderResult.Unavailable(reason, null);
    }

    /**
     * The reply that says most: Angus Mail reports a refused recipient as a SendFailedException
     * chaining one SMTPAddressFailedException per address, and a refused sender as an
     * SMTPSendFailedException chaining an SMTPSenderFailedException.
     */
    private static Reply reply(MessagingException failure) {
        Reply sending = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationFailedException) {
                return new Reply(Refused.LOGIN, leadingCode(t.getMessage()), said(t));
            }
            if (t instanceof SMTPSenderFailedException e) {
                return new Reply(Refused.SENDER, e.getReturnCode(), said(e));
            }
            if (t instanceof SMTPAddressFailedException e) {
                return new Reply(Refused.RECIPIENT, e.getReturnCode(), said(e));
            }
            // A return code of -1 is no reply at all: the server closed the connection.
            if (sending == null
                    && t instanceof SMTPSendFailedException e
                    && e.getReturnCode() > 0) {
                sending = new Reply(Refused.SENDING, e.getReturnCode(), said(e));
            }
        }
        return sending;
    }

    /**
     * Whether a refusal for good judges this mail (its recipient, its size, its content), so that
     * it is FAILED, rather than Cakeday's setup (the sender, a login, a relay, a policy about this
     * client), which every greeting would meet and which is retried and alerted on instead. Servers
     * often answer the recipient for a setup fault ("553 5.7.1 Sender address rejected", "554 5.7.1
     * Relay access denied"), so the enhanced status code (RFC 3463) decides where it is clear:
     * security and policy (5.7.x) and the sender's address (5.1.7, 5.1.8) are setup; bad
     * destination addresses (5.1.1 to 5.1.4, 5.1.6, 5.1.10), mailbox status (5.2.x), a message too
     * big (5.3.4), an unroutable destination (5.4.4) and media or content (5.6.x) judge the mail.
     * Otherwise the words do.
     */
    private static boolean aboutThisMail(Reply reply) {
        if (reply.refused() == Refused.SENDER) {
            return false;
        }
        Matcher enhanced = ENHANCED_CODE.matcher(reply.said());
        if (enhanced.find()) {
            int subject = Integer.parseInt(enhanced.group(1));
            int detail = Integer.parseInt(enhanced.group(2));
            if (subject == 7 || subject == 1 && SENDER_DETAILS.contains(detail)) {
                return false;
            }
            if (subject == 1 && MAIL_ADDRESS_DETAILS.contains(detail)
                    || subject == 2
                    || subject == 3 && detail == 4
                    || subject == 4 && detail == 4
                    || subject == 6) {
                return true;
            }
        }
        String said = reply.said().toLowerCase(Locale.ROOT);
        return SETUP_WORDS.stream().noneMatch(said::contains);
    }

    private static int leadingCode(String said) {
        if (said != null
                && said.length() >= 3
                && said.substring(0, 3).chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(said.substring(0, 3));
        }
        return NO_REPLY_CODE;
    }

    /** The server's reply as one line (multi-line replies arrive joined by newlines). */
    private static String said(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** No reply to read: every exception of the chain, such as the connect error and its cause. */
    private static String describe(MessagingException failure) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            parts.add(t.getClass().getSimpleName() + ": " + said(t));
        }
        return String.join("; ", parts);
    }

    private static String reason(String text, String recipient, String password) {
        String reason = text;
        if (recipient != null && !recipient.isEmpty()) {
            reason = reason.replace(recipient, Emails.mask(recipient));
        }
        if (password != null && !password.isEmpty()) {
            reason = reason.replace(password, "***");
        }
        return ProviderResult.shortened(reason);
    }
}
