package dev.cakeday.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A schema of its own in the run's database, migrated by Cakeday's Flyway migrations and dropped on
 * close: for a test that needs tables no other test has touched (never analysed, say) without
 * starting the application.
 */
public final class MigratedSchema implements AutoCloseable {

    private final String name = "migrated_" + UUID.randomUUID().toString().substring(0, 8);
    private final DriverManagerDataSource dataSource;
    private final JdbcClient jdbc;

    public MigratedSchema() {
        this("latest");
    }

    /**
     * Migrated up to {@code version} only ("latest" for all), for a test that loads data into an
     * older schema and then {@link #migrate migrates} it on.
     */
    public MigratedSchema(String version) {
        TestDatabase db = TestDatabase.get();
        String url = db.url() + (db.url().contains("?") ? "&" : "?") + "currentSchema=" + name;
        dataSource = new DriverManagerDataSource(url, db.user(), db.password());
        migrate(version);
        jdbc = JdbcClient.create(dataSource);
    }

    /** Runs the migrations after the current version, up to {@code version} ("latest" for all). */
    public void migrate(String version) {
        // As the service sets it (application.yml): V5 builds an index CONCURRENTLY.
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(name)
                .target(version)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load()
                .migrate();
    }

    /** Connections to this schema (its name first in the search path), each new. */
    public DataSource dataSource() {
        return dataSource;
    }

    public String name() {
        return name;
    }

    /**
     * Statements on this schema's tables (its name first in the search path), each on a new
     * connection.
     */
    public JdbcClient jdbc() {
        return jdbc;
    }

    /** A connection of its own, for settings that must hold across statements. */
    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        jdbc.sql("DROP SCHEMA " + name + " CASCADE").update();
    }
}
