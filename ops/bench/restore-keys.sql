-- After the bulk load: builds the keys and indexes drop-keys.sql saved of the tables named in
-- :tables (psql -v tables=users,user_occasions), exactly as they were. Each build sorts with
-- parallel workers (max_parallel_maintenance_workers, 2 by default) in maintenance_work_mem.
SET maintenance_work_mem = '2GB';
SELECT ddl FROM bench_keys WHERE tbl = ANY (string_to_array(:'tables', ',')) ORDER BY step
\gexec
DELETE FROM bench_keys WHERE tbl = ANY (string_to_array(:'tables', ','));
SELECT 'DROP TABLE bench_keys' WHERE NOT EXISTS (SELECT 1 FROM bench_keys)
\gexec
