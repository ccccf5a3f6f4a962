package dev.cakeday.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * On an instance without tokens (the shared context, like the local mode) everything is open, the
 * task view and its buttons included.
 */
class TaskViewWithoutTokensTest extends IntegrationTest {

    @LocalServerPort int port;

    @Test
    void theTaskViewIsOpenWithItsButtons() {
        Api api = new Api(port);
        Api.Response page = api.get("/db-scheduler");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        Api.Response config = api.get("/db-scheduler-api/config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().get("readOnly").asBoolean()).isFalse();
        assertThat(api.get("/db-scheduler-api/tasks/all").status()).isEqualTo(200);
    }
}
