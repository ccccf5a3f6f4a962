package dev.cakeday.config;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Graceful shutdown: when the application closes (SIGTERM), before the web server drains and the
 * connection pool goes, the scheduler stops claiming rows and lets running greetings finish (up to
 * twice {@code shutdown-max-wait}); rows still picked by this instance then are handed back, so
 * that another instance takes them at once instead of after the dead-instance timeout. (A closing
 * context, not a lifecycle stop: Spring also stops lifecycles to pause a context, and a stopped
 * db-scheduler cannot start again.)
 */
@Component
class SchedulerHandOff {

    static final String RELEASE_PICKED =
            """
            UPDATE scheduled_tasks
            SET picked = false, picked_by = NULL, last_heartbeat = NULL, version = version + 1
            WHERE picked AND picked_by = :instance""";

    private static final Logger log = LoggerFactory.getLogger(SchedulerHandOff.class);

    private final ObjectProvider<Scheduler> scheduler;
    private final JdbcClient jdbc;
    private final InstanceName instance;

    SchedulerHandOff(ObjectProvider<Scheduler> scheduler, JdbcClient jdbc, InstanceName instance) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
        this.instance = instance;
    }

    @EventListener(ContextClosedEvent.class)
    void handOff() {
        Scheduler active = scheduler.getIfAvailable();
        if (active == null) {
            return;
        }
        active.stop();
        int released = jdbc.sql(RELEASE_PICKED).param("instance", instance.value()).update();
        log.info("Scheduler stopped; {} unfinished greeting rows handed back", released);
    }
}
