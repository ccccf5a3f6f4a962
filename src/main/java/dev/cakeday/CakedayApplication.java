package dev.cakeday;

import dev.cakeday.config.Commands;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

// No user store: the API authenticates bearer tokens only (SecurityConfig), so Boot's generated
// password has no use.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class CakedayApplication {

    /** The service; or, with a command name first ({@code import}, {@code plan}), that command. */
    public static void main(String[] args) {
        if (Commands.isCommand(args)) {
            System.exit(Commands.run(CakedayApplication.class, args));
        }
        SpringApplication.run(CakedayApplication.class, args);
    }
}
