//! `claim_drafts`: the claim wizard's server-side state, keyed by the SHA-256 of a random
//! token held in an encrypted cookie.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{DbError, now_text};

/// A stored draft: its JSON data and the furthest step reached.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i64,
    pub user_id: Option<i64>,
    pub data: String,
    pub step: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Draft> {
    Ok(Draft {
        id: r.get(0)?,
        user_id: r.get(1)?,
        data: r.get(2)?,
        step: r.get(3)?,
    })
}

/// Creates a draft; returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    token_hash: &str,
    user_id: Option<i64>,
    data: &str,
    step: &str,
) -> Result<i64, DbError> {
    let now = now_text();
    tx.execute(
        "INSERT INTO claim_drafts (token_hash, user_id, data, step, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![token_hash, user_id, data, step, now],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn find_by_token(conn: &Connection, token_hash: &str) -> Result<Option<Draft>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id, user_id, data, step FROM claim_drafts WHERE token_hash = ?1",
            params![token_hash],
            row,
        )
        .optional()?)
}

/// The signed-in passenger's most recent draft (resumed from another browser).
pub fn find_latest_for_user(conn: &Connection, user_id: i64) -> Result<Option<Draft>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id, user_id, data, step FROM claim_drafts WHERE user_id = ?1
             ORDER BY updated_at DESC, id DESC LIMIT 1",
            params![user_id],
            row,
        )
        .optional()?)
}

/// Saves the data and step; links an anonymous draft to `user_id` when given. A draft that
/// already belongs to an account keeps its owner: ownership never moves to another account.
pub fn update(
    tx: &Transaction<'_>,
    id: i64,
    user_id: Option<i64>,
    data: &str,
    step: &str,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE claim_drafts SET data = ?2, step = ?3, user_id = COALESCE(user_id, ?4),
         updated_at = ?5 WHERE id = ?1",
        params![id, data, step, user_id, now_text()],
    )?;
    Ok(())
}

/// Gives a draft a new token (when a signed-in passenger resumes it in another browser).
pub fn set_token(tx: &Transaction<'_>, id: i64, token_hash: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE claim_drafts SET token_hash = ?2 WHERE id = ?1",
        params![id, token_hash],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<(), DbError> {
    tx.execute("DELETE FROM claim_drafts WHERE id = ?1", params![id])?;
    Ok(())
}

/// Deletes drafts untouched since `cutoff`, anonymous ones (no account) since
/// `anonymous_cutoff` (RFC 3339 text, compared as stored), with their documents and mandates
/// rows (cascade); returns how many.
pub fn delete_untouched_since(
    tx: &Transaction<'_>,
    cutoff: &str,
    anonymous_cutoff: &str,
) -> Result<usize, DbError> {
    Ok(tx.execute(
        "DELETE FROM claim_drafts WHERE updated_at < ?1
            OR (user_id IS NULL AND updated_at < ?2)",
        params![cutoff, anonymous_cutoff],
    )?)
}
