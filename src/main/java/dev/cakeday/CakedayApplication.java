package dev.cakeday;

import dev.cakeday.config.Commands;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
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
