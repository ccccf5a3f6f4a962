-- Partitioning a large delivery log ahead of the upgrade to V7, step 2 of 4, while the instances
-- of the old version keep running:
--     psql "$DATABASE_URL" -f sql/partition-log/2-copy.sql
-- Copies the log into greetings_v7 a month at a time, each month in a transaction of its own, so
-- that no lock or transaction lasts longer than a month's copy. Rows written meanwhile are copied
-- again at the swap (step 4), found by updated_at from the start recorded here. Run again after an
-- interruption: months copied already are skipped row by row.
DO $copy$
DECLARE
    month date;
    copied bigint;
BEGIN
    CREATE TABLE IF NOT EXISTS greetings_v7_copy (started timestamptz NOT NULL);
    INSERT INTO greetings_v7_copy (started)
    SELECT now() WHERE NOT EXISTS (SELECT 1 FROM greetings_v7_copy);
    COMMIT;
    FOR month IN
        SELECT CAST(m AS date)
        FROM generate_series(
                 (SELECT date_trunc('month', min(local_date)) FROM greetings),
                 (SELECT date_trunc('month', max(local_date)) FROM greetings),
                 interval '1 month') AS m
    LOOP
        INSERT INTO greetings_v7
        SELECT * FROM greetings
        WHERE local_date >= month AND local_date < month + interval '1 month'
        ON CONFLICT (id, local_date) DO NOTHING;
        GET DIAGNOSTICS copied = ROW_COUNT;
        COMMIT;
        RAISE NOTICE 'copied % greetings of %', copied, to_char(month, 'YYYY-MM');
    END LOOP;
END
$copy$;
