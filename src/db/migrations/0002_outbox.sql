-- 0002: the mail outbox. A row is inserted in the same transaction as the change that causes
-- the mail, with subject and bodies already rendered; the worker in `mail::worker` sends it.
-- Times are UTC text with milliseconds (`YYYY-MM-DDTHH:MM:SS.mmmZ`) so they sort as text.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    to_addr         TEXT NOT NULL,
    to_name         TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    auto_submitted  INTEGER NOT NULL DEFAULT 1 CHECK (auto_submitted IN (0, 1)),
    -- queued: waiting (or waiting for a retry); sending: claimed by a worker until
    -- next_attempt_at (a lease); sent: accepted by the SMTP server; failed: given up.
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    -- Development without SMTP: where the .eml copy was written.
    eml_path        TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
) STRICT;

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_created ON outbox (created_at);
