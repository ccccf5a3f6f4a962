-- Loads synthetic users numbered :from .. :to (and their BIRTHDAY occasion) straight into the
-- product's tables, for the planning benchmark. Data preparation, not a measured step.
-- Needs bench_zone_buckets (bucket 0..9999 -> zone, in proportion to population), which run.sh
-- fills from `java ops/bench/SyntheticUsers.java zones`.
-- Same distribution as SyntheticUsers.java: birthdays uniform over the 366 month-days (Feb 29
-- included, then in a leap year), years 1950-2005. Users were created 1 to 3 years ago, so every
-- greeting in the planning window is owed.
-- run.sh drops the tables' keys and indexes before loading (drop-keys.sql) and builds them
-- afterwards (restore-keys.sql).
SET synchronous_commit = off;
SET work_mem = '256MB';

WITH drawn AS (
    SELECT n,
           floor(random() * 10000)::int AS bucket,
           date '2000-01-01' + floor(random() * 366)::int AS day_2000,
           1950 + floor(random() * 56)::int AS year,
           1952 + 4 * floor(random() * 14)::int AS leap_year,
           now() - interval '1 day' * (365 + floor(random() * 730)) AS created
    FROM generate_series(:from::bigint, :to::bigint) AS n
), new_users AS (
    INSERT INTO users (first_name, last_name, email, birthday, timezone, created_at, updated_at)
    SELECT 'Bench', 'User', 'u' || d.n || '@bench.example',
           make_date(CASE WHEN to_char(d.day_2000, 'MMDD') = '0229' THEN d.leap_year ELSE d.year END,
                     extract(month FROM d.day_2000)::int, extract(day FROM d.day_2000)::int),
           z.zone, d.created, d.created
    FROM drawn d JOIN bench_zone_buckets z ON z.bucket = d.bucket
    RETURNING id, birthday, timezone, created_at)
INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
SELECT id, 'BIRTHDAY', (extract(month FROM birthday) * 100 + extract(day FROM birthday))::smallint, timezone,
       created_at, (created_at AT TIME ZONE timezone)::date
FROM new_users;
