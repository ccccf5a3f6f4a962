package dev.cakeday.greeting.log;

import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code log-maintenance} recurring task. Hourly, and at once on a fleet's first start: each
 * run is cheap when there is nothing to do, and a month whose drop had to wait for its lock is
 * tried again within the hour.
 */
@Configuration(proxyBeanMethods = false)
class LogTasks {

    static final String TASK = "log-maintenance";

    static final Duration EVERY = Duration.ofHours(1);

    @Bean
    RecurringTask<Void> logMaintenanceTask(LogMaintenance maintenance) {
        return Tasks.recurring(TASK, Schedules.fixedDelay(EVERY))
                .onFailure(new FailureHandler.OnFailureRetryLater<>(Duration.ofMinutes(5)))
                .execute((instance, context) -> maintenance.maintain());
    }
}
