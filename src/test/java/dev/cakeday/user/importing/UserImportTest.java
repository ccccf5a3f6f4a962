package dev.cakeday.user.importing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class UserImportTest extends IntegrationTest {

    static final String HEADER = "firstName,lastName,email,birthday,timezone,anniversary\n";

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    Api api;
    String tag;

    @BeforeEach
    void client() {
        api = new Api(port);
        tag = "imp" + UUID.randomUUID().toString().substring(0, 8);
    }

    String email(int n) {
        return tag + "-" + n + "@example.com";
    }

    long usersOfThisTest() {
        return jdbc.sql("SELECT count(*) FROM users WHERE email LIKE ?")
                .param(tag + "-%")
                .query(Long.class)
                .single();
    }

    Api.Response importCsv(String csv) {
        return api.send("POST", "/user/import", "text/csv", csv);
    }

    @Test
    void importsValidCsvRowsAsUsersWithTheirOccasions() {
        Api.Response response =
                importCsv(
                        HEADER
                                + "Ada,Lovelace,"
                                + email(1)
                                + ",1990-12-10,Europe/London,2015-06-20\n"
                                + "\"Anne-Marie O'Brien\",Smith,"
                                + email(2)
                                + ",1984-02-29,America/New_York,\n"
                                + "  Grace ,Hopper,"
                                + email(3)
                                + ",1906-12-09,UTC,\n");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("received").asLong()).isEqualTo(3);
        assertThat(report.get("imported").asLong()).isEqualTo(3);
        assertThat(report.get("rejected").asLong()).isZero();
        assertThat(report.get("errors")).isEmpty();
        assertThat(usersOfThisTest()).isEqualTo(3);

        Map<String, Object> ada =
                jdbc.sql("SELECT * FROM users WHERE email = ?").param(email(1)).query().singleRow();
        assertThat(ada.get("first_name")).isEqualTo("Ada");
        assertThat(ada.get("timezone")).isEqualTo("Europe/London");
        assertThat(ada.get("anniversary").toString()).isEqualTo("2015-06-20");
        assertThat(
                        jdbc.sql("SELECT first_name FROM users WHERE email = ?")
                                .param(email(3))
                                .query(String.class)
                                .single())
                .as("trimmed, as the API does")
                .isEqualTo("Grace");
        assertThat(
                        jdbc.sql("SELECT first_name FROM users WHERE email = ?")
                                .param(email(2))
                                .query(String.class)
                                .single())
                .as("a quoted field")
                .isEqualTo("Anne-Marie O'Brien");
        assertThat(
                        jdbc.sql(
                                        """
                SELECT occasion || ' ' || month_day FROM user_occasions o JOIN users u ON u.id = o.user_id
                WHERE u.email = ? ORDER BY occasion""")
                                .param(email(1))
                                .query(String.class)
                                .list())
                .containsExactly("ANNIVERSARY 620", "BIRTHDAY 1210");
        assertThat(
                        jdbc.sql(
                                        """
                SELECT count(*) FROM user_occasions o JOIN users u ON u.id = o.user_id WHERE u.email = ?""")
                                .param(email(2))
                                .query(Long.class)
                                .single())
                .as("no anniversary, no occasion row")
                .isEqualTo(1);

        Api.Response read = api.get("/user/" + ada.get("id"));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("email").asString()).isEqualTo(email(1));
    }

    @Test
    void plansTheImportedUsersGreetingsExactlyAsPostUserDoes() {
        String zone = "Pacific/Auckland";
        LocalDate today = LocalDate.now(CLOCK.withZone(ZoneId.of(zone)));
        LocalDate birthday = today.plusDays(1).withYear(1990);
        LocalDate anniversary = today.plusDays(2).withYear(2015);
        Api.Response imported =
                importCsv(
                        HEADER
                                + "Ada,Lovelace,%s,%s,%s,%s\n"
                                        .formatted(email(1), birthday, zone, anniversary));
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        Api.Response posted =
                api.postJson(
                        "/user",
                        Api.json(
                                Map.of(
                                        "firstName",
                                        "Ada",
                                        "lastName",
                                        "Lovelace",
                                        "email",
                                        email(2),
                                        "birthday",
                                        birthday.toString(),
                                        "timezone",
                                        zone,
                                        "anniversary",
                                        anniversary.toString())));
        assertThat(posted.status()).isEqualTo(201);

        List<String> viaImport = plannedRows(email(1));
        assertThat(viaImport).as("both occasions planned in the window").hasSize(2);
        assertThat(viaImport).isEqualTo(plannedRows(email(2)));
    }

    /**
     * Statistics of the tables an import filled are taken by the import itself: without them
     * PostgreSQL plans by guesswork, and autovacuum may be late or off (it is off on some servers
     * that run these tests, and counts in autoanalyze_count, not here).
     */
    @Test
    void analysesTheTablesItFilled() {
        Map<String, Long> before = manualAnalyses();
        LocalDate tomorrow = LocalDate.now(CLOCK.withZone(ZoneId.of("UTC"))).plusDays(1);
        Api.Response imported =
                importCsv(
                        HEADER
                                + "Ada,Lovelace,%s,%s,UTC,\n"
                                        .formatted(email(1), tomorrow.withYear(1990)));
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(plannedRows(email(1))).as("a greeting row planned").hasSize(1);

        Map<String, Long> after = manualAnalyses();
        assertThat(after.keySet())
                .containsExactlyInAnyOrder("users", "user_occasions", "scheduled_tasks");
        after.forEach(
                (table, count) -> assertThat(count).as(table).isGreaterThan(before.get(table)));
    }

    Map<String, Long> manualAnalyses() {
        return jdbc
                .sql(
                        """
                SELECT relname, analyze_count FROM pg_stat_user_tables
                WHERE schemaname = current_schema() AND relname IN ('users', 'user_occasions', 'scheduled_tasks')""")
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The user's scheduled greetings, without the user id: occasion, date and instant. */
    List<String> plannedRows(String email) {
        return jdbc.sql(
                        """
                SELECT substr(t.task_instance, 38) || ' ' || t.execution_time FROM scheduled_tasks t
                JOIN users u ON t.task_instance LIKE u.id::text || ':%'
                WHERE t.task_name = 'greeting' AND u.email = ? ORDER BY 1""")
                .param(email)
                .query(String.class)
                .list();
    }

    @Test
    void reportsEachBadRowAndImportsTheRest() {
        api.postJson(
                "/user",
                Api.json(
                        Map.of(
                                "firstName",
                                "Existing",
                                "lastName",
                                "User",
                                "email",
                                email(9),
                                "birthday",
                                "1980-01-01",
                                "timezone",
                                "UTC")));
        String csv =
                HEADER
                        + "Ada,Lovelace,"
                        + email(1)
                        + ",1990-12-10,Europe/London,\n" // row 1: fine
                        + "Bob,Builder,not-an-email,1990-12-10,UTC,\n" // row 2: email
                        + "Cy,Young,"
                        + email(3)
                        + ",2990-01-01,Mars/Olympus,\n" // row 3: birthday, timezone
                        + "Di,Prince,"
                        + email(4)
                        + ",1990-12-10\n" // row 4: too few fields
                        + "Ed,Smith,"
                        + email(1).toUpperCase()
                        + ",1991-01-01,UTC,\n" // row 5: repeats row 1
                        + "Fay,Wray,"
                        + email(9)
                        + ",1970-05-05,UTC,\n" // row 6: taken
                        + "Gus,Grissom,"
                        + email(7)
                        + ",1926-04-03,America/Chicago,2020-02-30\n"; // row 7: anniversary
        Api.Response response = importCsv(csv);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("received").asLong()).isEqualTo(7);
        assertThat(report.get("imported").asLong()).isEqualTo(1);
        assertThat(report.get("rejected").asLong()).isEqualTo(6);
        assertThat(report.get("conflicts").asLong()).isEqualTo(1);
        assertThat(report.get("errorCount").asLong()).isEqualTo(7);
        List<String> errors = new ArrayList<>();
        report.get("errors")
                .forEach(e -> errors.add(e.get("row").asLong() + " " + e.get("field").asString()));
        assertThat(errors)
                .containsExactly(
                        "2 email",
                        "3 timezone",
                        "3 birthday",
                        "4 row",
                        "5 email",
                        "6 email",
                        "7 anniversary");
        assertThat(report.get("errors").get(4).get("reason").asString())
                .isEqualTo("repeats the email of row 1");
        assertThat(report.get("errors").get(5).get("reason").asString())
                .isEqualTo("is taken by an existing user");

        assertThat(usersOfThisTest()).as("Ada and the existing user").isEqualTo(2);
        assertThat(
                        jdbc.sql("SELECT first_name FROM users WHERE email = ?")
                                .param(email(9))
                                .query(String.class)
                                .single())
                .as("an existing user is not overwritten")
                .isEqualTo("Existing");
    }

    @Test
    void importsNdjsonAndReportsUnreadableLines() {
        String ndjson =
                """
                {"firstName":"Ada","lastName":"Lovelace","email":"%s","birthday":"1990-12-10","timezone":"UTC"}

                {"firstName":"Bob","lastName":"Builder","email":"%s","birthday":"1990-12-10","timezone":"UTC","age":3}
                [1,2]
                {"firstName":"Cy",
                {"firstName":7,"lastName":"Young","email":"%s","birthday":"1990-12-10","timezone":"UTC"}
                {"firstName":"Di","lastName":"Prince","email":"%s","birthday":"1990-12-10","timezone":"UTC","anniversary":null}
                """
                        .formatted(email(1), email(2), email(3), email(4));
        Api.Response response = api.send("POST", "/user/import", "application/x-ndjson", ndjson);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("received").asLong()).as("the blank line is no row").isEqualTo(6);
        assertThat(report.get("imported").asLong()).isEqualTo(2);
        List<String> errors = new ArrayList<>();
        report.get("errors")
                .forEach(e -> errors.add(e.get("row").asLong() + " " + e.get("field").asString()));
        assertThat(errors).containsExactly("2 age", "3 row", "4 row", "5 firstName");
        assertThat(usersOfThisTest()).isEqualTo(2);
    }

    @Test
    void listsTheFirstHundredErrorsAndCountsAll() {
        String csv =
                HEADER
                        + IntStream.rangeClosed(1, 250)
                                .mapToObj(n -> "Ada,Lovelace," + email(n) + ",not-a-date,UTC,\n")
                                .collect(Collectors.joining());
        JsonNode report = importCsv(csv).json();

        assertThat(report.get("rejected").asLong()).isEqualTo(250);
        assertThat(report.get("errorCount").asLong()).isEqualTo(250);
        assertThat(report.get("errors")).hasSize(100);
        assertThat(report.get("errors").get(99).get("row").asLong()).isEqualTo(100);
        assertThat(usersOfThisTest()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "firstName,lastName,email,birthday\nAda,Lovelace,x@example.com,1990-12-10\n",
                "firstName,lastName,email,birthday,timezone,shoeSize\n",
                "firstName,lastName,email,birthday,timezone,email\n",
                "firstName,lastName,email,birthday,timezone\nAda,Lovelace,EMAIL1,1990-12-10,UTC\n\"Bob,Builder,EMAIL2,1990-12-10,UTC\n"
            })
    void refusesAFileThatCannotBeReadAsAWholeAndImportsNothing(String csv) {
        Api.Response response =
                importCsv(csv.replace("EMAIL1", email(1)).replace("EMAIL2", email(2)));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString())
                .isEqualTo("urn:cakeday:problem:malformed-import");
        assertThat(usersOfThisTest())
                .as("all or nothing: the valid first row is not kept")
                .isZero();
    }

    @Test
    void refusesOtherContentTypes() {
        Api.Response response = api.postJson("/user/import", "[]");

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aHeaderOnlyFileImportsNothing() {
        JsonNode report = importCsv(HEADER).json();

        assertThat(report.get("received").asLong()).isZero();
        assertThat(report.get("imported").asLong()).isZero();
    }

    @Test
    void importsLocalesAndOptOutsAndPlansNothingOptedOutOf() {
        String csv =
                "firstName,lastName,email,birthday,timezone,anniversary,locale,optOut\n"
                        + "Ada,Lovelace,%s,1990-12-10,UTC,2015-06-20,PT-br,\n".formatted(email(1))
                        + "Bob,Builder,%s,1990-12-10,UTC,2015-06-20,de,ANNIVERSARY\n"
                                .formatted(email(2))
                        + "Cy,Young,%s,1990-12-10,UTC,2015-06-20,,BIRTHDAY;anniversary\n"
                                .formatted(email(3))
                        + "Di,Prince,%s,1990-12-10,UTC,,,ALL\n".formatted(email(4))
                        + "Ed,Wood,%s,1990-12-10,UTC,,en_US,\n".formatted(email(5))
                        + "Fi,Fox,%s,1990-12-10,UTC,,,NAMEDAY\n".formatted(email(6));

        JsonNode report = importCsv(csv).json();

        assertThat(report.get("imported").asLong()).as(report.toString()).isEqualTo(4);
        List<String> errors = new ArrayList<>();
        report.get("errors")
                .forEach(e -> errors.add(e.get("row").asLong() + " " + e.get("field").asString()));
        assertThat(errors).containsExactly("5 locale", "6 optOut");
        assertThat(
                        jdbc.sql(
                                        """
                                        SELECT u.first_name || ' ' || coalesce(u.locale, '-') || ' ' || array_to_string(u.opt_out, ',')
                                               || ' ' || coalesce((SELECT string_agg(o.occasion, ',' ORDER BY o.occasion)
                                                                   FROM user_occasions o WHERE o.user_id = u.id), '-')
                                        FROM users u WHERE u.email LIKE ? ORDER BY u.email""")
                                .param(tag + "-%")
                                .query(String.class)
                                .list())
                .containsExactly(
                        "Ada pt-BR  ANNIVERSARY,BIRTHDAY",
                        "Bob de ANNIVERSARY BIRTHDAY",
                        "Cy - ANNIVERSARY,BIRTHDAY -",
                        "Di - ALL -");
    }

    @Test
    void ndjsonTakesALocaleAndAnOptOutList() {
        String ndjson =
                """
                {"firstName":"Ada","lastName":"Lovelace","email":"%s","birthday":"1990-12-10","timezone":"UTC","locale":"zh-hant-tw","optOut":["BIRTHDAY"]}
                {"firstName":"Bob","lastName":"Builder","email":"%s","birthday":"1990-12-10","timezone":"UTC","optOut":"BIRTHDAY"}
                {"firstName":"Cy","lastName":"Young","email":"%s","birthday":"1990-12-10","timezone":"UTC","locale":"12"}
                """
                        .formatted(email(1), email(2), email(3));

        JsonNode report = api.send("POST", "/user/import", "application/x-ndjson", ndjson).json();

        assertThat(report.get("imported").asLong()).as(report.toString()).isEqualTo(1);
        List<String> errors = new ArrayList<>();
        report.get("errors")
                .forEach(
                        e ->
                                errors.add(
                                        e.get("row").asLong()
                                                + " "
                                                + e.get("field").asString()
                                                + " "
                                                + e.get("reason").asString()));
        assertThat(errors)
                .containsExactly(
                        "2 optOut must be a list of occasion names",
                        "3 locale must be a BCP 47 language tag such as de, pt-BR or zh-Hant-TW");
        assertThat(
                        jdbc.sql(
                                        "SELECT locale || ' ' || array_to_string(opt_out, ',') FROM users WHERE email = ?")
                                .param(email(1))
                                .query(String.class)
                                .single())
                .isEqualTo("zh-Hant-TW BIRTHDAY");
    }
}
