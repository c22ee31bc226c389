//! The `account_tokens` table: single-use tokens sent by email (verification, reset, email change).

use rusqlite::{OptionalExtension, Transaction, params};

use super::{DbError, now_text};

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
    /// Signs a passenger in without a password (issue #19: email links on any device).
    SignIn,
    /// Confirms the deletion of an account that has no password.
    DeleteAccount,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::ChangeEmail => "change_email",
            Purpose::SignIn => "sign_in",
            Purpose::DeleteAccount => "delete_account",
        }
    }
}

/// A token that was valid and has now been used.
#[derive(Debug, Clone)]
pub struct UsedToken {
    pub user_id: i64,
    pub new_email: Option<String>,
}

pub fn insert(
    tx: &Transaction<'_>,
    token_hash: &str,
    user_id: i64,
    purpose: Purpose,
    new_email: Option<&str>,
    expires_at: &str,
) -> Result<(), DbError> {
    // Only the newest token of a kind stays usable.
    tx.execute(
        "UPDATE account_tokens SET used_at = ?1 WHERE user_id = ?2 AND purpose = ?3 AND used_at IS NULL",
        params![now_text(), user_id, purpose.as_str()],
    )?;
    tx.execute(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, new_email, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token_hash, user_id, purpose.as_str(), new_email, now_text(), expires_at],
    )?;
    Ok(())
}

/// Uses up every outstanding token of a kind of the account (a password change revokes the
/// reset links issued before it); returns how many.
pub fn revoke(tx: &Transaction<'_>, user_id: i64, purpose: Purpose) -> Result<usize, DbError> {
    Ok(tx.execute(
        "UPDATE account_tokens SET used_at = ?1 WHERE user_id = ?2 AND purpose = ?3 AND used_at IS NULL",
        params![now_text(), user_id, purpose.as_str()],
    )?)
}

/// Whether the token is unused and unexpired (without using it).
pub fn is_valid(
    conn: &rusqlite::Connection,
    token_hash: &str,
    purpose: Purpose,
) -> Result<bool, DbError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM account_tokens WHERE token_hash = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3",
            params![token_hash, purpose.as_str(), now_text()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Marks the token used and returns its owner, or `None` if it is unknown, used or expired.
pub fn consume(
    tx: &Transaction<'_>,
    token_hash: &str,
    purpose: Purpose,
) -> Result<Option<UsedToken>, DbError> {
    let now = now_text();
    let found = tx
        .query_row(
            "UPDATE account_tokens SET used_at = ?1
             WHERE token_hash = ?2 AND purpose = ?3 AND used_at IS NULL AND expires_at > ?1
             RETURNING user_id, new_email",
            params![now, token_hash, purpose.as_str()],
            |r| {
                Ok(UsedToken {
                    user_id: r.get(0)?,
                    new_email: r.get(1)?,
                })
            },
        )
        .optional()?;
    Ok(found)
}
