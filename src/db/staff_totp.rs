//! `staff_totp`: a staff member's TOTP secret, whether it is confirmed, and the last time step
//! accepted (a code is never accepted twice). The secret is stored as given: the web layer
//! seals it (`crypto::Purpose::TotpSecret`) before it gets here.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{DbError, now_text};

/// A stored second factor.
#[derive(Debug, Clone)]
pub struct StaffTotp {
    pub secret: String,
    pub enabled: bool,
    pub last_step: i64,
}

pub fn find(conn: &Connection, user_id: i64) -> Result<Option<StaffTotp>, DbError> {
    Ok(conn
        .query_row(
            "SELECT secret, enabled_at IS NOT NULL, last_step FROM staff_totp WHERE user_id = ?1",
            [user_id],
            |r| {
                Ok(StaffTotp {
                    secret: r.get(0)?,
                    enabled: r.get(1)?,
                    last_step: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Whether the user has a confirmed second factor.
pub fn is_enabled(conn: &Connection, user_id: i64) -> Result<bool, DbError> {
    Ok(find(conn, user_id)?.is_some_and(|t| t.enabled))
}

/// Starts (or restarts) an enrolment with a new secret, not yet enabled.
pub fn start(tx: &Transaction<'_>, user_id: i64, secret: &str) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO staff_totp (user_id, secret) VALUES (?1, ?2)
         ON CONFLICT (user_id) DO UPDATE SET secret = ?2, enabled_at = NULL, last_step = 0",
        params![user_id, secret],
    )?;
    Ok(())
}

/// Records an accepted code's time step; enables the factor on its first use.
pub fn accept(tx: &Transaction<'_>, user_id: i64, step: i64) -> Result<(), DbError> {
    tx.execute(
        "UPDATE staff_totp SET last_step = ?2, enabled_at = coalesce(enabled_at, ?3)
         WHERE user_id = ?1",
        params![user_id, step, now_text()],
    )?;
    Ok(())
}

/// Every stored secret, `(user_id, secret)`, for re-encoding them (sealing legacy ones).
pub fn all_secrets(conn: &Connection) -> Result<Vec<(i64, String)>, DbError> {
    let mut stmt = conn.prepare("SELECT user_id, secret FROM staff_totp")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces the stored form of a secret (same secret, new encoding).
pub fn set_secret(tx: &Transaction<'_>, user_id: i64, secret: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE staff_totp SET secret = ?2 WHERE user_id = ?1",
        params![user_id, secret],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, user_id: i64) -> Result<(), DbError> {
    tx.execute("DELETE FROM staff_totp WHERE user_id = ?1", [user_id])?;
    Ok(())
}
