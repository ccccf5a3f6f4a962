package dev.cakeday.security;

import dev.cakeday.config.ApiProperties;
import no.bekk.dbscheduler.ui.controller.ConfigController;
import no.bekk.dbscheduler.uistarter.config.DbSchedulerUiProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The task view (db-scheduler-ui) shows its run and delete buttons only to those who may use them.
 * With tokens configured, a reader's page is read-only (its actions would get 403 anyway); an
 * admin's, or everyone's on an instance without tokens, has them. This replaces the library's own
 * {@link ConfigController}, which asks for the read-only flag on each request.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(value = "db-scheduler-ui.enabled", matchIfMissing = true)
class TaskViewConfig {

    @Bean
    ConfigController configController(DbSchedulerUiProperties view, ApiProperties api) {
        boolean open = api.allTokens().isEmpty();
        return new ConfigController(
                view.isHistory(), () -> view.isReadOnly() || !(open || isAdmin()));
    }

    private static boolean isAdmin() {
        return ApiTokens.isAdmin(SecurityContextHolder.getContext().getAuthentication());
    }
}
