-- Partitioning a large delivery log ahead of the upgrade to V7 (ops/RUNBOOK.md, "Partitioning a
-- large log"), step 1 of 4, while the instances of the old version keep running:
--     psql "$DATABASE_URL" -f sql/partition-log/1-prepare.sql
-- Creates greetings_v7, the partitioned log as V7 defines it, with a partition for every month of
-- the log and the 13 ahead, and a default partition. Nothing reads or writes it yet.
-- The log's columns in the log's order (so that rows copy as they are), its defaults and checks, and
-- V7's key and its check that the id ends with the date.
CREATE TABLE greetings_v7 (
    LIKE greetings INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    CONSTRAINT greetings_v7_date_in_id CHECK (id LIKE '%:' || to_char(local_date, 'YYYY-MM-DD')),
    CONSTRAINT greetings_v7_pkey PRIMARY KEY (id, local_date)
) PARTITION BY RANGE (local_date);

CREATE TABLE greetings_v7_default PARTITION OF greetings_v7 DEFAULT;

DO $prepare$
DECLARE
    month date;
BEGIN
    FOR month IN
        SELECT CAST(m AS date)
        FROM generate_series(
                 date_trunc('month', least(coalesce((SELECT min(local_date) FROM greetings), current_date), current_date)),
                 date_trunc('month', current_date) + interval '13 months',
                 interval '1 month') AS m
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF greetings_v7 FOR VALUES FROM (%L) TO (%L)'
                       ' WITH (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05,'
                       ' autovacuum_analyze_scale_factor = 0.02)',
                       'greetings_v7_' || to_char(month, 'YYYY_MM'), month, month + interval '1 month');
    END LOOP;
END
$prepare$;
