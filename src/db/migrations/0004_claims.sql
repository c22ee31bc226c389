-- 0004: claims, their passengers and timeline, and the wizard's server-side drafts.

-- A claim in progress. The browser holds a random token (encrypted cookie); only its SHA-256
-- is stored. A signed-in passenger's draft is also linked to the account, so it can be resumed
-- from another browser.
CREATE TABLE claim_drafts (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    data       TEXT NOT NULL DEFAULT '{}',
    step       TEXT NOT NULL DEFAULT 'flights',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX claim_drafts_user ON claim_drafts (user_id, updated_at);
CREATE INDEX claim_drafts_updated ON claim_drafts (updated_at);

CREATE TABLE claims (
    id               INTEGER PRIMARY KEY,
    ref              TEXT NOT NULL UNIQUE,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    status           TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'in_review',
                     'sent_to_airline', 'airline_answered', 'approved', 'rejected', 'paid', 'closed',
                     'withdrawn')),
    -- The contract's request as submitted, and the engine's answer then (JSON).
    request_json     TEXT NOT NULL,
    result_json      TEXT NOT NULL,
    amount_cents     INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    regime           TEXT NOT NULL,
    reason_code      TEXT NOT NULL,
    operating_carrier TEXT NOT NULL DEFAULT '',
    flight_number    TEXT NOT NULL,
    flight_date      TEXT NOT NULL,
    route            TEXT NOT NULL,
    booking_ref      TEXT NOT NULL,
    fee_percent      INTEGER NOT NULL,
    payout_iban      TEXT NOT NULL,
    payout_holder    TEXT NOT NULL,
    assignee_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- Lower-cased, accents and spaces folded: the duplicate check's key.
    lead_name_key    TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

-- One claim per flight and lead passenger; a withdrawn claim does not block a new one.
CREATE UNIQUE INDEX claims_duplicate ON claims (flight_number, flight_date, lead_name_key)
    WHERE status <> 'withdrawn';
CREATE INDEX claims_queue ON claims (status, created_at);
CREATE INDEX claims_user ON claims (user_id);

CREATE TABLE claim_passengers (
    claim_id   INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    birth_date TEXT,
    is_minor   INTEGER NOT NULL DEFAULT 0,
    email      TEXT,
    phone      TEXT,
    PRIMARY KEY (claim_id, position)
) STRICT;

CREATE TABLE claim_events (
    id                   INTEGER PRIMARY KEY,
    claim_id             INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    at                   TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('status', 'message', 'note')),
    actor_id             INTEGER REFERENCES users (id) ON DELETE SET NULL,
    from_status          TEXT,
    to_status            TEXT,
    body                 TEXT NOT NULL DEFAULT '',
    visible_to_passenger INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE INDEX claim_events_claim ON claim_events (claim_id, at);
