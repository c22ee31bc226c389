-- 0009: one-time links (password reset, email verification, staff invitation…) no longer sit
-- in stored email bodies, which staff can read: the bodies carry markers and `secrets` holds
-- the links sealed with a key derived from the secret key (`mail::sealed`). The column is
-- cleared once the message is sent. Rows stored before this version are sealed at start-up.
ALTER TABLE outbox ADD COLUMN secrets TEXT;
