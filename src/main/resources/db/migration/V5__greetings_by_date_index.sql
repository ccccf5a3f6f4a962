-- The operators' views of the log (GET /greetings, its summary, a bulk retry) read it by local
-- date, newest first. Built CONCURRENTLY, so that a large log keeps taking writes meanwhile;
-- Flyway runs this statement outside a transaction, which is why it has a file of its own.
CREATE INDEX CONCURRENTLY IF NOT EXISTS greetings_local_date_idx ON greetings (local_date, id);
