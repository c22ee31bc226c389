//! What the deadlines and the daily job read and write: a claim's deadline facts, the claims
//! that may have something due, and the record of what the job proposed or did
//! (`chaser_actions`, one row per claim, action, occasion and outcome).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::DbError;

/// A claim's row as the deadlines need it (times as stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsRow {
    pub claim_id: i64,
    pub claim_ref: String,
    pub status: String,
    pub status_since: String,
    pub chasers_paused: bool,
    pub limitation_date: Option<String>,
    /// When the settlement offer still waiting for the passenger was made.
    pub pending_offer_at: Option<String>,
}

const FACTS: &str = "SELECT c.id, c.ref, c.status, coalesce(c.status_since, c.created_at),
        c.chasers_paused, c.limitation_date,
        (SELECT o.offered_at FROM settlement_offers o
          WHERE o.claim_id = c.id AND o.state = 'pending' ORDER BY o.id DESC LIMIT 1)
   FROM claims c";

fn facts_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FactsRow> {
    Ok(FactsRow {
        claim_id: r.get(0)?,
        claim_ref: r.get(1)?,
        status: r.get(2)?,
        status_since: r.get(3)?,
        chasers_paused: r.get(4)?,
        limitation_date: r.get(5)?,
        pending_offer_at: r.get(6)?,
    })
}

pub fn facts(conn: &Connection, claim_id: i64) -> Result<Option<FactsRow>, DbError> {
    Ok(conn
        .query_row(
            &format!("{FACTS} WHERE c.id = ?1"),
            params![claim_id],
            facts_row,
        )
        .optional()?)
}

/// Claims that may have something due, chasers not paused: waiting for the airline since
/// before `status_before`, with a document request open since before `requested_before`, or
/// a limitation date on or before `limitation_by` (`YYYY-MM-DD`). Three indexed lookups, so
/// that the job reads a few rows, not every claim.
pub fn candidates(
    conn: &Connection,
    status_before: &str,
    requested_before: &str,
    limitation_by: &str,
) -> Result<Vec<FactsRow>, DbError> {
    let mut stmt = conn.prepare(&format!(
        "{FACTS} WHERE c.chasers_paused = 0 AND c.id IN (
             SELECT id FROM claims
              WHERE status IN ('sent_to_airline', 'reminder_sent') AND status_since < ?1
             UNION SELECT claim_id FROM document_requests
              WHERE closed_at IS NULL AND requested_at < ?2
             UNION SELECT id FROM claims WHERE limitation_date <= ?3)
         ORDER BY c.id"
    ))?;
    let rows = stmt.query_map(
        params![status_before, requested_before, limitation_by],
        facts_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An open document request: id, when asked, since when it waits for the passenger.
pub fn open_requests(
    conn: &Connection,
    claim_id: i64,
) -> Result<Vec<(i64, String, Option<String>)>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, requested_at, waiting_since FROM document_requests
          WHERE claim_id = ?1 AND closed_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The kinds (`DocumentKind` names) of a request.
pub fn request_kinds(conn: &Connection, request_id: i64) -> Result<Vec<String>, DbError> {
    let kinds: String = conn.query_row(
        "SELECT kinds FROM document_requests WHERE id = ?1",
        params![request_id],
        |r| r.get(0),
    )?;
    Ok(kinds
        .split(',')
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect())
}

/// What the job already recorded for a claim: `(action, key, done)`.
pub fn recorded(conn: &Connection, claim_id: i64) -> Result<Vec<(String, String, bool)>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT action, key, outcome = 'done' FROM chaser_actions WHERE claim_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records an action; `false` when it was already recorded (nothing written: the caller then
/// does nothing either).
pub fn record(
    tx: &Transaction<'_>,
    claim_id: i64,
    action: &str,
    key: &str,
    done: bool,
    at: &str,
) -> Result<bool, DbError> {
    let outcome = if done { "done" } else { "proposed" };
    let n = tx.execute(
        "INSERT OR IGNORE INTO chaser_actions (claim_id, action, key, outcome, at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![claim_id, action, key, outcome, at],
    )?;
    Ok(n == 1)
}

/// The request waits for the passenger from `at`.
pub fn mark_waiting(tx: &Transaction<'_>, request_id: i64, at: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE document_requests SET waiting_since = ?2 WHERE id = ?1 AND waiting_since IS NULL",
        params![request_id, at],
    )?;
    Ok(())
}
