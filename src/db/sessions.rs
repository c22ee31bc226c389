//! The `sessions` table: one row per signed-in browser, keyed by the token's SHA-256.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{DbError, now_text};

/// The account behind a live session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub locale: String,
    pub verified: bool,
    pub last_seen_at: String,
    /// When the session started (sign-in): bounds its absolute lifetime.
    pub created_at: String,
}

/// Whether a session belongs to the passenger site or the staff dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Passenger,
    Staff,
}

pub fn insert(
    tx: &Transaction<'_>,
    token_hash: &str,
    user_id: i64,
    kind: SessionKind,
    expires_at: &str,
    user_agent: &str,
) -> Result<(), DbError> {
    let now = now_text();
    tx.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent, staff)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)",
        params![token_hash, user_id, now, expires_at, user_agent, kind == SessionKind::Staff],
    )?;
    Ok(())
}

/// The user of an unexpired session of an enabled account.
pub fn find_user(
    conn: &Connection,
    token_hash: &str,
    kind: SessionKind,
) -> Result<Option<SessionUser>, DbError> {
    Ok(conn
        .query_row(
            "SELECT u.id, u.email, u.name, u.role, u.locale, u.email_verified_at IS NOT NULL, s.last_seen_at,
                    s.created_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled_at IS NULL AND s.staff = ?3",
            params![token_hash, now_text(), kind == SessionKind::Staff],
            |r| {
                Ok(SessionUser {
                    user_id: r.get(0)?,
                    email: r.get(1)?,
                    name: r.get(2)?,
                    role: r.get(3)?,
                    locale: r.get(4)?,
                    verified: r.get(5)?,
                    last_seen_at: r.get(6)?,
                    created_at: r.get(7)?,
                })
            },
        )
        .optional()?)
}

impl SessionUser {
    /// What to call the user on screen.
    pub fn name_or_email(&self) -> String {
        if self.name.trim().is_empty() {
            self.email.clone()
        } else {
            self.name.clone()
        }
    }
}

/// Slides the expiry of an active session.
pub fn touch(tx: &Transaction<'_>, token_hash: &str, expires_at: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE sessions SET last_seen_at = ?1, expires_at = ?2 WHERE token_hash = ?3",
        params![now_text(), expires_at, token_hash],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, token_hash: &str) -> Result<(), DbError> {
    tx.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        params![token_hash],
    )?;
    Ok(())
}

/// Ends a user's staff sessions (their role changed); returns how many.
pub fn delete_staff_for_user(tx: &Transaction<'_>, user_id: i64) -> Result<usize, DbError> {
    Ok(tx.execute(
        "DELETE FROM sessions WHERE user_id = ?1 AND staff = 1",
        params![user_id],
    )?)
}

/// Ends every session of a user ("sign out everywhere", password reset); returns how many.
pub fn delete_for_user(tx: &Transaction<'_>, user_id: i64) -> Result<usize, DbError> {
    Ok(tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])?)
}

pub fn count_for_user(conn: &Connection, user_id: i64) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM sessions WHERE user_id = ?1",
        params![user_id],
        |r| r.get(0),
    )?)
}

pub fn delete_expired(tx: &Transaction<'_>) -> Result<usize, DbError> {
    Ok(tx.execute(
        "DELETE FROM sessions WHERE expires_at <= ?1",
        params![now_text()],
    )?)
}
