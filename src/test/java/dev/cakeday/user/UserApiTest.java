package dev.cakeday.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class UserApiTest extends IntegrationTest {

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    static Map<String, Object> user(String email) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("firstName", "Ada");
        user.put("lastName", "Lovelace");
        user.put("email", email);
        user.put("birthday", "1990-12-10");
        user.put("timezone", "Europe/London");
        return user;
    }

    static String uniqueEmail() {
        return "u" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    @Test
    void createReturns201WithLocationAndTheUser() {
        String email = uniqueEmail();
        Map<String, Object> body = user(email);
        body.put("anniversary", "2015-06-20");

        Api.Response created = api.postJson("/user", Api.json(body));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/json");
        JsonNode json = created.json();
        String id = json.get("id").asString();
        assertThat(created.header("Location")).isEqualTo("/user/" + id);
        assertThat(json.get("firstName").asString()).isEqualTo("Ada");
        assertThat(json.get("lastName").asString()).isEqualTo("Lovelace");
        assertThat(json.get("email").asString()).isEqualTo(email);
        assertThat(json.get("birthday").asString()).isEqualTo("1990-12-10");
        assertThat(json.get("timezone").asString()).isEqualTo("Europe/London");
        assertThat(json.get("anniversary").asString()).isEqualTo("2015-06-20");
        assertThat(json.get("createdAt").asString()).endsWith("Z");
        assertThat(json.get("updatedAt").asString()).isEqualTo(json.get("createdAt").asString());

        Api.Response read = api.get("/user/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(json);
    }

    @Test
    void textIsStoredTrimmedAndUnicodeNamesAreAccepted() {
        String email = uniqueEmail();
        Map<String, Object> body = user("  " + email + " ");
        body.put("firstName", "  Zoë-Ångström ");
        body.put("lastName", "O’Brien d'Arcy");

        Api.Response created = api.postJson("/user", Api.json(body));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("firstName").asString()).isEqualTo("Zoë-Ångström");
        assertThat(created.json().get("lastName").asString()).isEqualTo("O’Brien d'Arcy");
        assertThat(created.json().get("email").asString()).isEqualTo(email);
        String stored =
                jdbc.sql("SELECT email FROM users WHERE id = ?::uuid")
                        .param(created.json().get("id").asString())
                        .query(String.class)
                        .single();
        assertThat(stored).isEqualTo(email);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "UTC",
                "America/Argentina/Buenos_Aires",
                "Etc/GMT+12",
                "America/Port-au-Prince",
                "Pacific/Kiritimati",
                "Australia/Lord_Howe",
                "Asia/Kolkata"
            })
    void everyRegionZoneIsAccepted(String zone) {
        Map<String, Object> body = user(uniqueEmail());
        body.put("timezone", zone);

        Api.Response created = api.postJson("/user", Api.json(body));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("timezone").asString()).isEqualTo(zone);
    }

    @Test
    void allZoneIdsTheJdkKnowsAreAccepted() {
        Set<String> refused = new HashSet<>();
        for (String zone : ZoneId.getAvailableZoneIds()) {
            Map<String, Object> body = user(uniqueEmail());
            body.put("timezone", zone);
            if (api.postJson("/user", Api.json(body)).status() != 201) {
                refused.add(zone);
            }
        }
        assertThat(refused).isEmpty();
    }

    @Test
    void birthdayTodayIsAcceptedAndLimitsAreInclusive() {
        Map<String, Object> body = user(uniqueEmail());
        body.put("timezone", "UTC");
        body.put("birthday", LocalDate.now(ZoneId.of("UTC")).toString());
        body.put("anniversary", "1900-01-01");
        assertThat(api.postJson("/user", Api.json(body)).status()).isEqualTo(201);

        Map<String, Object> longest = user(uniqueEmail());
        longest.put("firstName", "A".repeat(100));
        assertThat(api.postJson("/user", Api.json(longest)).status()).isEqualTo(201);
    }

    @Test
    void getUnknownIdIs404Problem() {
        Api.Response response = api.get("/user/" + UUID.randomUUID());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString())
                .isEqualTo("urn:cakeday:problem:user-not-found");
        assertThat(response.json().get("status").asInt()).isEqualTo(404);
    }

    @Test
    void putReplacesTheWholeUser() {
        Map<String, Object> body = user(uniqueEmail());
        body.put("anniversary", "2015-06-20");
        JsonNode created = api.postJson("/user", Api.json(body)).json();
        String id = created.get("id").asString();

        String newEmail = uniqueEmail();
        Map<String, Object> replacement = user(newEmail);
        replacement.put("firstName", "Grace");
        replacement.put("lastName", "Hopper");
        replacement.put("birthday", "1906-12-09");
        replacement.put("timezone", "America/New_York");
        Api.Response replaced = api.putJson("/user/" + id, Api.json(replacement));

        assertThat(replaced.status()).isEqualTo(200);
        JsonNode json = replaced.json();
        assertThat(json.get("id").asString()).isEqualTo(id);
        assertThat(json.get("firstName").asString()).isEqualTo("Grace");
        assertThat(json.get("email").asString()).isEqualTo(newEmail);
        assertThat(json.get("birthday").asString()).isEqualTo("1906-12-09");
        assertThat(json.get("timezone").asString()).isEqualTo("America/New_York");
        assertThat(json.get("anniversary").isNull())
                .as("a full replacement clears what it omits")
                .isTrue();
        assertThat(json.get("createdAt")).isEqualTo(created.get("createdAt"));
        assertThat(api.get("/user/" + id).json()).isEqualTo(json);
    }

    @Test
    void putUnknownIdIs404AndCreatesNothing() {
        long before = count();
        Api.Response response =
                api.putJson("/user/" + UUID.randomUUID(), Api.json(user(uniqueEmail())));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void putWithInvalidBodyIs400EvenForAnUnknownId() {
        Map<String, Object> body = user("not-an-email");
        assertThat(api.putJson("/user/" + UUID.randomUUID(), Api.json(body)).status())
                .isEqualTo(400);
    }

    @Test
    void deleteRemovesTheUserThen404() {
        String id =
                api.postJson("/user", Api.json(user(uniqueEmail()))).json().get("id").asString();

        Api.Response deleted = api.delete("/user/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(api.get("/user/" + id).status()).isEqualTo(404);
        Api.Response again = api.delete("/user/" + id);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.contentType()).startsWith("application/problem+json");
    }

    @Test
    void emailIsUniqueIgnoringCaseOnPost() {
        String email = uniqueEmail();
        assertThat(api.postJson("/user", Api.json(user(email))).status()).isEqualTo(201);
        long before = count();

        Api.Response conflict = api.postJson("/user", Api.json(user(email.toUpperCase())));

        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.contentType()).startsWith("application/problem+json");
        assertThat(conflict.json().get("type").asString())
                .isEqualTo("urn:cakeday:problem:email-taken");
        assertThat(conflict.json().get("detail").asString()).contains(email.toUpperCase());
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void emailIsUniqueIgnoringCaseOnPut() {
        String taken = uniqueEmail();
        api.postJson("/user", Api.json(user(taken)));
        String mine = uniqueEmail();
        JsonNode me = api.postJson("/user", Api.json(user(mine))).json();

        Api.Response conflict =
                api.putJson(
                        "/user/" + me.get("id").asString(), Api.json(user(taken.toUpperCase())));

        assertThat(conflict.status()).isEqualTo(409);
        assertThat(api.get("/user/" + me.get("id").asString()).json().get("email").asString())
                .isEqualTo(mine);
        Map<String, Object> sameEmailOtherCase = user(mine.toUpperCase());
        assertThat(
                        api.putJson(
                                        "/user/" + me.get("id").asString(),
                                        Api.json(sameEmailOtherCase))
                                .status())
                .as("a user may change the case of their own email")
                .isEqualTo(200);
    }

    @Test
    void listPagesThroughEveryUserInIdOrder() {
        for (int i = 0; i < 7; i++) {
            api.postJson("/user", Api.json(user(uniqueEmail())));
        }
        List<String> expected =
                jdbc.sql("SELECT id::text FROM users ORDER BY id").query(String.class).list();

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Api.Response page = api.get("/user?limit=3" + (after == null ? "" : "&after=" + after));
            assertThat(page.status()).isEqualTo(200);
            JsonNode json = page.json();
            assertThat(json.get("users").size()).isLessThanOrEqualTo(3);
            json.get("users").forEach(u -> seen.add(u.get("id").asString()));
            after = json.get("next").isNull() ? null : json.get("next").asString();
            pages++;
        } while (after != null && pages < 10_000);

        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void listDefaultsTo50AndAcceptsTheBounds() {
        for (int i = 0; i < 51; i++) {
            api.postJson("/user", Api.json(user(uniqueEmail())));
        }
        JsonNode page = api.get("/user").json();
        assertThat(page.get("users").size()).isEqualTo(50);
        assertThat(page.get("next").isNull()).isFalse();
        assertThat(api.get("/user?limit=1").json().get("users").size()).isEqualTo(1);
        assertThat(api.get("/user?limit=500").status()).isEqualTo(200);
    }

    @Test
    void lastPageHasNoNextCursor() {
        String last =
                jdbc.sql("SELECT id::text FROM users ORDER BY id DESC LIMIT 1")
                        .query(String.class)
                        .optional()
                        .orElse(null);
        if (last == null) {
            last = api.postJson("/user", Api.json(user(uniqueEmail()))).json().get("id").asString();
        }
        JsonNode page = api.get("/user?after=" + last).json();
        assertThat(page.get("users").size()).isZero();
        assertThat(page.get("next").isNull()).isTrue();
    }

    @Test
    void aLocaleIsStoredInCanonicalFormAndReturnedEverywhere() {
        Map<String, Object> body = user(uniqueEmail());
        body.put("locale", "zh-hant-tw");
        body.put("optOut", List.of("anniversary", "BIRTHDAY", "BIRTHDAY"));

        JsonNode created = api.postJson("/user", Api.json(body)).json();

        assertThat(created.get("locale").asString()).isEqualTo("zh-Hant-TW");
        assertThat(created.get("optOut").toString()).isEqualTo("[\"ANNIVERSARY\",\"BIRTHDAY\"]");
        String id = created.get("id").asString();
        assertThat(api.get("/user/" + id).json().get("locale").asString()).isEqualTo("zh-Hant-TW");

        body.put("locale", "PT-br");
        body.put("optOut", List.of("ALL", "BIRTHDAY"));
        JsonNode replaced = api.putJson("/user/" + id, Api.json(body)).json();
        assertThat(replaced.get("locale").asString()).isEqualTo("pt-BR");
        assertThat(replaced.get("optOut").toString()).isEqualTo("[\"ALL\"]");

        body.remove("locale");
        body.remove("optOut");
        JsonNode cleared = api.putJson("/user/" + id, Api.json(body)).json();
        assertThat(cleared.get("locale").isNull())
                .as("omitted: cleared, like every optional field")
                .isTrue();
        assertThat(cleared.get("optOut").toString())
                .as("omitted: kept, a consent is never lost")
                .isEqualTo("[\"ALL\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"en_US", "12", "", " ", "de-", "x-private", "und", "e", "de-DE-x"})
    void aMalformedLocaleIs400NamingTheFieldAndChangesNothing(String locale) {
        Map<String, Object> body = user(uniqueEmail());
        JsonNode created = api.postJson("/user", Api.json(body)).json();
        body.put("locale", locale);

        Api.Response refused = api.putJson("/user/" + created.get("id").asString(), Api.json(body));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("locale");
        assertThat(api.get("/user/" + created.get("id").asString()).json()).isEqualTo(created);
    }

    @Test
    void anOptOutOfNoOccasionIs400() {
        long before = count();
        for (Object optOut :
                List.of(List.of("NAMEDAY"), List.of("ALL", "CHRISTMAS"), "BIRTHDAY", List.of(7))) {
            Map<String, Object> body = user(uniqueEmail());
            body.put("optOut", optOut);
            Api.Response refused = api.postJson("/user", Api.json(body));
            assertThat(refused.status()).as(optOut.toString()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body()).as(optOut.toString()).contains("optOut");
        }
        assertThat(count()).isEqualTo(before);
    }

    private long count() {
        return jdbc.sql("SELECT count(*) FROM users").query(Long.class).single();
    }
}
