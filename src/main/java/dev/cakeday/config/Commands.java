package dev.cakeday.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs a {@link Command} in a context without the web server and without the scheduler, so that a
 * command never claims greetings; it uses the same configuration (datasource, greeting rules) as
 * the service.
 */
public final class Commands {

    public static final Set<String> NAMES = Set.of("import", "plan", "maintain-log");

    private Commands() {}

    public static boolean isCommand(String[] args) {
        return args.length > 0 && NAMES.contains(args[0]);
    }

    public static int run(Class<?> application, String[] args) {
        try (ConfigurableApplicationContext context =
                new SpringApplicationBuilder(application)
                        .web(WebApplicationType.NONE)
                        .bannerMode(Banner.Mode.OFF)
                        .logStartupInfo(false)
                        .properties(
                                Map.of(
                                        "db-scheduler.enabled", "false",
                                        // Without the scheduler, the readiness group's dbScheduler
                                        // member does not exist.
                                        "management.endpoint.health.validate-group-membership",
                                                "false",
                                        "cakeday.greeting.plan-on-startup", "false",
                                        "logging.level.root", "WARN"))
                        .run(args)) {
            // --key=value arguments are Spring properties; the rest belong to the command.
            List<String> commandArgs =
                    Arrays.stream(args)
                            .skip(1)
                            .filter(a -> !(a.startsWith("--") && a.contains("=")))
                            .toList();
            Command command =
                    context.getBeansOfType(Command.class).values().stream()
                            .filter(c -> c.name().equals(args[0]))
                            .findFirst()
                            .orElseThrow();
            return command.run(commandArgs);
        }
    }
}
