-- An operator may re-open a FAILED or EXPIRED greeting (POST /greetings/{id}/retry). The log row
-- keeps the latest request, which also restarts the greeting's max-lateness window; every request
-- is kept in greeting_retries, with what the greeting was before it.
ALTER TABLE greetings
    ADD COLUMN retried_at timestamptz,
    ADD COLUMN retried_by text;

CREATE TABLE greeting_retries (
    greeting_id     text        NOT NULL,   -- greetings.id; no foreign key, like the log itself
    asked_at        timestamptz NOT NULL,
    asked_by        text        NOT NULL,   -- the API token's name, or 'anonymous' on an open API
    previous_status text        NOT NULL,
    previous_error  text,
    forced          boolean     NOT NULL,   -- asked with force=true: past max-lateness
    PRIMARY KEY (greeting_id, asked_at)
);
