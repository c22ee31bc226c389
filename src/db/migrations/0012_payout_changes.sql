-- 0012: the passenger changes where we pay them (issue #19). A change waits for the link
-- emailed to the account; once confirmed it keeps the values it replaced — the history of a
-- claim's payout account, for the passenger's timeline and for audit.
CREATE TABLE payout_changes (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    new_iban     TEXT NOT NULL,
    new_holder   TEXT NOT NULL,
    old_iban     TEXT,
    old_holder   TEXT,
    token_hash   TEXT NOT NULL UNIQUE,
    requested_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    confirmed_at TEXT,
    -- Replaced by a newer request before it was confirmed.
    superseded   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX payout_changes_claim ON payout_changes (claim_id, requested_at);
