-- Inspection queries for the users table. Run one with psql, e.g.
--   psql "$DATABASE_URL" -v email=ada@example.com -f sql/users.sql
-- or copy the query you need.

-- A user by email (unique ignoring case, as the API enforces).
SELECT id, first_name, last_name, email, birthday, anniversary, timezone, locale, opt_out, created_at, updated_at
FROM users
WHERE lower(email) = lower(:'email');

-- Users per language (NULL: the default locale) and how many opted out of something.
SELECT locale, count(*) AS users, count(*) FILTER (WHERE opt_out <> '{}') AS opted_out
FROM users
GROUP BY locale
ORDER BY users DESC;

-- Users per time zone, largest first.
SELECT timezone, count(*) AS users
FROM users
GROUP BY timezone
ORDER BY users DESC;

-- Users whose birthday or anniversary falls on a given month-day (MMDD as a number: 314 = 14 March),
-- found through the index the greeting planner uses.
SELECT o.occasion, u.id, u.email, u.birthday, u.anniversary, u.timezone, o.owed_since
FROM user_occasions o
JOIN users u ON u.id = o.user_id
WHERE o.month_day = 1210
ORDER BY o.occasion, u.timezone;
