-- After the bulk load: builds the keys and indexes drop-user-keys.sql saved, exactly as they were.
SET maintenance_work_mem = '1GB';
SELECT ddl FROM bench_user_keys ORDER BY step
\gexec
DROP TABLE bench_user_keys;
