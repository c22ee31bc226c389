-- 0001: accounts. Passengers and staff share one table; `role` separates them.
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name              TEXT NOT NULL DEFAULT '',
    password_hash     TEXT,
    role              TEXT NOT NULL DEFAULT 'passenger' CHECK (role IN ('passenger', 'agent', 'admin')),
    locale            TEXT NOT NULL DEFAULT 'fr',
    email_verified_at TEXT,
    disabled_at       TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE INDEX users_role ON users (role);
