package dev.cakeday.config;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Graceful shutdown: on SIGTERM, before the web server and the connection pool go, the scheduler
 * stops claiming rows and lets running greetings finish (up to twice {@code shutdown-max-wait});
 * rows still picked by this instance then are handed back, so that another instance takes them
 * at once instead of after the dead-instance timeout.
 */
@Component
class SchedulerHandOff implements SmartLifecycle {

    static final String RELEASE_PICKED = """
            UPDATE scheduled_tasks
            SET picked = false, picked_by = NULL, last_heartbeat = NULL, version = version + 1
            WHERE picked AND picked_by = :instance""";

    private static final Logger log = LoggerFactory.getLogger(SchedulerHandOff.class);

    private final ObjectProvider<Scheduler> scheduler;
    private final JdbcClient jdbc;
    private final InstanceName instance;
    private volatile boolean running;

    SchedulerHandOff(ObjectProvider<Scheduler> scheduler, JdbcClient jdbc, InstanceName instance) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
        this.instance = instance;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        Scheduler active = scheduler.getIfAvailable();
        if (active == null) {
            return;
        }
        active.stop();
        int released = jdbc.sql(RELEASE_PICKED).param("instance", instance.value()).update();
        log.info("Scheduler stopped; {} unfinished greeting rows handed back", released);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first, while the web server drains and the database is still there. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
