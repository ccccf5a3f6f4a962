package dev.cakeday.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.support.Api;
import dev.cakeday.support.FakeProvider;
import dev.cakeday.support.HeadlessChromium;
import dev.cakeday.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The operator console in a real browser (headless Chromium) against the running service, its
 * PostgreSQL and the fake provider, with the data made through the API (and, where the API would
 * refuse it, SQL): what the page shows must be what the database holds, a retry must go through, a
 * reader must not see one, and text from the database must stay text. Screenshots of the main views
 * go to target/console-screenshots/.
 *
 * <p>Its own context, for the tokens; the context is closed afterwards so that its scheduler stops
 * polling the shared database.
 */
@TestPropertySource(
        properties = {
            "cakeday.api.tokens[0].name=console-admin",
            "cakeday.api.tokens[0].token=" + ConsoleBrowserTest.ADMIN_TOKEN,
            "cakeday.api.tokens[0].role=admin",
            "cakeday.api.tokens[1].name=console-reader",
            "cakeday.api.tokens[1].token=" + ConsoleBrowserTest.READER_TOKEN,
            "cakeday.api.tokens[1].role=reader"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest extends IntegrationTest {

    static final String ADMIN_TOKEN = "console-admin-token-4f1c9a";
    static final String READER_TOKEN = "console-reader-token-8b2e7d";
    static final String HTML_NAME = "<img src=x onerror=alert(1)>";
    static final String PROVIDER_REASON =
            "{\"error\":\"no such mailbox <img src=x onerror=alert(2)>\"}";
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    static final Duration WAIT = Duration.ofSeconds(15);

    /** Zones with a whole range of offsets, so that one is always at the local hour needed. */
    static final List<String> ZONES =
            List.of(
                    "Pacific/Kiritimati",
                    "Pacific/Auckland",
                    "Australia/Brisbane",
                    "Asia/Tokyo",
                    "Asia/Shanghai",
                    "Asia/Bangkok",
                    "Asia/Dhaka",
                    "Asia/Kolkata",
                    "Asia/Karachi",
                    "Asia/Dubai",
                    "Europe/Istanbul",
                    "Africa/Cairo",
                    "Africa/Lagos",
                    "UTC",
                    "Atlantic/Cape_Verde",
                    "America/Noronha",
                    "America/Sao_Paulo",
                    "America/Halifax",
                    "America/New_York",
                    "America/Chicago",
                    "America/Denver",
                    "America/Los_Angeles",
                    "America/Anchorage",
                    "Pacific/Honolulu",
                    "Pacific/Pago_Pago");

    /**
     * Emails, or "email OCCASION", the provider refuses for good (400, with HTML in its reason).
     */
    static final Set<String> REFUSED = ConcurrentHashMap.newKeySet();

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;

    Api api;
    HeadlessChromium chromium;
    ChromeDriver browser;

    /** The greeting the admin retries in the page, and its user's email. */
    String retriedGreeting;

    String retriedEmail;

    /** An EXPIRED greeting past max-lateness, which only a forced retry sends. */
    String forcedGreeting;

    UUID timelineUser;
    String timelineEmail;
    UUID htmlUser;

    @BeforeAll
    void startBrowserAndPlantData() {
        api = new Api(port);
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
        PROVIDER.reset();
        REFUSED.clear();
        PROVIDER.answer(
                call ->
                        refused(call)
                                ? FakeProvider.status(400, PROVIDER_REASON)
                                : FakeProvider.accept(call));
        jdbc.sql("DELETE FROM scheduled_tasks WHERE task_name = 'greeting'").update();
        jdbc.sql("DELETE FROM greetings").update();
        jdbc.sql("DELETE FROM users").update();
        plantUpcomingGreetings();
        plantTodaysGreetings();
        plantAnExpiredGreeting(4);
        forcedGreeting = plantAnExpiredGreeting(5);
        plantATimeline();
        plantAUserNamedInHtml();
    }

    /** Refused: an email in {@link #REFUSED}, or an email and an occasion ("a@b.c ANNIVERSARY"). */
    static boolean refused(FakeProvider.Call call) {
        String occasion = call.idempotencyKey() == null ? "" : call.idempotencyKey().split(":")[1];
        return REFUSED.contains(call.email()) || REFUSED.contains(call.email() + " " + occasion);
    }

    @AfterAll
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
        PROVIDER.reset();
    }

    /** No page may break its policy or throw: the console's log has neither. */
    @AfterEach
    void theBrowserLoggedNoPolicyViolationAndNoError() {
        assertThat(chromium.consoleMessages())
                .as("Content-Security-Policy violations and uncaught errors in the browser")
                .filteredOn(
                        line ->
                                line.contains("Content Security Policy")
                                        || line.contains("Uncaught"))
                .isEmpty();
    }

    // ---- The page and its headers ----

    @Test
    void thePageAndItsAssetsAnswerWithoutATokenUnderAStrictPolicyWhileTheDataNeedsOne() {
        for (String path : List.of("/console", "/console/", "/console/index.html")) {
            Api.Response page = api.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.contentType()).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("<title>Cakeday console</title>");
            assertStrictHeaders(page, path);
        }
        for (String path : List.of("/console/console.js", "/console/console.css")) {
            Api.Response asset = api.get(path);
            assertThat(asset.status()).as(path).isEqualTo(200);
            assertStrictHeaders(asset, path);
        }
        String html = api.get("/console").body();
        // What index.html loads exists: uPlot's version in its paths is the pom's.
        for (String asset : List.of("uPlot.iife.min.js", "uPlot.min.css")) {
            String path = "/webjars/uplot/1.6.30/dist/" + asset;
            assertThat(html).contains(path);
            assertThat(api.get(path).status()).as(path).isEqualTo(200);
        }
        // Nothing inline that a strict policy would have to allow.
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
        assertThat(html).doesNotContainPattern("(?i)<[^>]+\\sstyle\\s*=");
        assertThat(html).doesNotContainPattern("(?i)<[^>]+\\son[a-z]+\\s*=");
        assertThat(html).doesNotContain("<style");
        assertThat(api.get("/console/console.js").body())
                .doesNotContain("innerHTML")
                .doesNotContain("eval(")
                .doesNotContain("new Function");

        assertThat(api.get("/greetings/status").status()).isEqualTo(401);
        assertThat(api.get("/greetings?status=FAILED").status()).isEqualTo(401);
        assertThat(api.get("/user?limit=1").status()).isEqualTo(401);
    }

    static void assertStrictHeaders(Api.Response response, String path) {
        assertThat(response.header("Content-Security-Policy"))
                .as("policy of %s", path)
                .isEqualTo(
                        "default-src 'none'; script-src 'self'; style-src 'self';"
                                + " connect-src 'self'; img-src 'self' data:; base-uri 'none';"
                                + " form-action 'none'; frame-ancestors 'none'");
        assertThat(response.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        assertThat(response.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
    }

    // ---- Signing in ----

    @Test
    void theTokenIsKeptInSessionStorageOnlyNeverInTheUrlAndSignOutForgetsIt() {
        signIn(ADMIN_TOKEN);
        assertThat(browser.getCurrentUrl()).doesNotContain(ADMIN_TOKEN).endsWith("/console");
        assertThat(script("return sessionStorage.getItem('cakeday.console.token')"))
                .isEqualTo(ADMIN_TOKEN);
        assertThat(script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.manage().getCookies()).isEmpty();
        assertThat(script("return document.documentElement.outerHTML").toString())
                .doesNotContain(ADMIN_TOKEN);
        assertThat(text("#role")).isEqualTo("Signed in: admin");

        click("#sign-out");
        waitUntil("the sign-in form", () -> displayed("#signin") && !displayed("#app"));
        assertThat(script("return sessionStorage.getItem('cakeday.console.token')")).isNull();
        assertThat(browser.getCurrentUrl()).doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void aRefusedTokenSendsThePersonBackToSignIn() {
        open();
        type("#token", "not-a-token");
        click("#signin-submit");
        waitUntil("the refusal", () -> text("#signin-error").contains("401"));
        assertThat(displayed("#app")).isFalse();
        assertThat(script("return sessionStorage.getItem('cakeday.console.token')")).isNull();
        assertThat(browser.getCurrentUrl()).doesNotContain("not-a-token");

        // A token that stops working mid-session (rotated away) does the same on the next call.
        signIn(ADMIN_TOKEN);
        script("sessionStorage.setItem('cakeday.console.token', 'rotated-away')");
        click("#refresh");
        waitUntil("the sign-in form", () -> displayed("#signin") && !displayed("#app"));
        assertThat(text("#signin-error")).contains("Sign in again");
    }

    // ---- Overview: the next 24 hours and the last 7 days ----

    @Test
    void theChartAndTheSummaryShowWhatTheDatabaseHolds() {
        signIn(ADMIN_TOKEN);

        List<String> columns =
                browser.findElements(By.cssSelector("#upcoming-head th")).stream()
                        .map(ConsoleBrowserTest::text)
                        .toList();
        assertThat(columns).containsExactly("Hour (UTC)", "Anniversary", "Birthday", "Total");
        List<WebElement> hours = browser.findElements(By.cssSelector("#upcoming-table tbody tr"));
        assertThat(hours).hasSize(24);
        long shown = 0;
        for (WebElement hour : hours) {
            Instant start = Instant.parse(hour.getDomAttribute("data-start"));
            // A row already overdue counts in the first hour.
            Instant after = shown == 0 && hour.equals(hours.get(0)) ? Instant.EPOCH : start;
            Map<String, Long> planned = plannedIn(after, start.plus(1, ChronoUnit.HOURS));
            long total = planned.values().stream().mapToLong(n -> n).sum();
            assertThat(cells(hour))
                    .as("the hour from %s: anniversaries, birthdays, all", start)
                    .containsExactly(
                            utc(start),
                            count(planned, "ANNIVERSARY"),
                            count(planned, "BIRTHDAY"),
                            String.valueOf(total));
            shown += total;
        }
        assertThat(shown).as("greetings planned in the next 24 hours").isGreaterThanOrEqualTo(8);
        assertThat(text("#upcoming-total")).startsWith(shown + " greetings planned");
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).hasSize(1);
        assertThat(text("#chart .u-legend")).contains("Birthday").contains("Anniversary");

        List<WebElement> days = browser.findElements(By.cssSelector("#summary-table tbody tr"));
        assertThat(days).hasSize(7);
        LocalDate today = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
        assertThat(days.get(0).getDomAttribute("data-date")).isEqualTo(today.toString());
        for (WebElement day : days) {
            LocalDate date = LocalDate.parse(day.getDomAttribute("data-date"));
            Map<String, Long> logged = loggedOn(date);
            List<String> cells = cells(day);
            assertThat(cells.subList(1, 6))
                    .as("sent, failed, expired, skipped, sending on %s", date)
                    .containsExactly(
                            count(logged, "SENT"),
                            count(logged, "FAILED"),
                            count(logged, "EXPIRED"),
                            count(logged, "SKIPPED"),
                            count(logged, "SENDING"));
        }
        Map<String, Long> todays = loggedOn(today);
        assertThat(text("#today dd[data-field=sent]")).isEqualTo(count(todays, "SENT"));
        assertThat(text("#today dd[data-field=failed]")).isEqualTo(count(todays, "FAILED"));
        assertThat(Long.parseLong(text("#today dd[data-field=sent]"))).isPositive();
        assertThat(text("#today dd[data-field=latenessP50Ms]")).matches("[0-9.]+ (ms|s|min|h|d)");
        assertThat(text("#breaker"))
                .isEqualTo(
                        call("GET", "/greetings/status", READER_TOKEN)
                                .json()
                                .get("circuitBreaker")
                                .asString());
        assertThat(text("#lag")).matches("[0-9.]+ (ms|s|min|h|d)");

        chromium.screenshot(SCREENSHOTS.resolve("overview.png"), 1500);
    }

    // ---- Failed and expired ----

    @Test
    void theFailedListShowsTheFailedAndExpiredGreetingsOfTheDatabaseWithTheirReasons() {
        signIn(ADMIN_TOKEN);
        click(".view-tab[data-view=problems]");
        waitUntil("the list", () -> displayed("#problems-table"));

        List<Map<String, Object>> logged =
                jdbc.sql(
                                """
                        SELECT g.id, g.status, g.last_error, g.attempts, u.email
                        FROM greetings g LEFT JOIN users u ON u.id = g.user_id
                        WHERE g.status IN ('FAILED', 'EXPIRED')
                        ORDER BY g.local_date DESC, g.id DESC""")
                        .query()
                        .listOfRows();
        assertThat(logged).hasSizeGreaterThanOrEqualTo(3);
        List<WebElement> rows = browser.findElements(By.cssSelector("#problems-table tbody tr"));
        assertThat(rows.stream().map(r -> r.getDomAttribute("data-greeting-id")))
                .containsExactlyElementsOf(logged.stream().map(r -> (String) r.get("id")).toList());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> db = logged.get(i);
            WebElement row = rows.get(i);
            assertThat(text(row.findElement(By.cssSelector(".status"))))
                    .isEqualTo(db.get("status"));
            assertThat(text(row.findElement(By.cssSelector(".reason"))))
                    .as("the provider's reason, as text")
                    .isEqualTo(db.get("last_error"));
            assertThat(text(row.findElement(By.cssSelector(".attempts"))))
                    .isEqualTo(String.valueOf(db.get("attempts")));
            String email = (String) db.get("email");
            String user = text(row.findElement(By.cssSelector(".user")));
            assertThat(user).as("masked").doesNotContain(email).contains("***@example.com");
            assertThat(user.charAt(0)).isEqualTo(email.charAt(0));
        }
        assertThat(rows)
                .filteredOn(r -> "FAILED".equals(r.getDomAttribute("data-status")))
                .allSatisfy(
                        r ->
                                assertThat(text(r.findElement(By.cssSelector(".reason"))))
                                        .contains("<img src=x onerror=alert(2)>"));
        assertThat(browser.findElements(By.cssSelector("#problems-table button.retry")))
                .hasSize(rows.size());
        for (Map<String, Object> db : logged) {
            assertThat(browser.getPageSource()).doesNotContain((String) db.get("email"));
        }
        assertNoImageAndNoAlert();

        chromium.screenshot(SCREENSHOTS.resolve("failed.png"), 1200);
    }

    @Test
    void anAdminRetriesAFailedGreetingAndSeesItSentOnceTheProviderAcceptsIt() {
        assertThat(logStatus(retriedGreeting)).isEqualTo("FAILED");
        REFUSED.remove(retriedEmail); // the provider takes it now
        signIn(ADMIN_TOKEN);
        click(".view-tab[data-view=problems]");
        String row = "#problems-table tr[data-greeting-id='" + retriedGreeting + "']";
        waitUntil("the failed greeting's row", () -> displayed(row));
        assertThat(browser.findElement(By.cssSelector(row)).getDomAttribute("data-status"))
                .isEqualTo("FAILED");

        click(row + " button.retry");

        waitUntil(
                "the row to say SENT",
                () ->
                        "SENT"
                                .equals(
                                        browser.findElement(By.cssSelector(row))
                                                .getDomAttribute("data-status")));
        assertThat(text(row + " .status")).isEqualTo("SENT");
        assertThat(text(row + " .retried")).startsWith("Retried by console-admin at ");
        assertThat(browser.findElements(By.cssSelector(row + " button.retry"))).isEmpty();
        assertThat(logStatus(retriedGreeting)).isEqualTo("SENT");
        assertThat(
                        jdbc.sql("SELECT retried_by FROM greetings WHERE id = ?")
                                .param(retriedGreeting)
                                .query(String.class)
                                .single())
                .isEqualTo("console-admin");
        assertThat(PROVIDER.calls(call -> retriedGreeting.equals(call.idempotencyKey())))
                .as("the refused call, then the retry under the same Idempotency-Key")
                .extracting(FakeProvider.Call::status)
                .containsExactly(400, 200);
    }

    @Test
    void aRetryPastMaxLatenessIsRefusedWithTheReasonAndSentWhenForced() {
        signIn(ADMIN_TOKEN);
        click(".view-tab[data-view=problems]");
        String row = "#problems-table tr[data-greeting-id='" + forcedGreeting + "']";
        waitUntil("the expired greeting's row", () -> displayed(row));

        click(row + " button.retry");
        waitUntil("the refusal", () -> text(row + " .retry-note").contains("PAST_MAX_LATENESS"));
        assertThat(text(row + " button.retry")).isEqualTo("Retry anyway");
        assertThat(logStatus(forcedGreeting)).isEqualTo("EXPIRED");

        click(row + " button.retry");
        waitUntil(
                "the row to say SENT",
                () ->
                        "SENT"
                                .equals(
                                        browser.findElement(By.cssSelector(row))
                                                .getDomAttribute("data-status")));
        assertThat(logStatus(forcedGreeting)).isEqualTo("SENT");
        assertThat(
                        jdbc.sql("SELECT forced FROM greeting_retries WHERE greeting_id = ?")
                                .param(forcedGreeting)
                                .query(Boolean.class)
                                .list())
                .as("one request, forced; the refused one was not recorded")
                .containsExactly(true);
    }

    @Test
    void aReaderSeesTheListButNoRetryButton() {
        signIn(READER_TOKEN);
        assertThat(text("#role")).isEqualTo("Signed in: reader (read only)");
        click(".view-tab[data-view=problems]");
        waitUntil("the list", () -> displayed("#problems-table"));
        assertThat(browser.findElements(By.cssSelector("#problems-table tbody tr"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("button.retry"))).isEmpty();

        openTimeline(timelineEmail);
        assertThat(browser.findElements(By.cssSelector("#timeline li[data-status=FAILED]")))
                .isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("button.retry"))).isEmpty();
    }

    // ---- A user's timeline ----

    @Test
    void aSearchByEmailShowsTheUsersTimelinePlannedSentFailedAndRetried() {
        signIn(ADMIN_TOKEN);
        openTimeline(timelineEmail.toUpperCase(Locale.ROOT));

        assertThat(text("#user-name")).isEqualTo("Grace Hopper");
        assertThat(text("#user-facts dd[data-field=email]"))
                .as("the user asked for is shown unmasked")
                .isEqualTo(timelineEmail);
        assertThat(text("#user-facts dd[data-field=id]")).isEqualTo(timelineUser.toString());

        Map<String, String> statuses = new LinkedHashMap<>();
        for (WebElement item : browser.findElements(By.cssSelector("#timeline li"))) {
            statuses.put(
                    item.getDomAttribute("data-greeting-id"), item.getDomAttribute("data-status"));
        }
        Map<String, String> logged =
                jdbc
                        .sql("SELECT id, status FROM greetings WHERE user_id = ?")
                        .param(timelineUser)
                        .query()
                        .listOfRows()
                        .stream()
                        .collect(
                                Collectors.toMap(
                                        r -> (String) r.get("id"), r -> (String) r.get("status")));
        assertThat(statuses).containsAllEntriesOf(logged);
        assertThat(statuses.values()).contains("PLANNED", "SENT", "FAILED");
        assertThat(statuses.values().stream().toList().indexOf("PLANNED"))
                .as("planned first")
                .isZero();

        String failed =
                logged.entrySet().stream()
                        .filter(e -> e.getValue().equals("FAILED"))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElseThrow();
        String item = "#timeline li[data-greeting-id='" + failed + "']";
        assertThat(text(item + " .reason")).isEqualTo("Reason: " + lastError(failed));
        assertThat(text(item + " .retried")).startsWith("Retried by console-admin at ");
        assertThat(browser.findElements(By.cssSelector(item + " button.retry"))).hasSize(1);

        chromium.screenshot(SCREENSHOTS.resolve("timeline.png"), 1200);
    }

    @Test
    void aNameMadeOfHtmlIsShownAsTextAndRunsNothing() {
        signIn(ADMIN_TOKEN);
        openTimeline(htmlUser.toString());

        assertThat(text("#user-name")).isEqualTo(HTML_NAME + " Tables");
        assertNoImageAndNoAlert();
    }

    // ---- A phone ----

    @Test
    void onAPhoneThePageFitsTheScreenAndTablesScrollInTheirBox() {
        try {
            chromium.viewport(390, 844, 2, true);
            signIn(ADMIN_TOKEN);
            assertThat(script("return document.documentElement.scrollWidth"))
                    .as("no sideways scrolling of the page")
                    .isEqualTo(390L);
            assertThat(
                            ((Number)
                                            script(
                                                    "return document.querySelector('#chart canvas').getBoundingClientRect().right"))
                                    .doubleValue())
                    .isLessThanOrEqualTo(390);
            chromium.screenshot(SCREENSHOTS.resolve("phone.png"), 844);

            click(".view-tab[data-view=problems]");
            waitUntil("the list", () -> displayed("#problems-table"));
            assertThat(script("return document.documentElement.scrollWidth")).isEqualTo(390L);
            assertThat(
                            (Boolean)
                                    script(
                                            "const box = document.querySelector('#view-problems .table-scroll');"
                                                    + " return box.scrollWidth > box.clientWidth"
                                                    + " && getComputedStyle(box).overflowX === 'auto'"))
                    .as("the wide table scrolls inside its box")
                    .isTrue();
        } finally {
            chromium.viewport(1280, 800, 1, false);
        }
    }

    // ---- Data ----

    /**
     * Users whose next greeting at 09:00 local falls 10 minutes to 23 hours from now. Birth years
     * here are leap years, so that a Feb 29 stays Feb 29.
     */
    void plantUpcomingGreetings() {
        Instant now = CLOCK.instant();
        int index = 0;
        for (String zone : ZONES) {
            ZonedDateTime next = nextNineOClock(zone, now);
            Duration ahead = Duration.between(now, next.toInstant());
            if (ahead.compareTo(Duration.ofMinutes(10)) < 0
                    || ahead.compareTo(Duration.ofHours(23)) > 0) {
                continue;
            }
            LocalDate date = next.toLocalDate();
            // Uneven bars: some hours two or three greetings, one an anniversary.
            int users = index % 3 + 1;
            for (int i = 0; i < users; i++) {
                createUser("Ada", "Lovelace", "planned", zone, date.withYear(1992), null);
            }
            if (index % 4 == 0) {
                createUser(
                        "Anne",
                        "Bonny",
                        "anniversary",
                        zone,
                        date.plusMonths(6).withYear(1992),
                        date.withYear(2016));
            }
            index++;
        }
    }

    /**
     * Today's greetings of users in a zone where it is past 09:00 today (and today is the UTC
     * date): sent at once, or refused by the provider. One of the refused is the one to retry.
     */
    void plantTodaysGreetings() {
        String zone = zoneAfterNine();
        LocalDate today = LocalDate.now(CLOCK.withZone(ZoneId.of(zone)));
        for (int i = 0; i < 3; i++) {
            UUID id = createUser("Mary", "Somerville", "sent", zone, today.withYear(1984), null);
            awaitLog(greetingId(id, "BIRTHDAY", today), "SENT");
        }
        for (int i = 0; i < 2; i++) {
            String email = email("refused");
            REFUSED.add(email);
            UUID id = createUser("Emmy", "Noether", email, zone, today.withYear(1980), null);
            awaitLog(greetingId(id, "BIRTHDAY", today), "FAILED");
        }
        retriedEmail = email("retried");
        REFUSED.add(retriedEmail);
        UUID id = createUser("Hedy", "Lamarr", retriedEmail, zone, today.withYear(1984), null);
        retriedGreeting = greetingId(id, "BIRTHDAY", today);
        awaitLog(retriedGreeting, "FAILED");
    }

    /**
     * A greeting that could not go out within max-lateness, as the log records it, of a user who
     * has existed for a month; its id.
     */
    String plantAnExpiredGreeting(int daysAgo) {
        LocalDate date = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC).minusDays(daysAgo);
        UUID id = createUser("Sofia", "Kovalevskaya", "expired", "UTC", date.withYear(1980), null);
        Instant due = date.atTime(LocalTime.of(9, 0)).toInstant(ZoneOffset.UTC);
        Instant created = due.minus(Duration.ofDays(30));
        jdbc.sql("UPDATE users SET created_at = :at, updated_at = :at WHERE id = :id")
                .param("at", Timestamp.from(created))
                .param("id", id)
                .update();
        jdbc.sql(
                        "UPDATE user_occasions SET owed_since = :at, owed_from = :from WHERE user_id = :id")
                .param("at", Timestamp.from(created))
                .param("from", date.minusDays(30))
                .param("id", id)
                .update();
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts,
                                       last_error, created_at, updated_at)
                VALUES (:id, :user, 'BIRTHDAY', :date, :due, 'EXPIRED', 41,
                        'provider unavailable: 503 Service Unavailable', :due, :expired)""")
                .param("id", greetingId(id, "BIRTHDAY", date))
                .param("user", id)
                .param("date", date)
                .param("due", Timestamp.from(due))
                .param("expired", Timestamp.from(due.plus(Duration.ofDays(3))))
                .update();
        return greetingId(id, "BIRTHDAY", date);
    }

    /**
     * Grace: her birthday today sent, her anniversary today refused, retried by an admin and
     * refused again, and next year's of both planned.
     */
    void plantATimeline() {
        String zone = zoneAfterNine();
        LocalDate today = LocalDate.now(CLOCK.withZone(ZoneId.of(zone)));
        timelineEmail = email("grace");
        REFUSED.add(timelineEmail + " ANNIVERSARY");
        timelineUser =
                createUser(
                        "Grace",
                        "Hopper",
                        timelineEmail,
                        zone,
                        today.withYear(1908),
                        today.withYear(1932));
        awaitLog(greetingId(timelineUser, "BIRTHDAY", today), "SENT");
        String anniversary = greetingId(timelineUser, "ANNIVERSARY", today);
        awaitLog(anniversary, "FAILED");
        Api.Response retry = call("POST", "/greetings/" + anniversary + "/retry", ADMIN_TOKEN);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        // The retry answered once the greeting was re-opened (SENDING): FAILED again is the new
        // attempt's outcome.
        await(
                "the retried anniversary refused again",
                WAIT,
                () ->
                        "FAILED".equals(logStatus(anniversary))
                                && PROVIDER.calls(c -> anniversary.equals(c.idempotencyKey()))
                                                .size()
                                        == 2);
    }

    /**
     * A user whose first name is HTML: the API refuses such a name, but the console must not trust
     * the database to hold only what the API lets in.
     */
    void plantAUserNamedInHtml() {
        htmlUser =
                jdbc.sql(
                                """
                        INSERT INTO users (first_name, last_name, email, birthday, timezone,
                                           created_at, updated_at)
                        VALUES (:name, 'Tables', :email, DATE '1990-06-15', 'UTC', now(), now())
                        RETURNING id""")
                        .param("name", HTML_NAME)
                        .param("email", email("bobby"))
                        .query(UUID.class)
                        .single();
    }

    // ---- Helpers: the API and the database ----

    static String email(String tag) {
        return tag + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** A user through the API; {@code emailOrTag} without an @ is the start of a fresh email. */
    UUID createUser(
            String first,
            String last,
            String emailOrTag,
            String zone,
            LocalDate birthday,
            LocalDate anniversary) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("firstName", first);
        user.put("lastName", last);
        user.put("email", emailOrTag.contains("@") ? emailOrTag : email(emailOrTag));
        user.put("birthday", birthday.toString());
        user.put("timezone", zone);
        if (anniversary != null) {
            user.put("anniversary", anniversary.toString());
        }
        Api.Response created =
                api.send(
                        HttpRequest.newBuilder(api.uri("/user"))
                                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(Api.json(user))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return UUID.fromString(created.json().get("id").asString());
    }

    Api.Response call(String method, String path, String token) {
        return api.send(
                HttpRequest.newBuilder(api.uri(path))
                        .header("Authorization", "Bearer " + token)
                        .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    static String greetingId(UUID user, String occasion, LocalDate date) {
        return user + ":" + occasion + ":" + date;
    }

    static ZonedDateTime nextNineOClock(String zone, Instant now) {
        ZonedDateTime local = now.atZone(ZoneId.of(zone));
        ZonedDateTime nine = local.toLocalDate().atTime(9, 0).atZone(local.getZone());
        return nine.isAfter(local)
                ? nine
                : local.toLocalDate().plusDays(1).atTime(9, 0).atZone(local.getZone());
    }

    /** A zone where it is between 10:00 and 21:59 on the UTC date: today's 09:00 has passed. */
    static String zoneAfterNine() {
        Instant now = CLOCK.instant();
        LocalDate utcToday = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return ZONES.stream()
                .filter(
                        zone -> {
                            ZonedDateTime local = now.atZone(ZoneId.of(zone));
                            return local.getHour() >= 10
                                    && local.getHour() <= 21
                                    && local.toLocalDate().equals(utcToday);
                        })
                .findFirst()
                .orElseThrow();
    }

    void awaitLog(String greeting, String status) {
        await(greeting + " " + status, WAIT, () -> status.equals(logStatus(greeting)));
    }

    String logStatus(String greeting) {
        return jdbc.sql("SELECT status FROM greetings WHERE id = ?")
                .param(greeting)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    String lastError(String greeting) {
        return jdbc.sql("SELECT last_error FROM greetings WHERE id = ?")
                .param(greeting)
                .query(String.class)
                .single();
    }

    /** Greetings planned (rows in scheduled_tasks) due in [from, to), by occasion. */
    Map<String, Long> plannedIn(Instant from, Instant to) {
        return counts(
                """
                SELECT split_part(task_instance, ':', 2) AS key, count(*) AS n
                FROM scheduled_tasks
                WHERE task_name = 'greeting' AND execution_time >= :from AND execution_time < :to
                GROUP BY 1""",
                Map.of("from", Timestamp.from(from), "to", Timestamp.from(to)));
    }

    /** The delivery log's greetings of one local date, by status. */
    Map<String, Long> loggedOn(LocalDate date) {
        return counts(
                "SELECT status AS key, count(*) AS n FROM greetings WHERE local_date = :date GROUP BY 1",
                Map.of("date", date));
    }

    Map<String, Long> counts(String sql, Map<String, Object> params) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql(sql)
                .params(params)
                .query()
                .listOfRows()
                .forEach(
                        row ->
                                counts.put(
                                        (String) row.get("key"),
                                        ((Number) row.get("n")).longValue()));
        return counts;
    }

    static String count(Map<String, Long> counts, String key) {
        return String.valueOf(counts.getOrDefault(key, 0L));
    }

    static String utc(Instant instant) {
        return instant.toString().replace('T', ' ').substring(0, 16) + " UTC";
    }

    // ---- Helpers: the browser ----

    void open() {
        browser.get("http://127.0.0.1:" + port + "/console");
        script("sessionStorage.clear()");
        browser.navigate().refresh();
        waitUntil("the sign-in form", () -> displayed("#signin"));
    }

    /** Signs in afresh and waits until every part of the overview has loaded. */
    void signIn(String token) {
        open();
        type("#token", token);
        click("#signin-submit");
        waitUntil(
                "the console loaded",
                () ->
                        displayed("#app")
                                && browser.findElements(By.cssSelector("#upcoming-table tbody tr"))
                                                .size()
                                        == 24
                                && browser.findElements(By.cssSelector("#summary-table tbody tr"))
                                                .size()
                                        == 7
                                && !text("#problems-summary").isEmpty());
    }

    void openTimeline(String query) {
        click(".view-tab[data-view=user]");
        WebElement input = browser.findElement(By.cssSelector("#search-input"));
        input.clear();
        input.sendKeys(query);
        click("#search-submit");
        waitUntil(
                "the timeline of " + query,
                () ->
                        displayed("#user-card")
                                && (text("#user-facts dd[data-field=id]").equals(query)
                                        || text("#user-facts dd[data-field=email]")
                                                .equalsIgnoreCase(query)));
    }

    void assertNoImageAndNoAlert() {
        assertThat(script("return document.querySelectorAll('img').length")).isEqualTo(0L);
        assertThatThrownBy(() -> browser.switchTo().alert())
                .isInstanceOf(NoAlertPresentException.class);
    }

    Object script(String js) {
        return browser.executeScript(js);
    }

    boolean displayed(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    /** The element's textContent: what the page set, shown or not (a closed details hides it). */
    String text(String css) {
        return text(browser.findElement(By.cssSelector(css)));
    }

    static String text(WebElement element) {
        String text = element.getDomProperty("textContent");
        return text == null ? "" : text.strip();
    }

    static List<String> cells(WebElement row) {
        return row.findElements(By.cssSelector("td")).stream()
                .map(ConsoleBrowserTest::text)
                .toList();
    }

    void click(String css) {
        browser.findElement(By.cssSelector(css)).click();
    }

    void type(String css, String text) {
        browser.findElement(By.cssSelector(css)).sendKeys(text);
    }

    void waitUntil(String what, BooleanSupplier condition) {
        new WebDriverWait(browser, WAIT)
                .withMessage(
                        () ->
                                what
                                        + "; the page says: "
                                        + script(
                                                "return ['signin-error', 'app-error',"
                                                        + " 'search-message'].map(id =>"
                                                        + " document.getElementById(id).textContent).join(' | ')"))
                .ignoring(StaleElementReferenceException.class)
                .until(driver -> condition.getAsBoolean());
    }
}
