-- 0011: messages a passenger writes to the team from the claim page (issue #19). The team's
-- messages stay `claim_events` of kind `message`; the thread shows both, by time. A message is
-- answered when the team writes to the claim after it (or an agent marks it handled).
CREATE TABLE passenger_messages (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    answered_at TEXT
) STRICT;

CREATE INDEX passenger_messages_claim ON passenger_messages (claim_id, created_at);
CREATE INDEX passenger_messages_open ON passenger_messages (answered_at, claim_id);
