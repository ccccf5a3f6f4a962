-- Users. Month-day columns (e.g. 314 for 14 March) let the greeting planner find the users
-- whose occasion falls in its window through an index, never by scanning the table.
CREATE TABLE users (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    first_name     text        NOT NULL,
    last_name      text        NOT NULL,
    email          text        NOT NULL,
    birthday       date        NOT NULL,
    timezone       text        NOT NULL,
    anniversary    date,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    birthday_md    smallint    GENERATED ALWAYS AS
                       ((extract(month FROM birthday) * 100 + extract(day FROM birthday))::smallint) STORED,
    anniversary_md smallint    GENERATED ALWAYS AS
                       ((extract(month FROM anniversary) * 100 + extract(day FROM anniversary))::smallint) STORED
);

CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_birthday_md_idx ON users (birthday_md, timezone);
CREATE INDEX users_anniversary_md_idx ON users (anniversary_md, timezone) WHERE anniversary_md IS NOT NULL;

-- db-scheduler's table, exactly as db-scheduler 16.7.0 documents it for PostgreSQL.
CREATE TABLE scheduled_tasks (
    task_name            text                     NOT NULL,
    task_instance        text                     NOT NULL,
    task_data            bytea,
    execution_time       timestamp with time zone NOT NULL,
    picked               boolean                  NOT NULL,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);

CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
