package dev.cakeday.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL database of one test run, created fresh and dropped at the end ({@link
 * DropTestDatabase}). The server is found in this order: {@code CAKEDAY_TEST_JDBC_URL} (with {@code
 * CAKEDAY_TEST_JDBC_USER} / {@code CAKEDAY_TEST_JDBC_PASSWORD}, default postgres), a Testcontainers
 * postgres:17 when a Docker engine answers, localhost:5432 as postgres when it answers, else an
 * embedded PostgreSQL (zonky's, the local mode's) started for the run. {@code
 * CAKEDAY_TEST_DATABASE=embedded} chooses the embedded one whatever else answers.
 */
public final class TestDatabase {

    private static final Pattern JDBC_URL =
            Pattern.compile("^(jdbc:postgresql://[^/?]+)(/[^?]*)?(\\?.*)?$");
    private static final String NAME_PREFIX = "cakeday_test_";
    private static final long STALE_AFTER_SECONDS = 12 * 3600;
    private static TestDatabase instance;
    private static EmbeddedPostgres embedded;

    private final String serverUrl;
    private final String query;
    private final String adminDatabase;
    private final String user;
    private final String password;
    private final String name;

    private TestDatabase(String adminUrl, String user, String password) {
        Matcher m = JDBC_URL.matcher(adminUrl);
        if (!m.matches()) {
            throw new IllegalStateException(
                    "CAKEDAY_TEST_JDBC_URL must look like jdbc:postgresql://host:port/db, got "
                            + adminUrl);
        }
        this.serverUrl = m.group(1);
        String path = m.group(2);
        this.adminDatabase = path == null || path.length() <= 1 ? "postgres" : path.substring(1);
        this.query = m.group(3) == null ? "" : m.group(3);
        this.user = user;
        this.password = password;
        this.name =
                NAME_PREFIX
                        + (System.currentTimeMillis() / 1000)
                        + "_"
                        + UUID.randomUUID().toString().substring(0, 8);
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            TestDatabase db = locate();
            db.create();
            instance = db;
        }
        return instance;
    }

    static synchronized TestDatabase createdOrNull() {
        return instance;
    }

    public String url() {
        return serverUrl + "/" + name + query;
    }

    /** The URL of the run's database reached through {@code proxy} instead of directly. */
    public String urlVia(TcpProxy proxy) {
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + name + query;
    }

    /** Host and port of the server, from its JDBC URL. */
    public String host() {
        String authority = serverUrl.substring("jdbc:postgresql://".length());
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    public int port() {
        String authority = serverUrl.substring("jdbc:postgresql://".length());
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? 5432 : Integer.parseInt(authority.substring(colon + 1));
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String name() {
        return name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), credentials());
    }

    private static TestDatabase locate() {
        String configured = System.getenv("CAKEDAY_TEST_JDBC_URL");
        String user = envOr("CAKEDAY_TEST_JDBC_USER", "postgres");
        String password = envOr("CAKEDAY_TEST_JDBC_PASSWORD", "postgres");
        if ("embedded".equals(System.getenv("CAKEDAY_TEST_DATABASE"))) {
            return embedded("CAKEDAY_TEST_DATABASE=embedded");
        }
        if (configured != null && !configured.isBlank()) {
            return announced(new TestDatabase(configured, user, password), "CAKEDAY_TEST_JDBC_URL");
        }
        if (dockerAnswers()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17");
            container.start();
            return announced(
                    new TestDatabase(
                            container.getJdbcUrl(),
                            container.getUsername(),
                            container.getPassword()),
                    "Testcontainers, postgres:17");
        }
        if (answers("localhost", 5432)) {
            return announced(
                    new TestDatabase(
                            "jdbc:postgresql://localhost:5432/postgres", "postgres", password),
                    "the server on localhost:5432");
        }
        return embedded("nothing answers on localhost:5432 and no Docker engine runs");
    }

    private static TestDatabase embedded(String why) {
        try {
            embedded = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("The embedded PostgreSQL did not start", e);
        }
        String url = embedded.getJdbcUrl("postgres", "postgres");
        return announced(
                new TestDatabase(url.substring(0, url.indexOf('?')), "postgres", "postgres"),
                "embedded PostgreSQL, because " + why);
    }

    private static TestDatabase announced(TestDatabase db, String source) {
        System.out.println("Tests use PostgreSQL at " + db.serverUrl + " (" + source + ")");
        return db;
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean dockerAnswers() {
        boolean configured =
                System.getenv("DOCKER_HOST") != null
                        || Files.exists(Path.of("/var/run/docker.sock"))
                        || Files.exists(
                                Path.of(
                                        System.getProperty("user.home"),
                                        ".testcontainers.properties"));
        if (!configured) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void create() {
        try (Connection admin = admin();
                Statement st = admin.createStatement()) {
            dropStale(admin);
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The tests' PostgreSQL at "
                            + serverUrl
                            + " refused to create their database: let it trust the user postgres,"
                            + " set CAKEDAY_TEST_JDBC_URL, or CAKEDAY_TEST_DATABASE=embedded for an"
                            + " embedded server (see README, Tests) ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    void drop() {
        try (Connection admin = admin();
                Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + name + ": " + e.getMessage());
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                System.err.println("Could not stop the embedded PostgreSQL: " + e.getMessage());
            }
        }
    }

    // Databases left by runs that were killed before they could drop their own.
    private static void dropStale(Connection admin) throws SQLException {
        List<String> stale = new ArrayList<>();
        long now = System.currentTimeMillis() / 1000;
        try (Statement st = admin.createStatement();
                var rs =
                        st.executeQuery(
                                "SELECT datname FROM pg_database WHERE datname LIKE '"
                                        + NAME_PREFIX
                                        + "%'")) {
            while (rs.next()) {
                String[] parts = rs.getString(1).substring(NAME_PREFIX.length()).split("_");
                if (parts.length == 2
                        && parts[0].matches("\\d+")
                        && now - Long.parseLong(parts[0]) > STALE_AFTER_SECONDS) {
                    stale.add(rs.getString(1));
                }
            }
        }
        try (Statement st = admin.createStatement()) {
            for (String db : stale) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(serverUrl + "/" + adminDatabase + query, credentials());
    }

    private Properties credentials() {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return props;
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
