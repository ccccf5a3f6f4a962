-- Inspection queries for greetings: the queue (db-scheduler's scheduled_tasks, one row per greeting
-- still to send, task_name = 'greeting') and the delivery log (greetings, one row per greeting
-- attempted or decided). A greeting's id is {userId}:{OCCASION}:{localDate} in both, and it is the
-- Idempotency-Key the provider received.
--
-- Run the whole file:      psql "$DATABASE_URL" -f sql/greetings.sql
-- or one query by copying it; those with :'id' or :'user_id' need  -v id=... / -v user_id=...

-- 1. Due now: greetings whose time has come and that no instance has claimed yet.
--    A steady count with an old "oldest" means no instance is polling (all down, or paused).
SELECT count(*) AS due_unclaimed, min(execution_time) AS oldest, now() - min(execution_time) AS lag
FROM scheduled_tasks
WHERE task_name = 'greeting' AND NOT picked AND execution_time <= now();

-- 2. Being sent right now, by which instance (picked_by is the JVM name, pid@host), and how fresh its heartbeat is.
SELECT task_instance, picked_by, execution_time, last_heartbeat, now() - last_heartbeat AS heartbeat_age
FROM scheduled_tasks
WHERE task_name = 'greeting' AND picked
ORDER BY last_heartbeat;

-- 3. Picked rows with a stale heartbeat: their instance probably died. With the shipped settings
--    (heartbeat 5 s, 4 missed beats) another instance revives them within about 30 s; rows that
--    stay here longer mean no live instance is running.
SELECT task_instance, picked_by, last_heartbeat, now() - last_heartbeat AS heartbeat_age
FROM scheduled_tasks
WHERE task_name = 'greeting' AND picked AND last_heartbeat < now() - interval '30 seconds'
ORDER BY last_heartbeat;

-- 4. Pending by day (UTC): how many greetings each coming day holds, retries included.
SELECT date_trunc('day', execution_time) AS day, count(*) AS greetings,
       count(*) FILTER (WHERE consecutive_failures > 0) AS after_unexpected_errors
FROM scheduled_tasks
WHERE task_name = 'greeting'
GROUP BY 1
ORDER BY 1;

-- 5. Failing: greetings being retried (provider errors) with their last error and next try,
--    and those that ended FAILED (the provider refused them) or EXPIRED in the last 7 days.
SELECT id, status, attempts, last_error, next_attempt_at, due_at, updated_at
FROM greetings
WHERE (status = 'SENDING' AND last_error IS NOT NULL)
   OR (status IN ('FAILED', 'EXPIRED') AND updated_at > now() - interval '7 days')
ORDER BY updated_at DESC
LIMIT 200;

-- 6. Deliveries per day: outcomes by the day they were due, with lateness of those sent. The
--    log is partitioned by month of local_date, which is within a day of due_at: the condition on
--    it reads only the months it spans (ops/RUNBOOK.md, the delivery log).
SELECT date_trunc('day', due_at) AS day,
       count(*) FILTER (WHERE status = 'SENT')     AS sent,
       count(*) FILTER (WHERE status = 'FAILED')   AS failed,
       count(*) FILTER (WHERE status = 'EXPIRED')  AS expired,
       count(*) FILTER (WHERE status = 'SKIPPED')  AS skipped,
       count(*) FILTER (WHERE status = 'SENDING')  AS in_progress,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY sent_at - due_at) FILTER (WHERE status = 'SENT') AS p50_late,
       max(sent_at - due_at) FILTER (WHERE status = 'SENT') AS max_late
FROM greetings
WHERE due_at > now() - interval '30 days' AND local_date BETWEEN current_date - 31 AND current_date + 1
GROUP BY 1
ORDER BY 1 DESC;

-- 7. One greeting, everywhere it appears (-v id='0b6d…:BIRTHDAY:2027-03-14').
SELECT 'queue' AS source, task_instance AS id, execution_time AS at, picked::text AS state, picked_by AS detail
FROM scheduled_tasks WHERE task_name = 'greeting' AND task_instance = :'id'
UNION ALL
SELECT 'log', id, coalesce(sent_at, updated_at), status, coalesce(last_error, provider_message_id)
FROM greetings WHERE id = :'id' AND local_date = CAST(right(:'id', 10) AS date);

-- 8. One user's greetings (-v user_id=0b6d…): their occasions, the delivery log, and pending rows.
SELECT occasion, month_day, timezone, owed_since, owed_from FROM user_occasions WHERE user_id = :'user_id';
SELECT id, status, attempts, due_at, sent_at, last_error FROM greetings WHERE user_id = :'user_id'
ORDER BY local_date DESC;
SELECT task_instance, execution_time, picked, picked_by FROM scheduled_tasks
WHERE task_name = 'greeting' AND task_instance LIKE :'user_id' || ':%';

-- 9. The planner: when it last ran and when it runs next (a recurring db-scheduler task).
SELECT task_instance, execution_time AS next_run, last_success, last_failure, consecutive_failures, picked
FROM scheduled_tasks
WHERE task_name = 'plan-greetings';

-- 10. Possible duplicates: greetings sent again after an attempt whose outcome was never recorded
--     (the instance died or lost the database mid-send). Under a provider that honours the
--     Idempotency-Key these are harmless; under one that does not, each may be a second mail.
SELECT date_trunc('day', due_at) AS day, count(*) AS greetings, sum(uncertain_attempts) AS uncertain_attempts
FROM greetings
WHERE uncertain_attempts > 0
GROUP BY 1
ORDER BY 1 DESC;

-- 11. Operators' retries (POST /greetings/{id}/retry and /greetings/retry), newest first: who asked,
--     what the greeting was before, and what it is now.
SELECT r.asked_at, r.asked_by, r.greeting_id, r.previous_status, r.previous_error, r.forced,
       g.status AS status_now, g.attempts, g.last_error
FROM greeting_retries r
LEFT JOIN greetings g ON g.id = r.greeting_id
ORDER BY r.asked_at DESC
LIMIT 100;
