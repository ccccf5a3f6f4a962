package dev.cakeday.mail;

import static dev.cakeday.mail.TestGreetings.greeting;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ops/fake-provider/FakeProvider.java, the provider of the docker-compose stack, run as its own
 * process: the real client talks to it, its faults can be switched on, and it counts duplicates.
 */
class FakeProviderScriptTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();
    Process process;
    String base;

    @BeforeEach
    void start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        process =
                new ProcessBuilder(
                                java,
                                Path.of("ops/fake-provider/FakeProvider.java").toString(),
                                "--port=0",
                                "--minLatencyMs=0",
                                "--maxLatencyMs=0")
                        .redirectErrorStream(true)
                        .start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the provider's first line").startsWith("fake provider listening on ");
        base = "http://127.0.0.1:" + line.split(" ")[4];
    }

    @AfterEach
    void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    JsonNode post(String path) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    JsonNode stats() throws Exception {
        return JSON.readTree(
                http.send(
                                HttpRequest.newBuilder(URI.create(base + "/stats")).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    @Test
    void answersLikeTheProviderFailsOnCommandAndCountsDuplicates() throws Exception {
        MailProperties properties =
                new MailProperties(
                        MailProperties.Provider.HTTP,
                        URI.create(base),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        0,
                        10,
                        new MailProperties.CircuitBreaker(50, 20, 10, Duration.ofSeconds(30)),
                        null,
                        null);
        ProviderClient client = new ProviderClient(properties, JSON, Clock.systemUTC());

        assertThat(
                        client.send(
                                greeting(
                                        "u:BIRTHDAY:2027-03-14",
                                        "ada@example.com",
                                        "Hey, Ada Lovelace it's your birthday")))
                .isInstanceOfSatisfying(
                        ProviderResult.Delivered.class,
                        d -> assertThat(d.messageId()).startsWith("msg-"));
        client.send(
                greeting(
                        "u:BIRTHDAY:2027-03-14",
                        "ada@example.com",
                        "Hey, Ada Lovelace it's your birthday"));
        client.send(
                greeting("other-key", "ada@example.com", "Hey, Ada Lovelace it's your birthday"));
        assertThat(client.send(greeting("k", "not-an-address", "m")))
                .isInstanceOf(ProviderResult.Rejected.class);

        post("/config?failRate=1");
        assertThat(client.send(greeting("k2", "b@example.com", "m")))
                .isInstanceOf(ProviderResult.Unavailable.class);
        post("/config?failRate=0&tooManyRate=1&retryAfter=42");
        assertThat(client.send(greeting("k3", "b@example.com", "m")))
                .isInstanceOfSatisfying(
                        ProviderResult.Unavailable.class,
                        u -> assertThat(u.retryAfter()).isEqualTo(Duration.ofSeconds(42)));
        post("/config?tooManyRate=0&hangRate=1&hangMs=3000");
        assertThat(client.send(greeting("k4", "c@example.com", "late")))
                .as("gave up waiting")
                .isInstanceOf(ProviderResult.Unavailable.class);
        Thread.sleep(1_500);

        JsonNode stats = stats();
        assertThat(stats.get("calls").asInt()).isEqualTo(7);
        assertThat(stats.get("delivered").asInt())
                .as("the hung call was delivered anyway")
                .isEqualTo(4);
        assertThat(stats.get("keysDeliveredMoreThanOnce").asInt()).isEqualTo(1);
        assertThat(stats.get("repeatedDeliveriesUnderOneKey").asInt()).isEqualTo(1);
        assertThat(stats.get("messagesDeliveredUnderTwoKeys").asInt()).isEqualTo(1);
        assertThat(post("/config?bogus=1").get("error").asString()).contains("unknown setting");
    }
}
