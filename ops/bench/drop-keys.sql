-- Before a bulk load: saves the definitions of the keys and indexes of the tables named in :tables
-- (psql -v tables=users,user_occasions) in bench_keys, then drops them. Loading millions of rows
-- into tables without indexes and building the indexes once afterwards (restore-keys.sql) takes a
-- fraction of the time of inserting every row into indexes larger than shared_buffers.
-- A partitioned table's are those of its parent: dropping them drops its partitions' too, and
-- restore-keys.sql builds them on the parent again, so on every partition, under the same names.
-- Data preparation, never run against a database in use.
CREATE TABLE IF NOT EXISTS bench_keys (tbl text NOT NULL, step int NOT NULL, ddl text NOT NULL);
CREATE TEMP TABLE bench_tables AS
SELECT CAST(t AS regclass) AS rel, t AS name FROM unnest(string_to_array(:'tables', ',')) AS t;

-- Primary keys first, then the other indexes, then the foreign keys that need a primary key.
-- A partitioned parent's index reads CREATE INDEX … ON ONLY …, which would build it on the parent alone.
INSERT INTO bench_keys
SELECT t.name, CASE c.contype WHEN 'p' THEN 1 ELSE 3 END,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c JOIN bench_tables t ON t.rel = c.conrelid
WHERE c.contype IN ('p', 'f')
UNION ALL
SELECT t.name, 2, replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
FROM pg_index i JOIN bench_tables t ON t.rel = i.indrelid
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);

SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname)
FROM pg_constraint
WHERE conrelid IN (SELECT rel FROM bench_tables) AND contype IN ('p', 'f')
ORDER BY contype = 'p'
\gexec
SELECT format('DROP INDEX %s', indexrelid::regclass)
FROM pg_index
WHERE indrelid IN (SELECT rel FROM bench_tables)
\gexec
DROP TABLE bench_tables;
