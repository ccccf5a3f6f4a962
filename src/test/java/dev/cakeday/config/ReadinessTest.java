package dev.cakeday.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Readiness follows the database: DOWN while it is away, UP again once it is back; liveness stays
 * UP.
 */
class ReadinessTest extends IntegrationTest {

    @LocalServerPort int port;

    @Test
    void readinessTurnsDownWithoutTheDatabaseAndUpWhenItReturns() {
        Api api = new Api(port);
        Api.Response ready = api.get("/actuator/health/readiness");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("UP");

        DATABASE_LINK.cut();
        try {
            await(
                    "readiness DOWN",
                    Duration.ofSeconds(30),
                    () -> api.get("/actuator/health/readiness").status() == 503);
            assertThat(api.get("/actuator/health/readiness").json().get("status").asString())
                    .isEqualTo("DOWN");
            assertThat(api.get("/actuator/health/liveness").status())
                    .as("alive all the same")
                    .isEqualTo(200);
        } finally {
            DATABASE_LINK.restore();
        }

        await(
                "readiness UP",
                Duration.ofSeconds(30),
                () -> api.get("/actuator/health/readiness").status() == 200);
        assertThat(api.get("/user?limit=1").status()).isEqualTo(200);
    }

    @Test
    void onlyHealthInfoAndPrometheusAreExposed() {
        Api api = new Api(port);
        assertThat(api.get("/actuator/info").json().get("build").get("artifact").asString())
                .isEqualTo("cakeday");
        assertThat(api.get("/actuator/prometheus").body()).contains("cakeday_greetings_due");
        assertThat(api.get("/actuator/health").json().get("groups").toString())
                .contains("readiness", "liveness");
        for (String hidden :
                new String[] {
                    "/actuator/env",
                    "/actuator/beans",
                    "/actuator/configprops",
                    "/actuator/heapdump",
                    "/actuator/loggers",
                    "/actuator/metrics"
                }) {
            assertThat(api.get(hidden).status()).as(hidden).isEqualTo(404);
        }
    }
}
