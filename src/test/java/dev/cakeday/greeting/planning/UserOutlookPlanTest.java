package dev.cakeday.greeting.planning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.MigratedSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * {@code GET /user/{id}}'s statement reads every table through an index on tables that were never
 * analysed, whether PostgreSQL plans it for the values bound (the first executions) or once for any
 * values (the generic plan a server-side prepared statement may settle on).
 */
class UserOutlookPlanTest {

    static final int USERS = 50_000;
    static final List<String> OCCASIONS = List.of("ANNIVERSARY", "BIRTHDAY");
    static final LocalDate FROM = LocalDate.of(2024, 1, 1);
    static final LocalDate TO = LocalDate.of(2029, 12, 31);
    static final List<String> TABLES = List.of("users", "user_occasions", "greetings");

    /** The tables that hold the rows loaded: the log's are two of its months. */
    static final List<String> LOADED =
            List.of("users", "user_occasions", "greetings_2025_01", "greetings_2026_01");

    static MigratedSchema schema;
    static JdbcClient jdbc;
    static UUID userId;

    /**
     * Users, their occasions and a log as a load leaves them, never analysed: autovacuum is off for
     * these tables in case the server runs it.
     */
    @BeforeAll
    static void loadWithoutStatistics() {
        schema = new MigratedSchema();
        jdbc = schema.jdbc();
        // The log's months of the rows below; autovacuum is a setting of each partition.
        jdbc.sql(
                        "SELECT greetings_add_month(make_date(y, 1, 1)) FROM generate_series(2025, 2026) AS y")
                .query()
                .listOfRows();
        List<String> tables = new ArrayList<>(TABLES.subList(0, 2));
        tables.addAll(
                jdbc.sql(
                                "SELECT relname FROM pg_inherits JOIN pg_class ON oid = inhrelid"
                                        + " WHERE inhparent = CAST('greetings' AS regclass)")
                        .query(String.class)
                        .list());
        for (String table : tables) {
            jdbc.sql("ALTER TABLE " + table + " SET (autovacuum_enabled = false)").update();
        }
        jdbc.sql(
                        """
                INSERT INTO users (first_name, last_name, email, birthday, timezone, anniversary,
                                   created_at, updated_at)
                SELECT 'Bulk', 'User' || n, 'bulk' || n || '@example.com', DATE '1990-01-01' + n % 365,
                       'Europe/Paris', CASE WHEN n % 2 = 0 THEN DATE '2015-01-01' + n % 365 END, now(), now()
                FROM generate_series(1, :users) AS n""")
                .param("users", USERS)
                .update();
        jdbc.sql(
                        """
                INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
                SELECT id, 'BIRTHDAY', extract(month FROM birthday) * 100 + extract(day FROM birthday),
                       timezone, created_at, CAST(created_at AS date)
                FROM users
                UNION ALL
                SELECT id, 'ANNIVERSARY', extract(month FROM anniversary) * 100 + extract(day FROM anniversary),
                       timezone, created_at, CAST(created_at AS date)
                FROM users WHERE anniversary IS NOT NULL""")
                .update();
        jdbc.sql(
                        """
                INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts,
                                       created_at, updated_at)
                SELECT id || ':BIRTHDAY:' || y || '-01-01', id, 'BIRTHDAY', make_date(y, 1, 1), now(), 'SENT', 1,
                       now(), now()
                FROM users, generate_series(2025, 2026) AS y""")
                .update();
        userId =
                jdbc.sql("SELECT id FROM users WHERE anniversary IS NOT NULL LIMIT 1")
                        .query(UUID.class)
                        .single();
    }

    @AfterAll
    static void drop() {
        if (schema != null) {
            schema.close();
        }
    }

    @Test
    void theTablesHaveNoStatistics() {
        assertThat(
                        jdbc.sql(
                                        """
                        SELECT count(*) FROM pg_stat_user_tables
                        WHERE schemaname = :schema AND relname IN (:tables)
                          AND last_analyze IS NULL AND last_autoanalyze IS NULL""")
                                .param("schema", schema.name())
                                .param("tables", LOADED)
                                .query(Long.class)
                                .single())
                .isEqualTo(LOADED.size());
        assertThat(
                        jdbc.sql("SELECT count(*) FROM pg_stats WHERE schemaname = :schema")
                                .param("schema", schema.name())
                                .query(Long.class)
                                .single())
                .isZero();
    }

    @Test
    void theStatementForTheValuesBoundReadsEveryTableThroughAnIndex() {
        String plan =
                String.join(
                        "\n",
                        jdbc.sql("EXPLAIN " + UserOutlookRepository.SELECT_USER_OUTLOOK)
                                .param("id", userId)
                                .param("occasions", new SqlArrayValue("text", OCCASIONS.toArray()))
                                .param("from", FROM)
                                .param("to", TO)
                                .query(String.class)
                                .list());

        assertReadsEveryTableThroughAnIndex(plan);
    }

    @Test
    void theGenericPlanReadsEveryTableThroughAnIndex() throws SQLException {
        Map<String, String> positions =
                Map.of("id", "$1", "occasions", "$2", "from", "$3", "to", "$4");
        Matcher named =
                Pattern.compile(":(\\w+)").matcher(UserOutlookRepository.SELECT_USER_OUTLOOK);
        StringBuilder positional = new StringBuilder();
        while (named.find()) {
            assertThat(positions).containsKey(named.group(1));
            named.appendReplacement(
                    positional, Matcher.quoteReplacement(positions.get(named.group(1))));
        }
        named.appendTail(positional);
        List<String> plan = new ArrayList<>();
        try (Connection connection = schema.connect();
                Statement st = connection.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE outlook (uuid, text[], date, date) AS " + positional);
            try (ResultSet rs =
                    st.executeQuery(
                            "EXPLAIN EXECUTE outlook ('%s', '{%s}', '%s', '%s')"
                                    .formatted(userId, String.join(",", OCCASIONS), FROM, TO))) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        }

        assertReadsEveryTableThroughAnIndex(String.join("\n", plan));
    }

    private static void assertReadsEveryTableThroughAnIndex(String plan) {
        System.out.println("GET /user/{id} on tables never analysed:\n" + plan);
        assertThat(plan.lines().filter(line -> line.contains("Seq Scan")))
                .as("only partitions of the log that are empty, read at no cost, are scanned")
                .allMatch(
                        line ->
                                line.contains("Seq Scan on greetings_")
                                        && line.contains("(cost=0.00..0.00 "));
        assertThat(plan)
                .containsPattern("Index (Only )?Scan using users_pkey on users")
                .containsPattern("Index (Only )?Scan using user_occasions_pkey on user_occasions")
                .containsPattern(
                        "(Index (Only )?Scan|Bitmap Index Scan) (using|on) greetings_\\w+_user_id_local_date_idx");
        assertThat(plan.lines().filter(line -> line.contains(" on ")).collect(Collectors.toList()))
                .as("every table read")
                .hasSizeGreaterThanOrEqualTo(TABLES.size());
    }
}
