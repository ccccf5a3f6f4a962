-- Partitioning a large delivery log ahead of the upgrade to V7, step 3 of 4, while the instances
-- of the old version keep running:
--     psql "$DATABASE_URL" -f sql/partition-log/3-index.sql
-- The log's indexes, built once the rows are in (faster than keeping them up during the copy).
-- Each locks greetings_v7 only, which nothing uses yet. Then the dry run's check, month by month:
-- the rows of the log and of its copy, and a hash of their contents; they differ only by what was
-- written since the copy started (the last days' months). It reads both tables whole.
SET maintenance_work_mem = '1GB';
CREATE INDEX greetings_v7_user_idx ON greetings_v7 (user_id, local_date DESC);
CREATE INDEX greetings_v7_sent_at_idx ON greetings_v7 (sent_at) WHERE status = 'SENT';
CREATE INDEX greetings_v7_open_idx ON greetings_v7 (updated_at) WHERE status IN ('SENDING', 'FAILED', 'EXPIRED');
CREATE INDEX greetings_v7_local_date_idx ON greetings_v7 (local_date, id);
ANALYZE greetings_v7;

SELECT coalesce(log.month, copy.month) AS month, log.greetings AS in_log, copy.greetings AS in_copy
FROM (SELECT date_trunc('month', local_date) AS month, count(*) AS greetings,
             sum(hashtextextended(g::text, 0)) AS contents
      FROM greetings g GROUP BY 1) log
FULL JOIN (SELECT date_trunc('month', local_date) AS month, count(*) AS greetings,
                  sum(hashtextextended(c::text, 0)) AS contents
           FROM greetings_v7 c GROUP BY 1) copy
    ON copy.month = log.month
WHERE (log.greetings, log.contents) IS DISTINCT FROM (copy.greetings, copy.contents)
ORDER BY 1;
