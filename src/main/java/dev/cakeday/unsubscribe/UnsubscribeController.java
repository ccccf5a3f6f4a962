package dev.cakeday.unsubscribe;

import dev.cakeday.user.UserService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The one-click unsubscribe of RFC 8058, open to anyone holding a link: the link's HMAC is the
 * authority. {@code GET} only shows a confirm button, since mail scanners follow links; {@code
 * POST} (the mailbox provider's one click, or the button) opts the user out. Every request gets the
 * same page and status, whether the token verified, the user exists or was opted out already, so
 * the page tells nothing about anyone.
 */
@RestController
@Tag(name = "Unsubscribe", description = "One-click unsubscribe links (RFC 8058); no token needed")
class UnsubscribeController {

    private static final Logger log = LoggerFactory.getLogger(UnsubscribeController.class);

    static final String CONFIRM_PAGE =
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Unsubscribe</title></head>
            <body><h1>Unsubscribe from these greetings?</h1>
            <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit">Unsubscribe</button></form></body></html>
            """;

    static final String DONE_PAGE =
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Unsubscribed</title></head>
            <body><h1>Unsubscribed</h1>
            <p>If this link was valid, you will receive no more of these greetings.</p></body></html>
            """;

    private final UnsubscribeLinks links;
    private final UserService users;
    private final Counter optedOut;
    private final Counter unchanged;
    private final Counter refused;

    UnsubscribeController(UnsubscribeLinks links, UserService users, MeterRegistry meters) {
        this.links = links;
        this.users = users;
        this.optedOut = requests(meters, "opted_out");
        this.unchanged = requests(meters, "unchanged");
        this.refused = requests(meters, "refused");
    }

    private static Counter requests(MeterRegistry meters, String outcome) {
        return Counter.builder("cakeday.unsubscribe.requests")
                .description(
                        "One-click unsubscribe POSTs, by outcome: opted_out, unchanged, refused")
                .tag("outcome", outcome)
                .register(meters);
    }

    @Operation(
            summary = "Confirm page of an unsubscribe link",
            description = "Shows a button that POSTs to the same URL; it unsubscribes nobody.")
    @ApiResponse(responseCode = "200", description = "The page, for every token")
    @GetMapping("/unsubscribe/{token}")
    ResponseEntity<String> confirm(@PathVariable String token) {
        return page(CONFIRM_PAGE);
    }

    @Operation(
            summary = "Unsubscribe (RFC 8058 one-click)",
            description =
                    "Opts the link's user out of the link's occasion (or of all). Idempotent; the same"
                            + " page answers a valid, a replayed and a forged token.")
    @ApiResponse(responseCode = "200", description = "The page, for every token")
    // Whatever Accept a mailbox provider sends: RFC 8058 asks only for the POST.
    @PostMapping("/unsubscribe/{token}")
    ResponseEntity<String> unsubscribe(@PathVariable String token) {
        Optional<UnsubscribeRequest> request = links.verify(token);
        if (request.isEmpty()) {
            refused.increment();
            log.info("unsubscribe outcome=REFUSED: the token does not verify");
        } else if (users.optOut(request.get().userId(), request.get().scope())) {
            optedOut.increment();
            log.info(
                    "unsubscribe outcome=OPTED_OUT user={} scope={}",
                    request.get().userId(),
                    request.get().scope());
        } else {
            unchanged.increment();
            log.info(
                    "unsubscribe outcome=UNCHANGED user={} scope={}: opted out already, or no such user",
                    request.get().userId(),
                    request.get().scope());
        }
        return page(DONE_PAGE);
    }

    private static ResponseEntity<String> page(String html) {
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("Referrer-Policy", "no-referrer")
                // The pages hold no script, style or image: the form posting to itself is all.
                .header(
                        "Content-Security-Policy",
                        "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
                .body(html);
    }
}
