-- One row per user and occasion (BIRTHDAY, ANNIVERSARY, …): what the planner needs to find the
-- users greeted on a given local date through an index, and since when greetings are owed.
CREATE TABLE user_occasions (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    occasion   text        NOT NULL,
    month_day  smallint    NOT NULL CHECK (month_day BETWEEN 101 AND 1231), -- 314 = 14 March
    timezone   text        NOT NULL,                                         -- the user's, kept in step
    -- When the user was created or last changed this occasion's date or their zone: greetings
    -- due before it are not owed, except on owed_from itself (that day's greeting goes out at once).
    owed_since timestamptz NOT NULL,
    owed_from  date        NOT NULL,                                         -- owed_since's local date
    PRIMARY KEY (user_id, occasion)
);

CREATE INDEX user_occasions_month_day_idx ON user_occasions (month_day, timezone);

-- The delivery log: one row per greeting, keyed like its scheduled_tasks row and its Idempotency-Key.
CREATE TABLE greetings (
    id                  text        PRIMARY KEY,   -- {userId}:{OCCASION}:{localDate}
    user_id             uuid        NOT NULL,      -- no foreign key: the log outlives a deleted user
    occasion            text        NOT NULL,
    local_date          date        NOT NULL,
    due_at              timestamptz NOT NULL,
    status              text        NOT NULL CHECK (status IN ('SENDING', 'SENT', 'FAILED', 'EXPIRED', 'SKIPPED')),
    attempts            int         NOT NULL DEFAULT 0,
    -- Attempts made again after one whose outcome was never recorded (the instance died or lost
    -- the database mid-send). Each is a possible second mail at a provider that ignores the
    -- Idempotency-Key: the one window the design leaves open, counted here.
    uncertain_attempts  int         NOT NULL DEFAULT 0,
    last_error          text,
    next_attempt_at     timestamptz,
    sent_at             timestamptz,
    provider_message_id text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

CREATE INDEX greetings_user_idx ON greetings (user_id, local_date DESC);
CREATE INDEX greetings_sent_at_idx ON greetings (sent_at) WHERE status = 'SENT';
CREATE INDEX greetings_open_idx ON greetings (updated_at) WHERE status IN ('SENDING', 'FAILED', 'EXPIRED');

-- How far the planner has planned: greetings due after it that were never planned, and are
-- now past max-lateness (every instance was down that long), are recorded EXPIRED, not lost.
CREATE TABLE planner_state (
    id              smallint    PRIMARY KEY CHECK (id = 1),
    planned_through timestamptz NOT NULL
);
