-- The operators' views of the log (GET /greetings, its summary, a bulk retry) read it by local
-- date, newest first. Built CONCURRENTLY, so that a large log keeps taking writes meanwhile;
-- Flyway runs these statements outside a transaction, which is why they have a file of their own.
-- A build that was interrupted leaves an invalid index behind: it is dropped and built again.
DROP INDEX CONCURRENTLY IF EXISTS greetings_local_date_idx;
CREATE INDEX CONCURRENTLY greetings_local_date_idx ON greetings (local_date, id);
