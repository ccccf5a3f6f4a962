package dev.cakeday.config;

import java.util.List;

/**
 * A command-line task, run as {@code java -jar cakeday.jar <name> [args] [--spring.property=value
 * ...]}.
 */
public interface Command {

    String name();

    /** One line: the arguments and what the command does. */
    String usage();

    /** Runs with the arguments after the name; returns the process exit code. */
    int run(List<String> args);
}
