-- 0007: the staff dashboard at scale, staff invitations and the optional second factor.

-- Overview: counts and sums by status and currency read from this index alone.
CREATE INDEX claims_money ON claims (status, currency, amount_cents);
-- Analytics over a date range: every chart reads this covering index, never the table.
CREATE INDEX claims_analytics ON claims (created_at, status, operating_carrier, reason_code,
    route, currency, amount_cents);
-- Joins from status events to their claim read this index instead of the wide claim rows
-- (request/result JSON): queries name it with INDEXED BY.
CREATE INDEX claims_cover ON claims (id, created_at, currency, amount_cents, operating_carrier);
-- Status history: outcomes, first answer and payment times.
CREATE INDEX claim_events_status ON claim_events (kind, to_status, claim_id, at);
-- The outbox page pages by id (keyset), optionally within one status.
CREATE INDEX outbox_status_id ON outbox (status, id);

-- An admin invites an agent by email; the link carries a random token whose SHA-256 is here.
CREATE TABLE staff_invitations (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email      TEXT NOT NULL COLLATE NOCASE,
    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

CREATE INDEX staff_invitations_email ON staff_invitations (email);

-- TOTP second factor (RFC 6238) for staff. `enabled_at` is set once a first code was checked;
-- `last_step` refuses a code replayed within its 30-second window.
CREATE TABLE staff_totp (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    enabled_at TEXT,
    last_step  INTEGER NOT NULL DEFAULT 0
) STRICT;
