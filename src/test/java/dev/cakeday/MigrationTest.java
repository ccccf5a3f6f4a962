package dev.cakeday;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.MigratedSchema;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the migrations leave behind besides tables: the storage parameters of the churn tables. */
class MigrationTest {

    @Test
    void theChurnTablesCarryTheirAutovacuumSettings() {
        try (MigratedSchema schema = new MigratedSchema()) {
            assertThat(reloptions(schema, "scheduled_tasks"))
                    .containsExactlyInAnyOrder(
                            "autovacuum_vacuum_scale_factor=0.01",
                            "autovacuum_vacuum_threshold=1000",
                            "autovacuum_analyze_scale_factor=0.01",
                            "autovacuum_analyze_threshold=1000",
                            "autovacuum_vacuum_cost_delay=0");
            assertThat(reloptions(schema, "greetings"))
                    .as("the partitioned log holds no data of its own")
                    .isEmpty();
            String month =
                    "greetings_"
                            + YearMonth.now(ZoneOffset.UTC)
                                    .plusMonths(13)
                                    .toString()
                                    .replace('-', '_');
            assertThat(reloptions(schema, month))
                    .as("each month of the log, %s the last made by the migration", month)
                    .containsExactlyInAnyOrder(
                            "autovacuum_vacuum_scale_factor=0.05",
                            "autovacuum_vacuum_insert_scale_factor=0.05",
                            "autovacuum_analyze_scale_factor=0.02");
            assertThat(reloptions(schema, "users")).as("a table that does not churn").isEmpty();
            assertThat(
                            schema.jdbc()
                                    .sql(
                                            "SELECT conname FROM pg_constraint"
                                                    + " WHERE conrelid = to_regclass('greetings') AND contype IN ('p', 'c')")
                                    .query(String.class)
                                    .list())
                    .as("the log's constraints, named as V7 names them on a log it converts too")
                    .containsExactlyInAnyOrder(
                            "greetings_pkey", "greetings_status_check", "greetings_date_in_id");
        }
    }

    private static List<String> reloptions(MigratedSchema schema, String table) {
        return schema.jdbc()
                .sql(
                        """
                        SELECT unnest(c.reloptions) FROM pg_class c
                        JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = :schema AND c.relname = :table""")
                .param("schema", schema.name())
                .param("table", table)
                .query(String.class)
                .list();
    }
}
