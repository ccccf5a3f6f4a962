-- The delivery log, partitioned by month of local_date: retention drops whole months (a metadata
-- operation, not a mass DELETE), and the duplicate checks of delivery and planning probe one
-- month's index instead of the whole log's. ops/RUNBOOK.md has the procedure for a log too large
-- to copy in one transaction, as this migration does.
--
-- An instance of an older version cannot write to this log (its upserts name the old key): stop
-- them all before starting the first instance of this one. A log partitioned ahead of time by the
-- runbook's procedure is left as it is.

-- One month's partition: created as a table of its own, filled with that month's rows from the
-- default partition, then attached. Attaching takes a SHARE UPDATE EXCLUSIVE lock on the log, so
-- greetings keep being written meanwhile; the default partition is locked while its rows move, so
-- that none is written there in between. Returns the rows moved; 0 when the month had a partition.
-- A table of the month's name that is not one of the log's partitions (a month detached by hand)
-- is an error: attaching it blind could put rows back that were meant to go.
CREATE OR REPLACE FUNCTION greetings_add_month(month date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    first_day date := date_trunc('month', month)::date;
    next_first_day date := (date_trunc('month', month) + interval '1 month')::date;
    partition text := 'greetings_' || to_char(month, 'YYYY_MM');
    moved bigint;
BEGIN
    LOCK TABLE greetings_default IN SHARE ROW EXCLUSIVE MODE;
    IF to_regclass(partition) IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM pg_inherits
                   WHERE inhrelid = to_regclass(partition) AND inhparent = to_regclass('greetings')) THEN
            RETURN 0;
        END IF;
        RAISE EXCEPTION 'table % exists but is not a partition of greetings', partition;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE greetings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition);
    -- As the log was set before partitioning (V6): vacuum and analyze each month as it fills.
    EXECUTE format('ALTER TABLE %I SET (autovacuum_vacuum_scale_factor = 0.05,'
                   ' autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02)',
                   partition);
    EXECUTE format('WITH moved AS (DELETE FROM greetings_default WHERE local_date >= %L AND local_date < %L'
                   ' RETURNING *) INSERT INTO %I SELECT * FROM moved', first_day, next_first_day, partition);
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXECUTE format('ALTER TABLE greetings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   partition, first_day, next_first_day);
    RETURN moved;
END
$$;

DO $convert$
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('greetings')) = 'p' THEN
        RAISE NOTICE 'greetings is partitioned already: nothing to convert';
        RETURN;
    END IF;

    DROP INDEX greetings_user_idx, greetings_sent_at_idx, greetings_open_idx, greetings_local_date_idx;
    ALTER TABLE greetings RENAME TO greetings_unpartitioned;
    -- Its constraints' names go to the new log, as a fresh install names them.
    ALTER TABLE greetings_unpartitioned RENAME CONSTRAINT greetings_pkey TO greetings_unpartitioned_pkey;
    ALTER TABLE greetings_unpartitioned RENAME CONSTRAINT greetings_status_check TO greetings_unpartitioned_status_check;

    CREATE TABLE greetings (
        id                  text        NOT NULL,      -- {userId}:{OCCASION}:{localDate}
        user_id             uuid        NOT NULL,      -- no foreign key: the log outlives a deleted user
        occasion            text        NOT NULL,
        local_date          date        NOT NULL,      -- the partition key: the date inside id
        due_at              timestamptz NOT NULL,
        status              text        NOT NULL,
        attempts            int         NOT NULL DEFAULT 0,
        uncertain_attempts  int         NOT NULL DEFAULT 0,
        last_error          text,
        next_attempt_at     timestamptz,
        sent_at             timestamptz,
        provider_message_id text,
        created_at          timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL,
        retried_at          timestamptz,
        retried_by          text,
        -- A unique key of a partitioned table must hold its partition key. id already ends with
        -- local_date, and this check keeps them in step, so (id, local_date) is as unique as id was:
        -- no greeting can have two rows, in one month or in two.
        CONSTRAINT greetings_status_check CHECK (status IN ('SENDING', 'SENT', 'FAILED', 'EXPIRED', 'SKIPPED')),
        CONSTRAINT greetings_date_in_id CHECK (id LIKE '%:' || to_char(local_date, 'YYYY-MM-DD')),
        CONSTRAINT greetings_pkey PRIMARY KEY (id, local_date)
    ) PARTITION BY RANGE (local_date);

    CREATE INDEX greetings_user_idx ON greetings (user_id, local_date DESC);
    CREATE INDEX greetings_sent_at_idx ON greetings (sent_at) WHERE status = 'SENT';
    CREATE INDEX greetings_open_idx ON greetings (updated_at) WHERE status IN ('SENDING', 'FAILED', 'EXPIRED');
    CREATE INDEX greetings_local_date_idx ON greetings (local_date, id);

    -- Where a greeting goes when its month has no partition yet, so that none ever fails for lack of
    -- one; the log's maintenance task moves such rows into their month's partition and warns.
    CREATE TABLE greetings_default PARTITION OF greetings DEFAULT;

    -- Every month the old log holds, and the 13 ahead of now, which the maintenance task keeps ahead.
    PERFORM greetings_add_month(CAST(month AS date))
    FROM generate_series(
             date_trunc('month', least(coalesce((SELECT min(local_date) FROM greetings_unpartitioned), current_date), current_date)),
             date_trunc('month', current_date) + interval '13 months',
             interval '1 month') AS month;

    INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts,
                           last_error, next_attempt_at, sent_at, provider_message_id, created_at, updated_at,
                           retried_at, retried_by)
    SELECT id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts,
           last_error, next_attempt_at, sent_at, provider_message_id, created_at, updated_at,
           retried_at, retried_by
    FROM greetings_unpartitioned;

    DROP TABLE greetings_unpartitioned;

    ANALYZE greetings;
END
$convert$;
