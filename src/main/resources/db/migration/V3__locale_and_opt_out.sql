-- The language a user's greetings are written in (a canonical BCP 47 tag; NULL: the default
-- locale), and the occasions they opted out of ('ALL': every one). An opted-out occasion has no
-- user_occasions row, so the planner never finds it.
ALTER TABLE users
    ADD COLUMN locale  text,
    ADD COLUMN opt_out text[] NOT NULL DEFAULT '{}';
