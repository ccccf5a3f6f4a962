package dev.cakeday.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
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
        TestDatabase db = TestDatabase.get();
        String url = db.url() + (db.url().contains("?") ? "&" : "?") + "currentSchema=" + name;
        dataSource = new DriverManagerDataSource(url, db.user(), db.password());
        // As the service sets it (application.yml): V5 builds an index CONCURRENTLY.
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(name)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load()
                .migrate();
        jdbc = JdbcClient.create(dataSource);
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
