package dev.cakeday.greeting;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/** Reads greeting rows of {@code scheduled_tasks}; db-scheduler and the planner write them. */
@Repository
class PendingGreetingRepository {

    static final String SELECT_BY_IDS =
            """
            SELECT task_instance, execution_time, picked, picked_by, last_heartbeat
            FROM scheduled_tasks
            WHERE task_name = :taskName AND task_instance = ANY(:ids)
            ORDER BY execution_time""";

    private final JdbcClient jdbc;

    PendingGreetingRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<PendingGreeting> find(Collection<GreetingId> ids) {
        return jdbc.sql(SELECT_BY_IDS)
                .param("taskName", GreetingTasks.GREETING_TASK)
                .param(
                        "ids",
                        new SqlArrayValue("text", ids.stream().map(GreetingId::toString).toArray()))
                .query(
                        (rs, row) ->
                                new PendingGreeting(
                                        rs.getString("task_instance"),
                                        instant(rs.getTimestamp("execution_time")),
                                        rs.getBoolean("picked"),
                                        rs.getString("picked_by"),
                                        instant(rs.getTimestamp("last_heartbeat"))))
                .list();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
