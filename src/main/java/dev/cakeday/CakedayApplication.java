package dev.cakeday;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CakedayApplication {

    public static void main(String[] args) {
        SpringApplication.run(CakedayApplication.class, args);
    }
}
