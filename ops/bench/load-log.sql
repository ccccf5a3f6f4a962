-- Loads the delivery log's rows of days :i0 .. :i1 (day 0 is :'first_day') for the log scenario of
-- run.sh: :rows rows spread evenly over :days days (row n on day floor(n * days / rows), so each day
-- holds rows / days of them, give or take one). Data preparation, not a measured step: run.sh runs
-- one of these per month, a few at once, into a log without its key and indexes, and builds them
-- afterwards (drop-keys.sql, restore-keys.sql).
--
-- As the service writes them: 95.5% SENT (sent_at 20 ms to 2 s after due_at, the provider's message
-- id), 2% FAILED, 1.5% EXPIRED and 1% SKIPPED with the reasons the service records; 90% BIRTHDAY and
-- 10% ANNIVERSARY, due at 09:00 in zones from UTC-11 to UTC+12. A row's user is one of :users
-- numbered ids (md5 of the number, as a uuid; never a loaded user's), none twice on a day.
-- From :'own_from' on (the days the planning window reaches back to) a day's rows start with the
-- loaded users' own birthday greetings, SENT, so that the planner finds them in the log as it would
-- in production.
SET synchronous_commit = off;
SET work_mem = '256MB';

WITH day AS (
    SELECT CAST(:'first_day' AS date) + CAST(i AS int) AS local_date,
           (i * :rows + :days - 1) / :days AS n_from,       -- the day's first row number
           ((i + 1) * :rows + :days - 1) / :days AS n_to    -- the next day's first
    FROM generate_series(CAST(:i0 AS bigint), :i1) AS i
), own AS (
    INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts,
                           sent_at, provider_message_id, created_at, updated_at)
    SELECT o.user_id::text || ':' || o.occasion || ':' || to_char(d.local_date, 'YYYY-MM-DD'), o.user_id,
           o.occasion, d.local_date, o.due, 'SENT', 1, 0, o.due + o.late, CAST(gen_random_uuid() AS text),
           o.due, o.due + o.late
    FROM day d
    CROSS JOIN LATERAL (
        SELECT user_id, occasion, (d.local_date + time '09:00') AT TIME ZONE timezone AS due,
               interval '1 millisecond' * (20 + floor(random() * 1980)) AS late
        FROM user_occasions
        WHERE month_day = CAST(to_char(d.local_date, 'MMDD') AS smallint) AND owed_from <= d.local_date
        LIMIT d.n_to - d.n_from) o
    WHERE d.local_date >= CAST(:'own_from' AS date)
    RETURNING local_date
), own_per_day AS (
    SELECT local_date, count(*) AS own_rows FROM own GROUP BY local_date
)
INSERT INTO greetings (id, user_id, occasion, local_date, due_at, status, attempts, uncertain_attempts,
                       last_error, next_attempt_at, sent_at, provider_message_id, created_at, updated_at)
SELECT user_id::text || ':' || occasion || ':' || to_char(local_date, 'YYYY-MM-DD'), user_id, occasion,
       local_date, due, status,
       CASE status WHEN 'SENT' THEN CASE WHEN r2 < 0.03 THEN 2 ELSE 1 END
                   WHEN 'FAILED' THEN 1 WHEN 'EXPIRED' THEN 6 ELSE 0 END,
       0,
       CASE status
           WHEN 'FAILED' THEN 'HTTP 422: {"statusCode":422,"name":"validation_error","message":"Invalid `to` field. '
                              'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format."}'
           WHEN 'EXPIRED' THEN 'gave up at max-lateness; last error: HTTP 503: {"statusCode":503,'
                               '"name":"internal_server_error","message":"The service is temporarily unavailable."}'
           WHEN 'SKIPPED' THEN CASE WHEN r2 < 0.5 THEN 'opted out' ELSE 'the user was deleted' END
       END,
       NULL,
       CASE WHEN status = 'SENT' THEN due + late END,
       CASE WHEN status = 'SENT' THEN CAST(gen_random_uuid() AS text) END,
       due,
       CASE status WHEN 'EXPIRED' THEN due + interval '3 days' WHEN 'SKIPPED' THEN due ELSE due + late END
FROM (
    SELECT local_date, n, r2, late,
           CASE WHEN r < 0.955 THEN 'SENT' WHEN r < 0.975 THEN 'FAILED' WHEN r < 0.99 THEN 'EXPIRED' ELSE 'SKIPPED' END AS status,
           CAST(md5('bench-user-' || n % :users) AS uuid) AS user_id,
           CASE WHEN n % 10 = 0 THEN 'ANNIVERSARY' ELSE 'BIRTHDAY' END AS occasion,
           (local_date + time '09:00') AT TIME ZONE 'UTC' - interval '1 hour' * (n % 24 - 11) AS due
    FROM (
        -- random() here, in a subquery of its own, so that each row draws each value once
        SELECT d.local_date, n, random() AS r, random() AS r2, interval '1 millisecond' * (20 + floor(random() * 1980)) AS late
        FROM day d
        LEFT JOIN own_per_day p ON p.local_date = d.local_date
        CROSS JOIN LATERAL generate_series(d.n_from + coalesce(p.own_rows, 0), d.n_to - 1) AS n
    ) drawn
) s;
