-- 0006: what the staff queue filters and sorts on, the amounts agreed and paid, and the
-- documents the team asks a passenger for.

-- The disruption type and the airline, derived from what the claim stored at submission, so
-- the queue can filter on them with an index (virtual generated columns: nothing to backfill,
-- nothing for the wizard to keep in step).
ALTER TABLE claims ADD COLUMN disruption TEXT
    GENERATED ALWAYS AS (json_extract(request_json, '$.disruption.type')) VIRTUAL;
ALTER TABLE claims ADD COLUMN airline TEXT
    GENERATED ALWAYS AS (upper(coalesce(nullif(operating_carrier, ''), substr(flight_number, 1, 2))))
    VIRTUAL;

-- Set by the Approve and Mark paid transitions (total for all passengers, in minor units).
ALTER TABLE claims ADD COLUMN approved_cents INTEGER;
ALTER TABLE claims ADD COLUMN paid_cents INTEGER;

-- Keyset pagination: every sort ends on the id, so each (key, id) pair is unique.
CREATE INDEX claims_created ON claims (created_at, id);
CREATE INDEX claims_amount ON claims (amount_cents, id);
CREATE INDEX claims_flight_date ON claims (flight_date, id);
CREATE INDEX claims_assignee ON claims (assignee_id, created_at, id);
CREATE INDEX claims_airline ON claims (airline, created_at, id);
CREATE INDEX claims_disruption ON claims (disruption, created_at, id);
CREATE INDEX claims_flight_number ON claims (flight_number);
CREATE INDEX claim_passengers_name ON claim_passengers (last_name, first_name);

-- "What we need from you": open until the passenger provides it or an agent clears it.
CREATE TABLE document_requests (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    -- Comma-separated `DocumentKind` names (boarding_pass, identity_document, ...).
    kinds        TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    requested_at TEXT NOT NULL,
    closed_at    TEXT,
    -- 'fulfilled' (the passenger sent it) or 'cleared' (an agent no longer needs it).
    closed_how   TEXT CHECK (closed_how IN ('fulfilled', 'cleared'))
) STRICT;

CREATE INDEX document_requests_open ON document_requests (claim_id) WHERE closed_at IS NULL;

-- The queue's search box: reference, flight number, account email, passengers' names and
-- emails of each claim in one trigram index (rowid = claim id), so `LIKE '%text%'` uses the
-- index instead of reading every claim. Kept in step by triggers, whoever writes the rows.
CREATE VIRTUAL TABLE claim_search USING fts5 (body, tokenize = 'trigram');

CREATE TRIGGER claim_search_passenger_insert AFTER INSERT ON claim_passengers BEGIN
    DELETE FROM claim_search WHERE rowid = NEW.claim_id;
    INSERT INTO claim_search (rowid, body)
        SELECT c.id, c.ref || ' ' || c.flight_number || ' ' || u.email || ' ' ||
               (SELECT group_concat(p.first_name || ' ' || p.last_name || ' ' ||
                                    coalesce(p.email, ''), ' ')
                FROM claim_passengers p WHERE p.claim_id = c.id)
        FROM claims c JOIN users u ON u.id = c.user_id WHERE c.id = NEW.claim_id;
END;

CREATE TRIGGER claim_search_passenger_update AFTER UPDATE ON claim_passengers BEGIN
    DELETE FROM claim_search WHERE rowid = NEW.claim_id;
    INSERT INTO claim_search (rowid, body)
        SELECT c.id, c.ref || ' ' || c.flight_number || ' ' || u.email || ' ' ||
               (SELECT group_concat(p.first_name || ' ' || p.last_name || ' ' ||
                                    coalesce(p.email, ''), ' ')
                FROM claim_passengers p WHERE p.claim_id = c.id)
        FROM claims c JOIN users u ON u.id = c.user_id WHERE c.id = NEW.claim_id;
END;

CREATE TRIGGER claim_search_user_email AFTER UPDATE OF email ON users BEGIN
    DELETE FROM claim_search WHERE rowid IN (SELECT id FROM claims WHERE user_id = NEW.id);
    INSERT INTO claim_search (rowid, body)
        SELECT c.id, c.ref || ' ' || c.flight_number || ' ' || NEW.email || ' ' ||
               (SELECT group_concat(p.first_name || ' ' || p.last_name || ' ' ||
                                    coalesce(p.email, ''), ' ')
                FROM claim_passengers p WHERE p.claim_id = c.id)
        FROM claims c WHERE c.user_id = NEW.id;
END;

CREATE TRIGGER claim_search_claim_delete AFTER DELETE ON claims BEGIN
    DELETE FROM claim_search WHERE rowid = OLD.id;
END;

INSERT INTO claim_search (rowid, body)
    SELECT c.id, c.ref || ' ' || c.flight_number || ' ' || u.email || ' ' ||
           coalesce((SELECT group_concat(p.first_name || ' ' || p.last_name || ' ' ||
                                         coalesce(p.email, ''), ' ')
                     FROM claim_passengers p WHERE p.claim_id = c.id), '')
    FROM claims c JOIN users u ON u.id = c.user_id;
