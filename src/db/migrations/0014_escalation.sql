-- 0014: escalation (issue 16). New statuses after "sent to airline" (reminder_sent,
-- neb_complaint, adr, court, lawyer); when a claim entered its current status; the claim's
-- limitation date as the engine computed it; a per-claim switch for the automatic chasers;
-- "waiting for passenger" on document requests; and what the daily job already did.

-- Widening the claims.status CHECK as 0013 did (SQLite's documented procedure for changing a
-- CHECK constraint; every stored row satisfies the wider one). The CREATE TABLE below bumps
-- the schema cookie, so every connection reloads the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''airline_answered'', ''approved''',
       '''airline_answered'', ''reminder_sent'', ''neb_complaint'', ''adr'', ''court'', ''lawyer'', ''approved''')
 WHERE type = 'table' AND name = 'claims';
PRAGMA writable_schema = RESET;

-- When the claim entered its current status: kept by the triggers below whoever changes the
-- status (the time of the change is the row's `updated_at`); existing claims take their last
-- status event, or their creation.
ALTER TABLE claims ADD COLUMN status_since TEXT;
UPDATE claims SET status_since = coalesce(
    (SELECT max(e.at) FROM claim_events e WHERE e.claim_id = claims.id AND e.kind = 'status'),
    created_at);

CREATE TRIGGER claims_status_since_insert AFTER INSERT ON claims
WHEN NEW.status_since IS NULL BEGIN
    UPDATE claims SET status_since = NEW.created_at WHERE id = NEW.id;
END;

CREATE TRIGGER claims_status_since_update AFTER UPDATE OF status ON claims
WHEN NEW.status IS NOT OLD.status BEGIN
    UPDATE claims SET status_since = NEW.updated_at WHERE id = NEW.id;
END;

-- Staff turn the automatic chasers off for one claim (audited).
ALTER TABLE claims ADD COLUMN chasers_paused INTEGER NOT NULL DEFAULT 0
    CHECK (chasers_paused IN (0, 1));

-- The last day to sue, as the engine answered at submission (`deadline` in the stored result):
-- a virtual column, nothing to backfill, indexed for the queue's `limitation_within` filter.
ALTER TABLE claims ADD COLUMN limitation_date TEXT
    GENERATED ALWAYS AS (json_extract(result_json, '$.deadline')) VIRTUAL;

-- The queue's "days in current status", `deadline=passed` and `limitation_within` filters.
CREATE INDEX claims_status_since ON claims (status, status_since);
CREATE INDEX claims_since ON claims (status_since, id);
CREATE INDEX claims_limitation ON claims (limitation_date);
CREATE INDEX document_requests_open_age ON document_requests (requested_at)
    WHERE closed_at IS NULL;

-- After the last reminder (3, 7 and 14 days) a request waits for the passenger.
ALTER TABLE document_requests ADD COLUMN waiting_since TEXT;

-- What the daily job proposed or did, once per claim, action and key (the key names the
-- occasion: the date the claim entered its status, a document request and reminder number, a
-- limitation date), so a second run on the same day — or any later day — does nothing twice.
CREATE TABLE chaser_actions (
    id        INTEGER PRIMARY KEY,
    claim_id  INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    action    TEXT NOT NULL,
    key       TEXT NOT NULL,
    -- 'proposed' (written on the claim for staff) or 'done' (sent).
    outcome   TEXT NOT NULL CHECK (outcome IN ('proposed', 'done')),
    at        TEXT NOT NULL,
    UNIQUE (claim_id, action, key, outcome)
) STRICT;
