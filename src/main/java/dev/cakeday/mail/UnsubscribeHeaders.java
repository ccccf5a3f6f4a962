package dev.cakeday.mail;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mail headers of one-click unsubscribe (RFC 8058 §3.1), which the email channels send as their
 * provider takes headers: with both, a mailbox provider may show an unsubscribe button that POSTs
 * {@code List-Unsubscribe=One-Click} to the link.
 */
public final class UnsubscribeHeaders {

    private UnsubscribeHeaders() {}

    /**
     * {@code List-Unsubscribe} and {@code List-Unsubscribe-Post} in that order; none without a
     * link.
     */
    public static Map<String, String> of(URI link) {
        if (link == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        // A header is ASCII: a character beyond it is percent-encoded, not sent raw.
        headers.put("List-Unsubscribe", "<" + link.toASCIIString() + ">");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return Collections.unmodifiableMap(headers);
    }
}
