-- 0005: passenger documents and signed mandates. Both belong to a draft while the wizard runs
-- and are moved to the claim, in the submission's transaction, when it is submitted.

-- One uploaded file of a claim (or of a draft). The bytes live in
-- <data_dir>/documents/<sha256> (content-addressed, outside every served directory); the name
-- the passenger's device gave the file is kept only as sanitised metadata.
CREATE TABLE documents (
    id                 INTEGER PRIMARY KEY,
    claim_id           INTEGER REFERENCES claims (id) ON DELETE CASCADE,
    -- An abandoned draft takes its document rows with it (the files are shared by hash).
    draft_id           INTEGER REFERENCES claim_drafts (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('boarding_pass', 'booking', 'id', 'other')),
    -- For an identity document: whose (claim_passengers.position); NULL otherwise.
    passenger_position INTEGER,
    sha256             TEXT NOT NULL,
    size_bytes         INTEGER NOT NULL,
    content_type       TEXT NOT NULL,
    original_name      TEXT NOT NULL,
    uploaded_at        TEXT NOT NULL,
    uploaded_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    CHECK (claim_id IS NOT NULL OR draft_id IS NOT NULL)
) STRICT;

-- The same file twice on one claim (or draft) is one row.
CREATE UNIQUE INDEX documents_claim_file ON documents (claim_id, sha256)
    WHERE claim_id IS NOT NULL;
CREATE UNIQUE INDEX documents_draft_file ON documents (draft_id, sha256)
    WHERE draft_id IS NOT NULL;
CREATE INDEX documents_claim ON documents (claim_id, uploaded_at);
CREATE INDEX documents_sha256 ON documents (sha256);

-- One signed mandate per passenger of a claim (or draft). Minors' mandates are signed by the
-- lead passenger (signed_by_position = 0). `text` is exactly what was shown and signed;
-- `text_sha256` its SHA-256 (lowercase hex).
CREATE TABLE mandates (
    id                 INTEGER PRIMARY KEY,
    claim_id           INTEGER REFERENCES claims (id) ON DELETE CASCADE,
    draft_id           INTEGER REFERENCES claim_drafts (id) ON DELETE CASCADE,
    passenger_position INTEGER NOT NULL,
    passenger_name     TEXT NOT NULL,
    signed_by_position INTEGER NOT NULL,
    locale             TEXT NOT NULL,
    text               TEXT NOT NULL,
    text_sha256        TEXT NOT NULL,
    signer_name        TEXT NOT NULL,
    consent            INTEGER NOT NULL CHECK (consent = 1),
    signed_at          TEXT NOT NULL,
    ip                 TEXT NOT NULL,
    user_agent         TEXT NOT NULL,
    fee_percent        INTEGER NOT NULL,
    CHECK (claim_id IS NOT NULL OR draft_id IS NOT NULL)
) STRICT;

CREATE UNIQUE INDEX mandates_claim_passenger ON mandates (claim_id, passenger_position)
    WHERE claim_id IS NOT NULL;
CREATE UNIQUE INDEX mandates_draft_passenger ON mandates (draft_id, passenger_position)
    WHERE draft_id IS NOT NULL;
