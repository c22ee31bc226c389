-- 0010: emailed single-use links that sign a passenger in (`sign_in`) and confirm the deletion
-- of an account that has no password (`delete_account`). SQLite cannot alter a CHECK
-- constraint, so the table is rebuilt with the same rows.
CREATE TABLE account_tokens_new (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email', 'sign_in', 'delete_account')),
    new_email  TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

INSERT INTO account_tokens_new (token_hash, user_id, purpose, new_email, created_at, expires_at, used_at)
    SELECT token_hash, user_id, purpose, new_email, created_at, expires_at, used_at FROM account_tokens;

DROP TABLE account_tokens;
ALTER TABLE account_tokens_new RENAME TO account_tokens;
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
