package dev.cakeday.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import dev.cakeday.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Readiness follows the database: DOWN while it is away, UP again once it is back; liveness stays
 * UP.
 */
@ExtendWith(OutputCaptureExtension.class)
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

    /**
     * Connections run out: the instance's own are gone, and the server refuses new ones (every slot
     * taken, SQL state 53300). It stays up, turns not ready, says why, and is ready again once the
     * slots are free.
     */
    @Test
    void whenTheDatabaseRefusesConnectionsTheInstanceStaysUpNotReadyAndSaysWhy(
            CapturedOutput output) throws SQLException {
        Api api = new Api(port);
        TestDatabase db = TestDatabase.get();
        List<Connection> taken = new ArrayList<>();
        DATABASE_LINK.cut();
        try {
            while (taken.size() < 1_000) {
                try {
                    taken.add(DriverManager.getConnection(db.url(), db.user(), db.password()));
                } catch (SQLException e) {
                    if ("53300".equals(e.getSQLState())) {
                        break;
                    }
                    throw e;
                }
            }
            DATABASE_LINK.restore();
            await(
                    "readiness DOWN",
                    Duration.ofSeconds(30),
                    () -> api.get("/actuator/health/readiness").status() == 503);
            assertThat(api.get("/actuator/health/liveness").status())
                    .as("alive all the same")
                    .isEqualTo(200);
            await(
                    "the cause in the log",
                    Duration.ofSeconds(30),
                    () -> output.getAll().contains("too many clients"));
        } finally {
            DATABASE_LINK.restore();
            for (Connection connection : taken) {
                connection.close();
            }
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
