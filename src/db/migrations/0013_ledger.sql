-- 0010: the money ledger (issue 15). Every movement of money on a claim is a row; rows are
-- never updated or deleted (a correction is a new row), which the triggers below enforce.
-- The claim's status follows the ledger: a new status `airline_paid` (the airline paid us, the
-- passenger not yet), and `paid` keeps its meaning "the passenger was paid". A new staff role
-- `finance` may record money.

-- Widening two CHECK constraints (claims.status, users.role) without rebuilding the tables
-- (which would cascade deletes through the foreign keys): SQLite's documented procedure for
-- changing CHECK constraints (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds
-- Of Table Schema Changes", the simpler procedure). Every stored row satisfies the wider
-- constraint; the CREATE TABLE below bumps the schema cookie, so every connection reloads.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''rejected'', ''paid''', '''rejected'', ''airline_paid'', ''paid''')
 WHERE type = 'table' AND name = 'claims';
UPDATE sqlite_schema
   SET sql = replace(sql, '''agent'', ''admin''', '''agent'', ''finance'', ''admin''')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;

CREATE TABLE ledger (
    id             INTEGER PRIMARY KEY,
    claim_id       INTEGER NOT NULL REFERENCES claims (id),
    -- The passenger's position on the claim; NULL for the whole claim.
    passenger      INTEGER,
    kind           TEXT NOT NULL CHECK (kind IN ('airline_payment_received',
                   'paid_directly_to_passenger', 'payout_to_passenger', 'fee',
                   'refund_chargeback', 'write_off')),
    -- Integer minor units; a correction is a row with the opposite sign.
    amount_minor   INTEGER NOT NULL CHECK (amount_minor <> 0),
    currency       TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP')),
    -- The value date (YYYY-MM-DD): when the money moved, as the bank says.
    value_date     TEXT NOT NULL,
    -- Who paid (an airline payment) and the bank's reference.
    payer          TEXT NOT NULL DEFAULT '',
    reference      TEXT NOT NULL DEFAULT '',
    -- An airline payment that settles the debt (the rest, if any, is written off).
    settles        INTEGER NOT NULL DEFAULT 0 CHECK (settles IN (0, 1)),
    note           TEXT NOT NULL DEFAULT '',
    -- Who recorded it, kept as text as in the audit log (no foreign key: the row never changes).
    recorded_by_id INTEGER,
    recorded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL
) STRICT;

CREATE INDEX ledger_claim ON ledger (claim_id, id);
CREATE INDEX ledger_kind_date ON ledger (kind, value_date);

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN
    SELECT RAISE(ABORT, 'ledger rows are never updated: record a correction');
END;

CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN
    SELECT RAISE(ABORT, 'ledger rows are never deleted: record a correction');
END;

-- A settlement below the amount due, offered to the passenger, who accepts or refuses it on
-- their claim page (the mandate forbids settling below the amount due without consent). The
-- amount is what the airline would pay in all for the claim.
CREATE TABLE settlement_offers (
    id             INTEGER PRIMARY KEY,
    claim_id       INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP')),
    note           TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'accepted', 'refused', 'withdrawn')),
    offered_by_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    offered_by     TEXT NOT NULL,
    offered_at     TEXT NOT NULL,
    answered_at    TEXT
) STRICT;

CREATE INDEX settlement_offers_claim ON settlement_offers (claim_id, id);

-- Claims paid with the old "Mark as paid" (status paid or closed with an amount paid) keep
-- their status, now backed by the rows that button stood for: the airline's payment, our fee
-- (the claim's percentage, rounded half up as `domain::claim::split_fee`) and the payout.
INSERT INTO ledger (claim_id, kind, amount_minor, currency, value_date, note, recorded_by,
                    created_at)
SELECT id, 'airline_payment_received', paid_cents, currency, substr(updated_at, 1, 10),
       'Recorded by "Mark as paid" before the ledger', 'migration 0010', updated_at
  FROM claims WHERE status IN ('paid', 'closed') AND paid_cents > 0;

INSERT INTO ledger (claim_id, kind, amount_minor, currency, value_date, note, recorded_by,
                    created_at)
SELECT id, 'fee', (paid_cents * fee_percent + 50) / 100, currency, substr(updated_at, 1, 10),
       'Recorded by "Mark as paid" before the ledger', 'migration 0010', updated_at
  FROM claims
 WHERE status IN ('paid', 'closed') AND paid_cents > 0 AND (paid_cents * fee_percent + 50) / 100 > 0;

INSERT INTO ledger (claim_id, kind, amount_minor, currency, value_date, note, recorded_by,
                    created_at)
SELECT id, 'payout_to_passenger', paid_cents - (paid_cents * fee_percent + 50) / 100, currency,
       substr(updated_at, 1, 10), 'Recorded by "Mark as paid" before the ledger',
       'migration 0010', updated_at
  FROM claims
 WHERE status IN ('paid', 'closed') AND paid_cents > 0
   AND paid_cents - (paid_cents * fee_percent + 50) / 100 > 0;
