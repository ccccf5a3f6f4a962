package dev.cakeday.security;

import dev.cakeday.config.ApiProperties;
import dev.cakeday.config.ApiProperties.Role;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.Header;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one security boundary. Spring Security matches paths as Spring MVC routes them (decoded,
 * normalised), and its firewall refuses the spellings that could be read two ways, so no spelling
 * of a path reaches a handler it does not guard. With tokens configured it denies by default: only
 * the open paths answer without a token, a reader token may read, an admin token may do everything.
 * Tokens come as bearer tokens; on the task view (db-scheduler-ui), a page a browser opens and so
 * cannot give a bearer header, also as the password of HTTP Basic, with a same-origin check on its
 * actions. With no token configured at all, the API is open, as before tokens existed, and the
 * start-up log says so.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    /** The operator console's page and its own scripts and styles. */
    private static final String CONSOLE_PAGE = "/console";

    private static final String CONSOLE_ASSETS = "/console/**";

    /** The unsubscribe links, whose HMAC is their authority. */
    private static final String UNSUBSCRIBE_LINKS = "/unsubscribe/*";

    private static final RequestMatcher UNSUBSCRIBE = paths(List.of(UNSUBSCRIBE_LINKS));

    /** The task view's page, its assets and its API, the only paths that take HTTP Basic. */
    private static final RequestMatcher TASK_VIEW =
            paths(List.of("/db-scheduler", "/db-scheduler/**", "/db-scheduler-api/**"));

    @Bean
    ProblemResponses problemResponses(JsonMapper json) {
        return new ProblemResponses(json, TASK_VIEW);
    }

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http, ApiProperties properties, ProblemResponses problems) {
        ApiTokens tokens = new ApiTokens(properties.allTokens());
        // No cookies or sessions: a bearer token cannot be forged cross-site. Actions a page
        // elsewhere makes a browser send, which an API without tokens would take, and the task
        // view's Basic credentials, which a browser attaches by itself, are checked by SameOrigin
        // instead of a CSRF token.
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(
                        session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .exceptionHandling(
                        errors ->
                                errors.authenticationEntryPoint(problems)
                                        .accessDeniedHandler(problems))
                // Beside Spring Security's defaults (nosniff, no framing, no caching).
                .headers(headers -> headers.addHeaderWriter(consoleHeaders()))
                .addFilterBefore(
                        new SameOrigin(TASK_VIEW, UNSUBSCRIBE, problems),
                        BasicAuthenticationFilter.class);
        if (tokens.none()) {
            log.warn(
                    "No API token is configured (cakeday.api.tokens, cakeday.api.token): every endpoint is open to"
                            + " anyone who can reach this port");
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        RequestMatcher open = openPaths(properties);
        AuthenticationFilter token =
                new AuthenticationFilter(tokens, new TokenConverter(TASK_VIEW));
        // An open path answers whatever Authorization a probe or a proxy sends along.
        token.setRequestMatcher(new NegatedRequestMatcher(open));
        token.setSuccessHandler((request, response, authentication) -> {});
        token.setFailureHandler(new AuthenticationEntryPointFailureHandler(problems));
        String[] anyRole = {Role.READER.name(), Role.ADMIN.name()};
        http.addFilterAt(token, BasicAuthenticationFilter.class)
                .authorizeHttpRequests(
                        requests ->
                                requests
                                        // Boot's error page shows a status, nothing protected; a
                                        // forward to it has passed this chain.
                                        .dispatcherTypeMatchers(DispatcherType.ERROR)
                                        .permitAll()
                                        .requestMatchers(open)
                                        .permitAll()
                                        .requestMatchers(HttpMethod.GET)
                                        .hasAnyRole(anyRole)
                                        .requestMatchers(HttpMethod.HEAD)
                                        .hasAnyRole(anyRole)
                                        .requestMatchers(HttpMethod.OPTIONS)
                                        .hasAnyRole(anyRole)
                                        .anyRequest()
                                        .hasRole(Role.ADMIN.name()));
        return http.build();
    }

    /**
     * The allow-list: health, info, the unsubscribe links (whose HMAC is their authority) and the
     * operator console's page and scripts (which hold no data: the page asks the API with the
     * operator's token) always, metrics and the API docs unless switched off.
     */
    private static RequestMatcher openPaths(ApiProperties properties) {
        List<String> paths =
                new ArrayList<>(
                        List.of(
                                "/actuator/health/**",
                                "/actuator/info",
                                UNSUBSCRIBE_LINKS,
                                CONSOLE_PAGE,
                                CONSOLE_ASSETS,
                                "/webjars/uplot/**"));
        if (properties.publicMetrics()) {
            paths.add("/actuator/prometheus");
        }
        if (properties.publicDocs()) {
            paths.addAll(List.of("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html"));
        }
        return paths(paths);
    }

    private static RequestMatcher paths(List<String> patterns) {
        PathPatternRequestMatcher.Builder match = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(patterns.stream().<RequestMatcher>map(match::matcher).toList());
    }

    /**
     * The console runs only its own scripts and styles and talks only to this origin: no inline
     * script or style attribute, no eval, no form that navigates, no framing, no referrer. uPlot
     * sets element styles through the CSSOM, which the policy allows.
     */
    static final String CONSOLE_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                    + " img-src 'self' data:; base-uri 'none'; form-action 'none';"
                    + " frame-ancestors 'none'";

    private static HeaderWriter consoleHeaders() {
        return new DelegatingRequestMatcherHeaderWriter(
                paths(List.of(CONSOLE_PAGE, CONSOLE_ASSETS)),
                new StaticHeadersWriter(
                        List.of(
                                new Header("Content-Security-Policy", CONSOLE_POLICY),
                                new Header("Referrer-Policy", "no-referrer"))));
    }
}
