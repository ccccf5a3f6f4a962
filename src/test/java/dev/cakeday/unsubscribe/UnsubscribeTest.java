package dev.cakeday.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * One-click unsubscribe (RFC 8058) from outside: the mailbox provider's POST, the confirm page a
 * scanner's GET finds, and an attacker's forged, tampered and replayed links.
 */
class UnsubscribeTest extends IntegrationTest {

    static final String ZONE = "Europe/Madrid";
    static final String ONE_CLICK = "List-Unsubscribe=One-Click";
    static final String FORM = "application/x-www-form-urlencoded";

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired UnsubscribeLinks links;
    @Autowired MeterRegistry meters;

    Api api;
    UUID user;

    @BeforeEach
    void aUserWithBothGreetingsPlanned() {
        api = new Api(port);
        LocalDate tomorrow = LocalDate.ofInstant(CLOCK.instant(), ZoneId.of(ZONE)).plusDays(1);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("firstName", "Ada");
        body.put("lastName", "Lovelace");
        body.put("email", "un" + UUID.randomUUID().toString().substring(0, 12) + "@example.com");
        body.put("birthday", tomorrow.withYear(1990).toString());
        body.put("timezone", ZONE);
        body.put("anniversary", tomorrow.withYear(2015).toString());
        Api.Response created = api.postJson("/user", Api.json(body));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        user = UUID.fromString(created.json().get("id").asString());
        assertThat(planned()).containsExactlyInAnyOrder("ANNIVERSARY", "BIRTHDAY");
    }

    @Test
    void theLinkIsTheConfiguredBaseUrlAndAUrlSafeToken() {
        URI link = links.link(user, "BIRTHDAY").orElseThrow();
        assertThat(link.toString())
                .startsWith("https://cakeday.example.com/unsubscribe/")
                .matches(
                        "https://cakeday\\.example\\.com/unsubscribe/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    void getShowsAConfirmButtonAndUnsubscribesNobody() {
        Api.Response page = api.get(path(links.link(user, "BIRTHDAY").orElseThrow()));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<form method=\"post\">", "Unsubscribe");
        assertThat(page.header("Cache-Control")).contains("no-store");
        assertThat(page.header("Content-Security-Policy"))
                .isEqualTo("default-src 'none'; form-action 'self'; frame-ancestors 'none'");
        assertThat(optOut()).isEmpty();
        assertThat(planned()).containsExactlyInAnyOrder("ANNIVERSARY", "BIRTHDAY");
    }

    @Test
    void theOneClickPostOptsOutOfThatOccasionAndCancelsItsPlannedGreeting() {
        Api.Response done = oneClick(path(links.link(user, "BIRTHDAY").orElseThrow()));

        assertThat(done.status()).isEqualTo(200);
        assertThat(done.contentType()).startsWith("text/html");
        assertThat(done.body()).contains("Unsubscribed");
        assertThat(optOut()).containsExactly("BIRTHDAY");
        assertThat(planned()).as("the anniversary stays").containsExactly("ANNIVERSARY");
        assertThat(
                        jdbc.sql("SELECT occasion FROM user_occasions WHERE user_id = ?")
                                .param(user)
                                .query(String.class)
                                .list())
                .containsExactly("ANNIVERSARY");
    }

    @Test
    void aReplayedLinkChangesNothingMoreAndAnswersTheSame() {
        String path = path(links.link(user, "ALL").orElseThrow());
        double optedOut = requests("opted_out");
        double unchanged = requests("unchanged");
        Api.Response first = oneClick(path);
        JsonNode after = api.get("/user/" + user).json();

        Api.Response again = oneClick(path);

        assertThat(again.status()).isEqualTo(first.status());
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(api.get("/user/" + user).json()).isEqualTo(after);
        assertThat(optOut()).containsExactly("ALL");
        assertThat(planned()).isEmpty();
        assertThat(requests("opted_out")).isEqualTo(optedOut + 1);
        assertThat(requests("unchanged")).isEqualTo(unchanged + 1);
    }

    private double requests(String outcome) {
        return meters.get("cakeday.unsubscribe.requests").tag("outcome", outcome).counter().count();
    }

    @Test
    void forgedAndTamperedLinksGetTheSamePageAndChangeNothing() {
        URI genuine = links.link(user, "BIRTHDAY").orElseThrow();
        String token = genuine.getPath().substring("/unsubscribe/".length());
        String payload = token.substring(0, token.indexOf('.'));
        String mac = token.substring(token.indexOf('.') + 1);
        UUID other = UUID.randomUUID();
        String otherToken =
                path(links.link(other, "BIRTHDAY").orElseThrow())
                        .substring("/unsubscribe/".length());
        UnsubscribeLinks foreign =
                new UnsubscribeLinks(
                        new UnsubscribeProperties(
                                "https://attacker.example",
                                "a-secret-the-attacker-chose-0123456789",
                                null));
        String expected = oneClick("/unsubscribe/forged").body();
        double refused = requests("refused");

        List<String> forged = new ArrayList<>();
        forged.add(payload + "." + flip(mac));
        forged.add(flip(payload) + "." + mac);
        forged.add(otherToken.substring(0, otherToken.indexOf('.')) + "." + mac);
        forged.add(payload + "." + otherToken.substring(otherToken.indexOf('.') + 1));
        forged.add(path(foreign.link(user, "BIRTHDAY").orElseThrow()).substring(13));
        forged.add(
                Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(
                                        (new String(
                                                                        Base64.getUrlDecoder()
                                                                                .decode(payload),
                                                                        java.nio.charset
                                                                                .StandardCharsets
                                                                                .ISO_8859_1)
                                                                .substring(0, 16)
                                                        + "ALL")
                                                .getBytes(
                                                        java.nio.charset.StandardCharsets
                                                                .ISO_8859_1))
                        + "."
                        + mac);
        forged.add(payload);
        forged.add(payload + ".");
        forged.add("." + mac);
        forged.add(payload + "." + mac.substring(0, 20));
        forged.add("%00" + token);
        forged.add("x".repeat(5_000));
        forged.add(token + "." + mac);
        forged.add(payload + "." + mac + "=");
        forged.add(payload + "=." + mac);
        for (String attempt : forged) {
            Api.Response response = oneClick("/unsubscribe/" + attempt);
            assertThat(response.status()).as(attempt).isIn(200, 400);
            if (response.status() == 200) {
                assertThat(response.body()).as(attempt).isEqualTo(expected);
            }
        }
        assertThat(optOut()).isEmpty();
        assertThat(planned()).containsExactlyInAnyOrder("ANNIVERSARY", "BIRTHDAY");
        assertThat(requests("refused"))
                .as("each forgery that reached the page is counted")
                .isGreaterThanOrEqualTo(refused + forged.size() - 1);
        assertThat(oneClick("/unsubscribe/" + otherToken).body())
                .as("a genuine link of nobody: the same page")
                .isEqualTo(expected);
    }

    @Test
    void theConfirmButtonPostsToTheSameLink() {
        String path = path(links.link(user, "ANNIVERSARY").orElseThrow());
        // The form has no action: the browser posts its field to the page's own URL.
        Api.Response done = api.send("POST", path, FORM, "List-Unsubscribe=One-Click");

        assertThat(done.status()).isEqualTo(200);
        assertThat(optOut()).containsExactly("ANNIVERSARY");
        assertThat(planned()).containsExactly("BIRTHDAY");
    }

    @Test
    void aClientThatAcceptsNoHtmlIsUnsubscribedAllTheSame() {
        String path = path(links.link(user, "BIRTHDAY").orElseThrow());

        Api.Response done =
                api.send(
                        java.net.http.HttpRequest.newBuilder(api.uri(path))
                                .header("Accept", "application/json")
                                .header("Content-Type", FORM)
                                .POST(
                                        java.net.http.HttpRequest.BodyPublishers.ofString(
                                                ONE_CLICK)));

        assertThat(done.status()).isEqualTo(200);
        assertThat(optOut()).containsExactly("BIRTHDAY");
    }

    private Api.Response oneClick(String path) {
        return api.send("POST", path, FORM, ONE_CLICK);
    }

    private static String path(URI link) {
        return link.getRawPath();
    }

    /** The text with its middle character changed: a different token, not another spelling. */
    private static String flip(String text) {
        int middle = text.length() / 2;
        char c = text.charAt(middle);
        return text.substring(0, middle) + (c == 'A' ? 'B' : 'A') + text.substring(middle + 1);
    }

    private List<String> optOut() {
        List<String> names = new ArrayList<>();
        api.get("/user/" + user).json().get("optOut").forEach(name -> names.add(name.asString()));
        return names;
    }

    private List<String> planned() {
        return jdbc.sql(
                        "SELECT split_part(task_instance, ':', 2) FROM scheduled_tasks"
                                + " WHERE task_name = 'greeting' AND task_instance LIKE ?")
                .param(user + ":%")
                .query(String.class)
                .list();
    }
}
