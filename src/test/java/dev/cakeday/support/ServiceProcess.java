package dev.cakeday.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;

/**
 * The packaged service run as its own OS process, as an operator runs it: target/cakeday.jar
 * unpacked with its class-data archive by ops/cds-archive.sh, as the Dockerfile and the systemd
 * unit run it.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The JVM running the tests, which also runs the service and makes its archive. */
    public static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private static final Path JAR = Path.of("target", "cakeday.jar");
    private static final Path UNPACKED = Path.of("target", "cds");
    private static boolean unpacked;

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private ServiceProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts an instance on a free port with these Spring properties; {@link #awaitReady} waits for
     * it.
     */
    public static ServiceProcess start(String name, Map<String, String> properties) {
        return start(name, properties, Map.of());
    }

    /**
     * As {@link #start(String, Map)}, with the process's wall clock off by {@code skew} (for
     * example {@code "+120s"}): Debian's libfaketime preloaded into the JVM. Preloaded rather than
     * through the {@code faketime} wrapper, so that stopping the process stops the JVM itself.
     */
    public static ServiceProcess startWithClockSkew(
            String name, Map<String, String> properties, String skew) {
        return start(
                name,
                properties,
                Map.of(
                        "LD_PRELOAD",
                        libfaketime()
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "libfaketime is missing: apt-get install"
                                                                + " faketime (.ci/run installs it)"))
                                .toString(),
                        "FAKETIME",
                        skew,
                        // Only the wall clock is faked. Debian builds libfaketime with its
                        // monotonic fix, under which every timed wait of the JVM's threads
                        // returns at once: the JVM spins and starts several times slower. With
                        // the monotonic clock real, the JVM's timed waits need no fix.
                        "FAKETIME_DONT_FAKE_MONOTONIC",
                        "1",
                        "FAKETIME_FORCE_MONOTONIC_FIX",
                        "0",
                        "NO_FAKE_STAT",
                        "1",
                        "FAKETIME_DISABLE_SHM",
                        "1"));
    }

    /** Debian's libfaketime, when installed ({@code apt-get install faketime}). */
    public static Optional<Path> libfaketime() {
        try (Stream<Path> found =
                Files.find(Path.of("/usr/lib"), 3, ServiceProcess::isLibfaketime)) {
            return found.findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static boolean isLibfaketime(Path path, BasicFileAttributes attributes) {
        return path.getFileName().toString().equals("libfaketime.so.1")
                && path.getParent().getFileName().toString().equals("faketime");
    }

    private static ServiceProcess start(
            String name, Map<String, String> properties, Map<String, String> environment) {
        Path app = unpackedWithArchive();
        int port = freePort();
        // C1 only: three instances starting at once on 2 cores start in about half the time without
        // C2 compiling beside them (docs/RELIABILITY.md); the scenarios test crashes and restarts,
        // not peak code. The class-data archive halves a start again (docs/BENCHMARKS.md).
        List<String> command =
                new ArrayList<>(
                        List.of(
                                JAVA,
                                "-Xmx256m",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:SharedArchiveFile=" + app.resolve("cakeday.jsa"),
                                "-jar",
                                app.resolve("cakeday.jar").toString(),
                                "--server.port=" + port));
        if (!properties.containsKey("db-scheduler.scheduler-name")) {
            command.add("--db-scheduler.scheduler-name=" + name);
        }
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Path log =
                    Files.createDirectories(Path.of("target", "it-logs"))
                            .resolve(name + "-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process =
                    builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ServiceProcess(name, port, log, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * target/cds: this run's target/cakeday.jar unpacked with its class-data archive, made by
     * ops/cds-archive.sh once per test run with this JVM. The process tests call it before their
     * clocks start, so that the first instance's start-up does not include it.
     */
    public static synchronized Path unpackedWithArchive() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(
                    JAR + " is missing: these tests run after `./mvnw package`");
        }
        if (unpacked) {
            return UNPACKED;
        }
        try {
            FileSystemUtils.deleteRecursively(UNPACKED);
            Path output = Files.createTempFile("cds-archive", ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(
                                    "bash",
                                    "ops/cds-archive.sh",
                                    JAR.toString(),
                                    UNPACKED.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile());
            builder.environment().put("JAVA", JAVA);
            Process archive = builder.start();
            boolean ended = archive.waitFor(3, TimeUnit.MINUTES);
            if (!ended) {
                archive.descendants().forEach(ProcessHandle::destroyForcibly);
                archive.destroyForcibly();
            }
            if (!ended || archive.exitValue() != 0) {
                throw new IllegalStateException(
                        "ops/cds-archive.sh failed"
                                + (ended ? "" : " to end within 3 minutes")
                                + ": "
                                + Files.readString(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        unpacked = true;
        return UNPACKED;
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * The sum of one Prometheus series (all its label sets matching {@code filter}) on this
     * instance.
     */
    public double metric(String series, String filter) {
        return samples(series, filter).sum();
    }

    /** As {@link #metric}, for a series the instance must export: absent, it fails. */
    public double exportedMetric(String series, String filter) {
        double[] values = samples(series, filter).toArray();
        if (values.length == 0) {
            throw new AssertionError(name + " exports no " + series + " matching '" + filter + "'");
        }
        return Arrays.stream(values).sum();
    }

    private DoubleStream samples(String series, String filter) {
        return get("/actuator/prometheus", HttpResponse.BodyHandlers.ofString())
                .body()
                .lines()
                .filter(line -> line.startsWith(series + "{") || line.startsWith(series + " "))
                .filter(line -> line.contains(filter))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void awaitReady(Duration timeout) {
        awaitHealth("readiness", timeout);
    }

    /** Waits until the process answers its liveness probe, ready or not. */
    public void awaitLive(Duration timeout) {
        awaitHealth("liveness", timeout);
    }

    /** The status of the readiness probe now: 200 ready, 503 not. */
    public int readinessStatus() {
        return get("/actuator/health/readiness", HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private <T> HttpResponse<T> get(String path, HttpResponse.BodyHandler<T> body) {
        try {
            return HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitHealth(String probe, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + port
                                                                + "/actuator/health/"
                                                                + probe))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(
                name + " not " + probe + " within " + timeout + "; see " + log);
    }

    /**
     * SIGTERM, then waits for the exit; returns how long it took, or null if it did not exit in
     * time.
     */
    public Duration terminate(Duration timeout) {
        long started = System.nanoTime();
        process.destroy();
        return waitFor(timeout) ? Duration.ofNanos(System.nanoTime() - started) : null;
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
