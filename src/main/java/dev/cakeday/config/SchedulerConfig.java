package dev.cakeday.config;

import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * db-scheduler plumbing: it runs on the service's clock (so tests move time for it too), stores
 * task data as JSON rather than the starter's Java serialization, and names each instance by host
 * and process, unique per start, so that {@code picked_by} tells operators which process holds a
 * row. The database is PostgreSQL, said rather than detected: the scheduler is built without a
 * connection, one checkout fewer at start-up, and the class-data training run (ops/cds-archive.sh),
 * which has no database, builds it as an instance does.
 */
@Configuration(proxyBeanMethods = false)
class SchedulerConfig {

    private static final Logger log = LoggerFactory.getLogger(SchedulerConfig.class);

    @Bean(name = "dbSchedulerClock")
    com.github.kagkarlsson.scheduler.Clock dbSchedulerClock(Clock clock) {
        return clock::instant;
    }

    /**
     * This instance's scheduler name, as {@code picked_by} shows it: the configured prefix or
     * pid@host, and a suffix.
     */
    @Bean
    InstanceName instanceName(@Value("${db-scheduler.scheduler-name:}") String configuredPrefix) {
        InstanceName name = InstanceName.startedAs(configuredPrefix);
        log.info("This instance picks greetings as '{}'", name.value());
        return name;
    }

    @Bean
    DbSchedulerCustomizer dbSchedulerCustomizer(
            JsonMapper json,
            InstanceName instance,
            @Value("${db-scheduler.always-persist-timestamp-in-utc:false}") boolean utc) {
        Serializer serializer = new JsonTaskData(json);
        Optional<SchedulerName> name = Optional.of(new SchedulerName.Fixed(instance.value()));
        // As db-scheduler's detection chooses for PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED.
        Optional<JdbcCustomization> postgresql =
                Optional.of(new PostgreSqlJdbcCustomization(false, utc));
        return new DbSchedulerCustomizer() {
            @Override
            public Optional<Serializer> serializer() {
                return Optional.of(serializer);
            }

            @Override
            public Optional<SchedulerName> schedulerName() {
                return name;
            }

            @Override
            public Optional<JdbcCustomization> jdbcCustomization() {
                return postgresql;
            }
        };
    }

    /** Task data as JSON, readable with SQL; Cakeday's own tasks carry none. */
    private record JsonTaskData(JsonMapper json) implements Serializer {

        @Override
        public byte[] serialize(Object data) {
            return data == null ? null : json.writeValueAsBytes(data);
        }

        @Override
        public <T> T deserialize(Class<T> type, byte[] data) {
            return data == null ? null : json.readValue(data, type);
        }
    }
}
