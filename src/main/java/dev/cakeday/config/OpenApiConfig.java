package dev.cakeday.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document served at /v3/api-docs and browsed at /swagger-ui.html. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String BEARER = "bearer";

    @Bean
    OpenAPI cakedayOpenApi(ObjectProvider<BuildProperties> build) {
        String version =
                build.getIfAvailable() == null ? "dev" : build.getIfAvailable().getVersion();
        return new OpenAPI()
                .info(
                        new Info()
                                .title("Cakeday API")
                                .version(version)
                                .description(
                                        "Users and their greetings. Every error is RFC 9457 application/problem+json. "
                                                + "When tokens are configured (cakeday.api.tokens), every endpoint but health, info and "
                                                + "(by default) metrics and these docs needs Authorization: Bearer <token>: a reader token "
                                                + "may read, an admin token may also write.")
                                .license(new License().name("Proprietary")))
                .components(
                        new Components()
                                .addSecuritySchemes(
                                        BEARER,
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.HTTP)
                                                .scheme("bearer")
                                                .description(
                                                        "Required when tokens are configured: a reader token for GET, an admin token for writes")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
