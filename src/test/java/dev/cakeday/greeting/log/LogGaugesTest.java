package dev.cakeday.greeting.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.MigratedSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The gauges an operator's alerts watch: months ready ahead, and rows in the default partition. */
class LogGaugesTest {

    @Test
    void theGaugesFollowTheMonthsReadyAndTheDefaultPartition() {
        try (MigratedSchema schema = new MigratedSchema()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            LogGauges gauges =
                    new LogGauges(
                            new LogPartitions(schema.jdbc()),
                            schema.jdbc(),
                            Clock.systemUTC(),
                            meters);

            gauges.refresh();
            assertThat(meters.get("cakeday.log.months.ahead").gauge().value())
                    .as("the migration's 13 months ahead")
                    .isEqualTo(13);
            assertThat(meters.get("cakeday.log.default.rows").gauge().value()).isZero();

            YearMonth gap = YearMonth.now(ZoneOffset.UTC).plusMonths(5);
            schema.jdbc().sql("DROP TABLE " + LogPartitions.table(gap)).update();
            schema.jdbc()
                    .sql(
                            """
                            INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, created_at, updated_at)
                            VALUES (:id, gen_random_uuid(), 'BIRTHDAY', :date, now(), 'SENT', now(), now())""")
                    .param("id", "00000000-0000-0000-0000-000000000001:BIRTHDAY:" + gap.atDay(9))
                    .param("date", gap.atDay(9))
                    .update();
            gauges.refresh();

            assertThat(meters.get("cakeday.log.months.ahead").gauge().value())
                    .as("up to the gap")
                    .isEqualTo(4);
            assertThat(meters.get("cakeday.log.default.rows").gauge().value()).isEqualTo(1);
        }
    }
}
