package dev.cakeday.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's PgBouncer ({@code apt-get install pgbouncer}) in transaction pooling mode in front of
 * the run's test database: its own process on a free port of 127.0.0.1, with a configuration
 * generated into a temporary directory, stopped by {@link #close()}. Missing, it fails the test
 * that needs it with the command that installs it: it never skips.
 */
public final class PgBouncer implements AutoCloseable {

    /**
     * Server connections per database and user: fewer than one instance's Hikari pool (8), so that
     * the tests see clients share them.
     */
    public static final int POOL_SIZE = 4;

    /**
     * What the PostgreSQL JDBC driver needs under transaction pooling: no named server-side
     * prepared statements, which live in one server connection while the next transaction may run
     * on another.
     */
    public static final String DRIVER_SETTINGS = "prepareThreshold=0";

    private static final Pattern VERSION = Pattern.compile("PgBouncer (\\d+)\\.(\\d+)\\.(\\d+)");

    private final TestDatabase db;
    private final String version;
    private final int port;
    private final Path dir;
    private final Path log;
    private final Process process;

    private PgBouncer(
            TestDatabase db, String version, int port, Path dir, Path log, Process process) {
        this.db = db;
        this.version = version;
        this.port = port;
        this.dir = dir;
        this.log = log;
        this.process = process;
    }

    /** Starts one in front of {@code db} and waits until its admin console answers. */
    public static PgBouncer start(TestDatabase db) {
        Path executable =
                executable()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "pgbouncer is missing: apt-get install pgbouncer"
                                                        + " (.ci/run installs it; CAKEDAY_PGBOUNCER"
                                                        + " names another)"));
        String version = version(executable);
        int port = freePort();
        try {
            // Readable by the user it switches to when started as root.
            Path dir =
                    Files.createTempDirectory(
                            "cakeday-pgbouncer-",
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rwxr-xr-x")));
            Path users = dir.resolve("userlist.txt");
            Files.writeString(users, quoted(db.user()) + " " + quoted(db.password()) + "\n");
            Path ini = dir.resolve("pgbouncer.ini");
            Files.writeString(ini, configuration(db, version, port, users));
            for (Path file : List.of(users, ini)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
            List<String> command = new ArrayList<>(List.of(executable.toString()));
            // PgBouncer refuses to run as root; -u switches to the user Debian's package runs it
            // as.
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("-u", "postgres"));
            }
            command.add(ini.toString());
            Path log =
                    Files.createDirectories(Path.of("target", "it-logs"))
                            .resolve("pgbouncer-" + port + ".log");
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            PgBouncer bouncer = new PgBouncer(db, version, port, dir, log, process);
            try {
                bouncer.awaitAnswering(Duration.ofSeconds(20));
            } catch (RuntimeException e) {
                bouncer.close();
                throw e;
            }
            System.out.println(
                    "PgBouncer "
                            + version
                            + " on 127.0.0.1:"
                            + port
                            + " in transaction pooling mode, "
                            + POOL_SIZE
                            + " server connections; log "
                            + log);
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String configuration(TestDatabase db, String version, int port, Path users) {
        StringBuilder ini =
                new StringBuilder(
                        """
                        [databases]
                        %s = host=%s port=%d dbname=%s

                        [pgbouncer]
                        listen_addr = 127.0.0.1
                        listen_port = %d
                        unix_socket_dir =
                        auth_type = trust
                        auth_file = %s
                        admin_users = %s
                        pool_mode = transaction
                        max_client_conn = 500
                        default_pool_size = %d
                        reserve_pool_size = 0
                        ; The JDBC driver sends it at start-up; PgBouncer passes on only what it tracks.
                        ignore_startup_parameters = extra_float_digits
                        log_connections = 0
                        log_disconnections = 0
                        """
                                .formatted(
                                        db.name(),
                                        // c-ares may answer ::1 first, where the server may not
                                        // listen.
                                        "localhost".equals(db.host()) ? "127.0.0.1" : db.host(),
                                        db.port(),
                                        db.name(),
                                        port,
                                        users,
                                        db.user(),
                                        POOL_SIZE));
        if (atLeast(version, 1, 21)) {
            // Tracks the prepared statements of the protocol per server connection. The driver,
            // set to prepareThreshold=0, prepares none by name; it is here as in production.
            ini.append("max_prepared_statements = 100\n");
        }
        return ini.toString();
    }

    /** {@code CAKEDAY_PGBOUNCER}, else pgbouncer on the PATH or in /usr/sbin (Debian's). */
    static Optional<Path> executable() {
        String configured = System.getenv("CAKEDAY_PGBOUNCER");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(
                        Stream.of(path.split(File.pathSeparator)).filter(entry -> !entry.isBlank()),
                        Stream.of("/usr/sbin", "/usr/local/sbin"))
                .map(entry -> Path.of(entry, "pgbouncer"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String version(Path executable) {
        try {
            Process p =
                    new ProcessBuilder(executable.toString(), "--version")
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(
                        executable + " --version did not name a PgBouncer version: " + out);
            }
            return m.group(1) + "." + m.group(2) + "." + m.group(3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        int ma = Integer.parseInt(parts[0]);
        int mi = Integer.parseInt(parts[1]);
        return ma > major || (ma == major && mi >= minor);
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    public String version() {
        return version;
    }

    /** The test database through PgBouncer, with the driver settings transaction pooling needs. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db.name() + "?" + DRIVER_SETTINGS;
    }

    /**
     * The service's settings behind PgBouncer: its traffic through it, Flyway's migrations straight
     * to PostgreSQL (they need a session of their own: an advisory lock held across transactions).
     */
    public Map<String, String> serviceProperties() {
        return Map.of(
                "spring.datasource.url", url(),
                "spring.datasource.username", db.user(),
                "spring.datasource.password", db.password(),
                "spring.flyway.url", db.url(),
                "spring.flyway.user", db.user(),
                "spring.flyway.password", db.password());
    }

    public Path log() {
        return log;
    }

    /**
     * One of the admin console's {@code SHOW} commands ({@code STATS}, {@code POOLS}, {@code
     * CLIENTS}, …): its rows, each column by name. Asked through psql: the console answers the JDBC
     * driver's set-up ({@code SET extra_float_digits}) with an error.
     */
    public List<Map<String, String>> show(String what) {
        List<String> command =
                List.of(
                        psql().toString(),
                        "--no-psqlrc",
                        "--no-align",
                        "--field-separator=\t",
                        "--pset=footer=off",
                        "--host=127.0.0.1",
                        "--port=" + port,
                        "--username=" + db.user(),
                        "--no-password",
                        "--dbname=pgbouncer",
                        "--command=SHOW " + what);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // A console that does not answer must fail the test, not hang it.
            builder.environment().put("PGCONNECT_TIMEOUT", "5");
            Process p = builder.start();
            // The answer is a few lines, well within the pipe's buffer: wait first, then read, so
            // that a console that takes the connection and never answers fails instead of hangs.
            boolean exited = p.waitFor(10, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
            if (!exited || p.exitValue() != 0 || lines.isEmpty()) {
                throw new IllegalStateException(
                        "PgBouncer's admin console did not answer SHOW "
                                + what
                                + " ("
                                + String.join(" ", lines)
                                + "); see "
                                + log);
            }
            String[] columns = lines.get(0).split("\t", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] values = line.split("\t", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.length && i < values.length; i++) {
                    row.put(columns[i], values[i]);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** psql, which the admin console needs: on the PATH or in /usr/bin. */
    private static Path psql() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin"))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry, "psql"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "psql is missing, which asks PgBouncer's admin console:"
                                                + " apt-get install postgresql-client"));
    }

    /** The row of {@code SHOW STATS} or {@code SHOW POOLS} of the test database. */
    public Map<String, String> ofTheDatabase(String what) {
        return show(what).stream()
                .filter(row -> db.name().equals(row.get("database")))
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "PgBouncer has no " + what + " row for " + db.name()));
    }

    /** Transactions PgBouncer has carried to the test database since it started. */
    public long transactions() {
        return Long.parseLong(ofTheDatabase("STATS").get("total_xact_count"));
    }

    /** Client connections to the test database now: the instances' pools. */
    public long clients() {
        Map<String, String> pool = ofTheDatabase("POOLS");
        return Long.parseLong(pool.get("cl_active")) + Long.parseLong(pool.get("cl_waiting"));
    }

    /** Server connections to the test database now, whatever their state. */
    public long servers() {
        Map<String, String> pool = ofTheDatabase("POOLS");
        return Stream.of("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login")
                .mapToLong(column -> Long.parseLong(pool.getOrDefault(column, "0")))
                .sum();
    }

    private void awaitAnswering(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "pgbouncer exited with " + process.exitValue() + " at start; see " + log);
            }
            if (listening()) {
                show("VERSION");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "pgbouncer not listening on "
                                + port
                                + " within "
                                + timeout
                                + "; see "
                                + log);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGINT is PgBouncer's safe shutdown; SIGTERM (this) its immediate one, enough for tests. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.err.println("Could not remove " + dir + ": " + e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
