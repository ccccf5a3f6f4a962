-- Partitioning a large delivery log ahead of the upgrade to V7, step 4 of 4, with every instance
-- stopped, in one transaction:
--     psql "$DATABASE_URL" -1 -v ON_ERROR_STOP=1 -f sql/partition-log/4-swap.sql
-- Copies again what was written since the copy started (10 minutes earlier still: instances write
-- updated_at from their own clocks, which may be that far off, up to cakeday.clock.max-offset),
-- checks that the copy holds every greeting as the log has it, and puts it in the log's place under V7's names. The first instance
-- of the new version then finds the log partitioned, and V7 leaves it as it is. The old log stays,
-- as greetings_unpartitioned, until you drop it.
LOCK TABLE greetings IN SHARE MODE;

INSERT INTO greetings_v7 (id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts,
                          last_error, next_attempt_at, sent_at, provider_message_id, created_at,
                          updated_at, retried_at, retried_by)
SELECT id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts,
       last_error, next_attempt_at, sent_at, provider_message_id, created_at,
       updated_at, retried_at, retried_by
FROM greetings
WHERE updated_at >= (SELECT started - interval '10 minutes' FROM greetings_v7_copy)
ON CONFLICT (id, local_date) DO UPDATE
SET user_id = EXCLUDED.user_id, occasion = EXCLUDED.occasion, due_at = EXCLUDED.due_at,
    status = EXCLUDED.status, attempts = EXCLUDED.attempts, uncertain_attempts = EXCLUDED.uncertain_attempts,
    last_error = EXCLUDED.last_error, next_attempt_at = EXCLUDED.next_attempt_at,
    sent_at = EXCLUDED.sent_at, provider_message_id = EXCLUDED.provider_message_id,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
    retried_at = EXCLUDED.retried_at, retried_by = EXCLUDED.retried_by;

-- Every row older than the copy's start was copied by step 2 and has not changed since (every write
-- sets updated_at): the counts show that none is missing, and the rows written since are compared
-- column by column.
DO $check$
DECLARE
    since timestamptz := (SELECT started - interval '10 minutes' FROM greetings_v7_copy);
    differ bigint;
    extra bigint;
BEGIN
    SELECT count(*) INTO differ FROM (
        SELECT id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts, last_error,
               next_attempt_at, sent_at, provider_message_id, created_at, updated_at, retried_at, retried_by
        FROM greetings WHERE updated_at >= since
        EXCEPT ALL
        SELECT id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts, last_error,
               next_attempt_at, sent_at, provider_message_id, created_at, updated_at, retried_at, retried_by
        FROM greetings_v7 WHERE updated_at >= since) changed;
    SELECT (SELECT count(*) FROM greetings_v7) - (SELECT count(*) FROM greetings) INTO extra;
    IF differ > 0 OR extra <> 0 THEN
        RAISE EXCEPTION 'the copy differs from the log (% rows written during the copy differ, % rows more in'
                        ' the copy): nothing was swapped', differ, extra;
    END IF;
END
$check$;

ALTER TABLE greetings RENAME TO greetings_unpartitioned;
ALTER INDEX greetings_pkey RENAME TO greetings_unpartitioned_pkey;
ALTER INDEX greetings_user_idx RENAME TO greetings_unpartitioned_user_idx;
ALTER INDEX greetings_sent_at_idx RENAME TO greetings_unpartitioned_sent_at_idx;
ALTER INDEX greetings_open_idx RENAME TO greetings_unpartitioned_open_idx;
ALTER INDEX greetings_local_date_idx RENAME TO greetings_unpartitioned_local_date_idx;

ALTER TABLE greetings_v7 RENAME TO greetings;
ALTER TABLE greetings RENAME CONSTRAINT greetings_v7_date_in_id TO greetings_date_in_id;
ALTER INDEX greetings_v7_pkey RENAME TO greetings_pkey;
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
