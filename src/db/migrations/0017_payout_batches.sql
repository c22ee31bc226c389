-- 0017: payout batches (issue 15). Finance staff gather claims whose money we hold into a
-- batch, export the euro transfers as a SEPA credit-transfer file (pain.001.001.09), pay the
-- rest by hand, then mark the batch sent: only then are the payouts recorded in the ledger and
-- the passengers told. A batch never changes after creation except its state; a claim is in at
-- most one active (open or exported) batch, which the partial unique index enforces.
CREATE TABLE payout_batches (
    id            INTEGER PRIMARY KEY,
    state         TEXT NOT NULL DEFAULT 'open'
                  CHECK (state IN ('open', 'exported', 'sent', 'cancelled')),
    created_by_id INTEGER,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    -- The SEPA file as first exported: downloading it again serves the same bytes.
    sepa_xml      TEXT,
    exported_at   TEXT,
    exported_by   TEXT,
    sent_at       TEXT,
    sent_by       TEXT,
    cancelled_at  TEXT,
    cancelled_by  TEXT
) STRICT;

CREATE INDEX payout_batches_state ON payout_batches (state, id);

CREATE TABLE payout_batch_items (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES payout_batches (id),
    claim_id     INTEGER NOT NULL REFERENCES claims (id),
    -- The payout account as it was when the batch was made.
    holder       TEXT NOT NULL,
    iban         TEXT NOT NULL,
    currency     TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP')),
    gross_minor  INTEGER NOT NULL CHECK (gross_minor > 0),
    fee_minor    INTEGER NOT NULL CHECK (fee_minor >= 0),
    net_minor    INTEGER NOT NULL CHECK (net_minor > 0 AND net_minor + fee_minor = gross_minor),
    method       TEXT NOT NULL CHECK (method IN ('sepa', 'manual')),
    end_to_end_id TEXT NOT NULL UNIQUE,
    remittance   TEXT NOT NULL,
    -- 1 while the batch is open or exported: the claim is taken.
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (batch_id, claim_id)
) STRICT;

CREATE UNIQUE INDEX payout_batch_items_one_active ON payout_batch_items (claim_id)
    WHERE active = 1;

-- Only the `active` flag of an item may change (when its batch is sent or cancelled).
CREATE TRIGGER payout_batch_items_frozen
BEFORE UPDATE OF batch_id, claim_id, holder, iban, currency, gross_minor, fee_minor, net_minor,
                 method, end_to_end_id, remittance ON payout_batch_items BEGIN
    SELECT RAISE(ABORT, 'payout batch items never change: cancel the batch and make another');
END;

CREATE TRIGGER payout_batch_items_no_delete BEFORE DELETE ON payout_batch_items BEGIN
    SELECT RAISE(ABORT, 'payout batch items are never deleted: cancel the batch');
END;
