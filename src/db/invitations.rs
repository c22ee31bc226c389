//! `staff_invitations`: single-use links an admin sends to a future agent or finance officer. Only the SHA-256 of
//! the token is stored.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::users::Role;
use super::{DbError, now_text};

/// Records an invitation for `role` (agent or finance: the table refuses others); earlier
/// unused invitations to the same address stop working.
pub fn insert(
    tx: &Transaction<'_>,
    token_hash: &str,
    email: &str,
    role: Role,
    invited_by: i64,
    expires_at: &str,
) -> Result<(), DbError> {
    let now = now_text();
    tx.execute(
        "UPDATE staff_invitations SET used_at = ?1 WHERE email = ?2 AND used_at IS NULL",
        params![now, email],
    )?;
    tx.execute(
        "INSERT INTO staff_invitations (token_hash, email, role, invited_by, created_at,
                                        expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            token_hash,
            email,
            role.as_str(),
            invited_by,
            now,
            expires_at
        ],
    )?;
    Ok(())
}

fn role_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Role> {
    let text: String = r.get(i)?;
    Role::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            "unknown role".into(),
        )
    })
}

/// The invited address and role, when the token is unused and unexpired.
pub fn find_valid(conn: &Connection, token_hash: &str) -> Result<Option<(String, Role)>, DbError> {
    Ok(conn
        .query_row(
            "SELECT email, role FROM staff_invitations
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            params![token_hash, now_text()],
            |r| Ok((r.get(0)?, role_at(r, 1)?)),
        )
        .optional()?)
}

/// Marks the invitation used and returns the invited address and role, or `None` when it is
/// unknown, used or expired.
pub fn consume(tx: &Transaction<'_>, token_hash: &str) -> Result<Option<(String, Role)>, DbError> {
    let now = now_text();
    Ok(tx
        .query_row(
            "UPDATE staff_invitations SET used_at = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
             RETURNING email, role",
            params![token_hash, now],
            |r| Ok((r.get(0)?, role_at(r, 1)?)),
        )
        .optional()?)
}
