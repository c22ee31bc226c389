-- 0018: fee invoices and credit notes (issue 15). An invoice is issued when our fee is earned
-- (a `fee` row of the ledger, recorded with the payout), in the same transaction; a credit
-- note cancels an invoice, after which a corrected invoice may be issued. Both are stored as
-- issued: the figures, the parties, the PDF and its SHA-256, when and by whom. Rows are never
-- updated or deleted (the triggers below refuse both); an invoice is cancelled by the credit
-- note that references it, not by changing it.
--
-- Numbers run per calendar year without gaps: the next number is allocated inside the issuing
-- transaction (the largest of the year plus one), so a rolled-back transaction leaves no hole,
-- and the unique indexes refuse a duplicate.

CREATE TABLE invoices (
    id                INTEGER PRIMARY KEY,
    year              INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    seq               INTEGER NOT NULL CHECK (seq > 0),
    -- `2026-000123`
    number            TEXT NOT NULL UNIQUE,
    claim_id          INTEGER NOT NULL REFERENCES claims (id),
    -- The fee row of the ledger this invoice bills (NULL for none); a corrected invoice bills
    -- the same row as the one it replaces.
    ledger_id         INTEGER REFERENCES ledger (id),
    -- The cancelled invoice this one corrects.
    replaces_id       INTEGER REFERENCES invoices (id),
    currency          TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP')),
    net_minor         INTEGER NOT NULL CHECK (net_minor > 0),
    -- Basis points (2000 = 20 %); 0 with a mention when VAT does not apply.
    vat_rate_bp       INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    vat_minor         INTEGER NOT NULL CHECK (vat_minor >= 0),
    total_minor       INTEGER NOT NULL CHECK (total_minor = net_minor + vat_minor),
    vat_mention       TEXT NOT NULL DEFAULT '',
    -- The parties as printed.
    operator_json     TEXT NOT NULL,
    customer_name     TEXT NOT NULL,
    customer_address  TEXT NOT NULL DEFAULT '',
    language          TEXT NOT NULL,
    pdf               BLOB NOT NULL,
    sha256            TEXT NOT NULL,
    issued_at         TEXT NOT NULL,
    issued_by_id      INTEGER,
    issued_by         TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX invoices_year_seq ON invoices (year, seq);
CREATE INDEX invoices_claim ON invoices (claim_id, id);
CREATE INDEX invoices_ledger ON invoices (ledger_id);

CREATE TABLE credit_notes (
    id                INTEGER PRIMARY KEY,
    year              INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    seq               INTEGER NOT NULL CHECK (seq > 0),
    -- `CN-2026-000007`
    number            TEXT NOT NULL UNIQUE,
    -- One credit note cancels one invoice, wholly.
    invoice_id        INTEGER NOT NULL UNIQUE REFERENCES invoices (id),
    claim_id          INTEGER NOT NULL REFERENCES claims (id),
    currency          TEXT NOT NULL CHECK (currency IN ('EUR', 'GBP')),
    net_minor         INTEGER NOT NULL CHECK (net_minor > 0),
    vat_rate_bp       INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    vat_minor         INTEGER NOT NULL CHECK (vat_minor >= 0),
    total_minor       INTEGER NOT NULL CHECK (total_minor = net_minor + vat_minor),
    reason            TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    language          TEXT NOT NULL,
    pdf               BLOB NOT NULL,
    sha256            TEXT NOT NULL,
    issued_at         TEXT NOT NULL,
    issued_by_id      INTEGER,
    issued_by         TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX credit_notes_year_seq ON credit_notes (year, seq);
CREATE INDEX credit_notes_claim ON credit_notes (claim_id, id);

CREATE TRIGGER invoices_no_update BEFORE UPDATE ON invoices BEGIN
    SELECT RAISE(ABORT, 'invoices are never changed after issue: issue a credit note');
END;

CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices BEGIN
    SELECT RAISE(ABORT, 'invoices are never deleted: issue a credit note');
END;

CREATE TRIGGER credit_notes_no_update BEFORE UPDATE ON credit_notes BEGIN
    SELECT RAISE(ABORT, 'credit notes are never changed after issue');
END;

CREATE TRIGGER credit_notes_no_delete BEFORE DELETE ON credit_notes BEGIN
    SELECT RAISE(ABORT, 'credit notes are never deleted');
END;
