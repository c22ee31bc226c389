-- 0014: documents generated to pursue a claim after the first letter (issue 16): the second
-- notice to the airline, the complaint to the national enforcement body, the court papers.
-- Stored as generated ("as sent"): the PDF is in the document store under its SHA-256
-- (<data_dir>/documents/<sha256>, like passengers' uploads), the row says what, when and who.
-- Rows are never updated: generating again adds a row.
CREATE TABLE escalation_documents (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id),
    kind        TEXT NOT NULL CHECK (kind IN ('second_notice', 'neb_complaint', 'court_papers')),
    -- What exactly: the NEB's country, or the court papers' form and the forum's country
    -- ('escp_form_a:DE', 'french_statement:FR', 'english_particulars:GB').
    variant     TEXT NOT NULL DEFAULT '',
    -- Language of the text (ISO 639-1).
    language    TEXT NOT NULL,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    -- The staff member who generated it (NULL for an automatic job, or once the account is
    -- deleted), and who it was in words at the time: their email, or the job's name.
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by_label TEXT NOT NULL
);
CREATE INDEX escalation_documents_claim ON escalation_documents (claim_id, id);
