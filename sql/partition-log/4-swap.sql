-- Partitioning a large delivery log ahead of the upgrade to V7, step 4 of 4, with every instance
-- stopped, in one transaction, as the role that owns greetings (the service's datasource user, or
-- Flyway's when it has one of its own):
--     psql "$DATABASE_URL" -1 -v ON_ERROR_STOP=1 -f sql/partition-log/4-swap.sql
-- Copies again every row written since the copy started, 10 minutes earlier still: instances write
-- updated_at from their own clocks, which may be off by up to cakeday.clock.max-offset (5 minutes
-- by default). Then it checks that the copy holds as many rows as the log, month by month, and puts
-- it in the log's place under V7's names. The first instance of the new version then finds the log
-- partitioned, and V7 leaves it as it is. The old log stays, as greetings_unpartitioned, until you
-- drop it.
--
-- What the count cannot see is a row changed without its updated_at moving (by hand, or in a
-- transaction open for longer than those 10 minutes): the service does neither, and the dry run's
-- check (3-index.sql) shows what differs.
LOCK TABLE greetings IN ACCESS EXCLUSIVE MODE;

INSERT INTO greetings_v7
SELECT * FROM greetings
WHERE updated_at >= (SELECT started - interval '10 minutes' FROM greetings_v7_copy)
ON CONFLICT (id, local_date) DO UPDATE
SET user_id = EXCLUDED.user_id, occasion = EXCLUDED.occasion, due_at = EXCLUDED.due_at,
    status = EXCLUDED.status, attempts = EXCLUDED.attempts, uncertain_attempts = EXCLUDED.uncertain_attempts,
    last_error = EXCLUDED.last_error, next_attempt_at = EXCLUDED.next_attempt_at,
    sent_at = EXCLUDED.sent_at, provider_message_id = EXCLUDED.provider_message_id,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
    retried_at = EXCLUDED.retried_at, retried_by = EXCLUDED.retried_by;

DO $check$
DECLARE
    differ text;
BEGIN
    SELECT string_agg(coalesce(log.month, copy.month)::text, ', ') INTO differ
    FROM (SELECT date_trunc('month', local_date) AS month, count(*) AS greetings FROM greetings GROUP BY 1) log
    FULL JOIN (SELECT date_trunc('month', local_date) AS month, count(*) AS greetings FROM greetings_v7 GROUP BY 1) copy
        ON copy.month = log.month
    WHERE log.greetings IS DISTINCT FROM copy.greetings;
    IF differ IS NOT NULL THEN
        RAISE EXCEPTION 'the copy differs from the log in the months of %: nothing was swapped', differ;
    END IF;
END
$check$;

ALTER TABLE greetings RENAME TO greetings_unpartitioned;
ALTER TABLE greetings_unpartitioned RENAME CONSTRAINT greetings_pkey TO greetings_unpartitioned_pkey;
ALTER TABLE greetings_unpartitioned RENAME CONSTRAINT greetings_status_check TO greetings_unpartitioned_status_check;
ALTER INDEX greetings_user_idx RENAME TO greetings_unpartitioned_user_idx;
ALTER INDEX greetings_sent_at_idx RENAME TO greetings_unpartitioned_sent_at_idx;
ALTER INDEX greetings_open_idx RENAME TO greetings_unpartitioned_open_idx;
ALTER INDEX greetings_local_date_idx RENAME TO greetings_unpartitioned_local_date_idx;

ALTER TABLE greetings_v7 RENAME TO greetings;
ALTER TABLE greetings RENAME CONSTRAINT greetings_v7_date_in_id TO greetings_date_in_id;
ALTER TABLE greetings RENAME CONSTRAINT greetings_v7_pkey TO greetings_pkey;
ALTER INDEX greetings_v7_user_idx RENAME TO greetings_user_idx;
ALTER INDEX greetings_v7_sent_at_idx RENAME TO greetings_sent_at_idx;
ALTER INDEX greetings_v7_open_idx RENAME TO greetings_open_idx;
ALTER INDEX greetings_v7_local_date_idx RENAME TO greetings_local_date_idx;

DO $rename$
DECLARE
    partition text;
BEGIN
    FOR partition IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = CAST('greetings' AS regclass)
    LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', partition, replace(partition, 'greetings_v7_', 'greetings_'));
    END LOOP;
END
$rename$;

DROP TABLE greetings_v7_copy;
