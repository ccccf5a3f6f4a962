package dev.cakeday.greeting.log;

import dev.cakeday.config.Command;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code maintain-log}: one run of the log's maintenance now, as the hourly task does: after
 * lowering {@code cakeday.log.retention}, say, or to see what it does.
 */
@Component
class MaintainLogCommand implements Command {

    private final LogMaintenance maintenance;

    MaintainLogCommand(LogMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    @Override
    public String name() {
        return "maintain-log";
    }

    @Override
    public String usage() {
        return "maintain-log   add the log's months ahead, empty its default partition, drop (and"
                + " archive) the months past cakeday.log.retention";
    }

    @Override
    public int run(List<String> args) {
        if (!args.isEmpty()) {
            System.err.println("usage: java -jar cakeday.jar " + usage());
            return 2;
        }
        long started = System.nanoTime();
        LogMaintenance.Run run = maintenance.maintain();
        System.out.printf(
                "months added %s, greetings moved out of the default partition %,d, months dropped"
                        + " %s, in %d ms%n",
                run.added(),
                run.movedFromDefault(),
                run.dropped(),
                (System.nanoTime() - started) / 1_000_000);
        return 0;
    }
}
