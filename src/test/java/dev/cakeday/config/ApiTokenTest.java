package dev.cakeday.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * With {@code cakeday.api.token} set, /user endpoints need the bearer token; health stays open.
 * This context runs without a scheduler: the shared one already polls the same database.
 */
@TestPropertySource(properties = {
        "cakeday.api.token=s3cret-token",
        "db-scheduler.enabled=false",
        "management.endpoint.health.validate-group-membership=false"
})
class ApiTokenTest extends IntegrationTest {

    @LocalServerPort
    int port;

    Api.Response get(String path, String authorization) {
        Api api = new Api(port);
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return api.send(request);
    }

    @Test
    void missingTokenIs401Problem() {
        Api.Response response = get("/user", null);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:cakeday:problem:unauthorized");
        assertThat(get("/user/" + UUID.randomUUID() + "/greetings", null).status()).isEqualTo(401);
    }

    @Test
    void wrongTokenIs401() {
        assertThat(get("/user", "Bearer s3cret-tokeN").status()).isEqualTo(401);
        assertThat(get("/user", "Bearer s3cret").status()).isEqualTo(401);
        assertThat(get("/user", "Basic czNjcmV0LXRva2Vu").status()).isEqualTo(401);
    }

    @Test
    void rightTokenPasses() {
        assertThat(get("/user?limit=1", "Bearer s3cret-token").status()).isEqualTo(200);
        assertThat(get("/user/" + UUID.randomUUID(), "bearer s3cret-token").status()).isEqualTo(404);
    }

    @Test
    void healthAndDocsStayOpen() {
        assertThat(get("/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(get("/v3/api-docs", null).status()).isEqualTo(200);
    }
}
