-- Autovacuum for the two tables that churn. The server-wide defaults wait for a fifth of a table
-- to be dead before vacuuming it, which suits neither. Storage parameters only: no row is
-- rewritten and writes go on while this runs.
--
-- No fillfactor on either: it helps only HOT updates, and none of their updates can be HOT. Each
-- changes an indexed column: scheduled_tasks' picking and heartbeats set last_heartbeat and its
-- retries execution_time; every write of the log sets updated_at and status, which
-- greetings_open_idx and greetings_sent_at_idx index or filter on.

-- scheduled_tasks is a queue: every greeting inserts a row, updates it while it is picked and
-- deletes it, so the table stays as small as the planning window while its dead rows pile up
-- with every burst, and each lock-and-fetch has to step over them. Vacuum after a small, mostly
-- fixed number of dead rows, unthrottled (the table is small, so a run is short), and analyze as
-- often, since the due rows' execution_time moves on all the time.
ALTER TABLE scheduled_tasks SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.01,
    autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);

-- greetings is the log: large, append-mostly, each row updated once or twice soon after its insert
-- and then left alone. Vacuum in smaller, more frequent runs than a fifth of the log at once; let
-- inserts alone trigger a vacuum as often, so that the visibility map and freezing keep up with
-- the appended rows instead of waiting for one long anti-wraparound vacuum; and analyze often
-- enough that the newest dates are in the statistics of local_date, due_at and sent_at.
ALTER TABLE greetings SET (
    autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);
