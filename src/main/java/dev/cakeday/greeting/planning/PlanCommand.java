package dev.cakeday.greeting.planning;

import dev.cakeday.config.Command;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code plan}: one planning run now, as the daily task does (after changing send-time, for
 * instance); {@code plan --explain} prints PostgreSQL's plan of the planning statement instead.
 */
@Component
class PlanCommand implements Command {

    private final GreetingPlanner planner;
    private final Clock clock;

    PlanCommand(GreetingPlanner planner, Clock clock) {
        this.planner = planner;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public String usage() {
        return "plan [--explain]   run one planning run now, or print the EXPLAIN of its statement";
    }

    @Override
    public int run(List<String> args) {
        if (args.equals(List.of("--explain"))) {
            planner.explainPlanAll(clock.instant()).forEach(System.out::println);
            return 0;
        }
        if (!args.isEmpty()) {
            System.err.println("usage: java -jar cakeday.jar " + usage());
            return 2;
        }
        long started = System.nanoTime();
        int created = planner.planAll(clock.instant());
        System.out.printf(
                "planned %,d greetings in %d ms%n",
                created, (System.nanoTime() - started) / 1_000_000);
        return 0;
    }
}
