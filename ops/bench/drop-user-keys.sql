-- Before a bulk load for the planning benchmark: saves the definitions of the keys and indexes of
-- users and user_occasions in bench_user_keys, then drops them. Loading millions of rows into
-- tables without indexes and building the indexes once afterwards (restore-user-keys.sql) takes a
-- fraction of the time of inserting every row into indexes larger than shared_buffers.
-- Data preparation, never run against a database in use.
CREATE TABLE bench_user_keys (step int NOT NULL, ddl text NOT NULL);

-- Primary keys first, then the other indexes, then the foreign key that needs users' primary key.
INSERT INTO bench_user_keys
SELECT CASE contype WHEN 'p' THEN 1 ELSE 3 END,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint
WHERE conrelid IN ('users'::regclass, 'user_occasions'::regclass) AND contype IN ('p', 'f')
UNION ALL
SELECT 2, pg_get_indexdef(indexrelid)
FROM pg_index
WHERE indrelid IN ('users'::regclass, 'user_occasions'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = pg_index.indexrelid);

SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname)
FROM pg_constraint
WHERE conrelid IN ('users'::regclass, 'user_occasions'::regclass) AND contype IN ('p', 'f')
ORDER BY contype = 'p'
\gexec
SELECT format('DROP INDEX %s', indexrelid::regclass)
FROM pg_index
WHERE indrelid IN ('users'::regclass, 'user_occasions'::regclass)
\gexec
