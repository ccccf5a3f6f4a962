package dev.cakeday.user.importing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A client that trickles an import over 20 s holds no database connection and no open transaction
 * meanwhile, imports beyond {@code cakeday.import.max-concurrent} (2) are refused with 429, and a
 * greeting due during the upload goes out on time.
 */
class SlowImportUploadTest extends IntegrationTest {

    static final int ROWS = 20;

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    @Test
    void aTricklingUploadHoldsNoConnectionAndAThirdImportWaitsItsTurn() throws Exception {
        String tag = "slow" + UUID.randomUUID().toString().substring(0, 8);
        Api api = new Api(port);
        LocalDate tomorrow = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC).plusDays(1);
        Api.Response created =
                api.postJson(
                        "/user",
                        Api.json(
                                Map.of(
                                        "firstName",
                                        "Due",
                                        "lastName",
                                        "Meanwhile",
                                        "email",
                                        tag + "-due@example.com",
                                        "birthday",
                                        tomorrow.withYear(1990).toString(),
                                        "timezone",
                                        "UTC")));
        assertThat(created.status()).isEqualTo(201);
        String dueKey = created.json().get("id").asString() + ":BIRTHDAY:" + tomorrow;

        CompletableFuture<String> first =
                CompletableFuture.supplyAsync(() -> trickle(tag + "a", Duration.ofSeconds(20)));
        CompletableFuture<String> second =
                CompletableFuture.supplyAsync(() -> trickle(tag + "b", Duration.ofSeconds(10)));
        Thread.sleep(2_000);

        Api.Response third =
                api.send(
                        "POST",
                        "/user/import",
                        "text/csv",
                        "firstName,lastName,email,birthday,timezone\nThird,Import,"
                                + tag
                                + "-c@example.com,1990-01-01,UTC\n");
        assertThat(third.status()).as(third.body()).isEqualTo(429);
        assertThat(third.contentType()).startsWith("application/problem+json");
        assertThat(third.header("Retry-After")).isEqualTo("30");

        CLOCK.advanceTo(tomorrow.atTime(LocalTime.of(9, 0)).toInstant(ZoneOffset.UTC));
        List<Long> openTransactions = new ArrayList<>();
        boolean greetedWhileUploading = false;
        while (!first.isDone()) {
            openTransactions.add(
                    jdbc.sql(
                                    """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                      AND xact_start < clock_timestamp() - interval '2 seconds'""")
                            .query(Long.class)
                            .single());
            greetedWhileUploading |=
                    PROVIDER.calls().stream()
                            .anyMatch(call -> dueKey.equals(call.idempotencyKey()));
            Thread.sleep(500);
        }

        assertThat(openTransactions)
                .as("sampled every 0.5 s over the upload")
                .hasSizeGreaterThan(25)
                .containsOnly(0L);
        assertThat(greetedWhileUploading)
                .as("the greeting due during the upload went out during it")
                .isTrue();
        assertThat(first.get(5, TimeUnit.SECONDS)).contains("\"imported\":" + ROWS);
        assertThat(second.get(5, TimeUnit.SECONDS)).contains("\"imported\":" + ROWS);
        assertThat(
                        jdbc.sql("SELECT count(*) FROM users WHERE email LIKE ?")
                                .param(tag + "%-%@example.com")
                                .query(Long.class)
                                .single())
                .isEqualTo(2 * ROWS + 1);
    }

    @Test
    void anUploadCutOffMidwayImportsNothingAndGivesItsTurnBack() throws Exception {
        String tag = "cut" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.getOutputStream()
                        .write(
                                ("POST /user/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                                                + "Content-Length: 100000\r\n\r\nfirstName,lastName,email,birthday,timezone\nCut,Off,"
                                                + tag
                                                + "@example.com,1990-01-01,UTC\n")
                                        .getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                Thread.sleep(300);
            }
        }
        Thread.sleep(500);

        Api.Response next =
                new Api(port)
                        .send(
                                "POST",
                                "/user/import",
                                "text/csv",
                                "firstName,lastName,email,birthday,timezone\nAfter,Cut,"
                                        + tag
                                        + "-after@example.com,1990-01-01,UTC\n");
        assertThat(next.status()).as("both turns given back: " + next.body()).isEqualTo(200);
        assertThat(
                        jdbc.sql("SELECT count(*) FROM users WHERE email = ?")
                                .param(tag + "@example.com")
                                .query(Long.class)
                                .single())
                .isZero();
    }

    /**
     * POSTs a CSV import of {@link #ROWS} users, one row at a time spread over {@code over};
     * returns the body.
     */
    String trickle(String prefix, Duration over) {
        List<byte[]> lines = new ArrayList<>();
        lines.add("firstName,lastName,email,birthday,timezone\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < ROWS; i++) {
            lines.add(
                    ("Slow,Upload," + prefix + "-" + i + "@example.com,1990-01-01,UTC\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
        int length = lines.stream().mapToInt(line -> line.length).sum();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("POST /user/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nConnection: close\r\n"
                                    + "Content-Length: "
                                    + length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            for (byte[] line : lines) {
                out.write(line);
                out.flush();
                Thread.sleep(over.toMillis() / lines.size());
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
