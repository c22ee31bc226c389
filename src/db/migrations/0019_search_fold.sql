-- 0019: the queue's search folds accents (`Lefevre` finds `Lefèvre`, `Muller` finds `Müller`)
-- and also finds booking references and airport codes (the route). The trigram index is
-- rebuilt with SQLite's own folding (`remove_diacritics 1`, which the query text gets too, so
-- `Lefèvre` also finds `Lefevre`); its text is the one view below, kept in step by triggers in
-- the same transaction as whatever writes the claim, its passengers or the account's email.

DROP TRIGGER claim_search_passenger_insert;
DROP TRIGGER claim_search_passenger_update;
DROP TRIGGER claim_search_user_email;
DROP TRIGGER claim_search_claim_delete;
DROP TABLE claim_search;

CREATE VIEW claim_search_text (id, body) AS
    SELECT c.id, c.ref || ' ' || c.flight_number || ' ' || c.booking_ref || ' ' || c.route ||
           ' ' || u.email || ' ' ||
           coalesce((SELECT group_concat(p.first_name || ' ' || p.last_name || ' ' ||
                                         coalesce(p.email, ''), ' ')
                     FROM claim_passengers p WHERE p.claim_id = c.id), '')
    FROM claims c JOIN users u ON u.id = c.user_id;

CREATE VIRTUAL TABLE claim_search USING fts5 (body, tokenize = 'trigram remove_diacritics 1');

CREATE TRIGGER claim_search_passenger_insert AFTER INSERT ON claim_passengers BEGIN
    DELETE FROM claim_search WHERE rowid = NEW.claim_id;
    INSERT INTO claim_search (rowid, body)
        SELECT id, body FROM claim_search_text WHERE id = NEW.claim_id;
END;

CREATE TRIGGER claim_search_passenger_update AFTER UPDATE ON claim_passengers BEGIN
    DELETE FROM claim_search WHERE rowid IN (OLD.claim_id, NEW.claim_id);
    INSERT INTO claim_search (rowid, body)
        SELECT id, body FROM claim_search_text WHERE id IN (OLD.claim_id, NEW.claim_id);
END;

CREATE TRIGGER claim_search_passenger_delete AFTER DELETE ON claim_passengers BEGIN
    DELETE FROM claim_search WHERE rowid = OLD.claim_id;
    INSERT INTO claim_search (rowid, body)
        SELECT id, body FROM claim_search_text WHERE id = OLD.claim_id;
END;

CREATE TRIGGER claim_search_claim_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claim_search (rowid, body)
        SELECT id, body FROM claim_search_text WHERE id = NEW.id;
END;

CREATE TRIGGER claim_search_claim_update
AFTER UPDATE OF ref, flight_number, booking_ref, route, user_id ON claims BEGIN
    DELETE FROM claim_search WHERE rowid = NEW.id;
    INSERT INTO claim_search (rowid, body)
        SELECT id, body FROM claim_search_text WHERE id = NEW.id;
END;

CREATE TRIGGER claim_search_user_email AFTER UPDATE OF email ON users BEGIN
    DELETE FROM claim_search WHERE rowid IN (SELECT id FROM claims WHERE user_id = NEW.id);
    INSERT INTO claim_search (rowid, body)
        SELECT t.id, t.body FROM claim_search_text t
        JOIN claims c ON c.id = t.id WHERE c.user_id = NEW.id;
END;

CREATE TRIGGER claim_search_claim_delete AFTER DELETE ON claims BEGIN
    DELETE FROM claim_search WHERE rowid = OLD.id;
END;

INSERT INTO claim_search (rowid, body) SELECT id, body FROM claim_search_text;
