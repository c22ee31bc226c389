//! `payout_changes`: a passenger's new payout account waiting for the emailed confirmation,
//! then the record of what it replaced.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};

/// A change to confirm, as its link shows it.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub claim_id: i64,
    pub claim_ref: String,
    pub new_iban: String,
    pub new_holder: String,
}

/// A confirmed change, for the passenger's history.
#[derive(Debug, Clone, Serialize)]
pub struct Confirmed {
    pub at: String,
}

pub struct NewChange<'a> {
    pub claim_id: i64,
    pub requested_by: i64,
    pub new_iban: &'a str,
    pub new_holder: &'a str,
    pub token_hash: &'a str,
    pub expires_at: &'a str,
}

/// Records a request; an older one still waiting for the claim stops working.
pub fn insert(tx: &Transaction<'_>, change: &NewChange<'_>) -> Result<(), DbError> {
    tx.execute(
        "UPDATE payout_changes SET superseded = 1 WHERE claim_id = ?1 AND confirmed_at IS NULL",
        params![change.claim_id],
    )?;
    tx.execute(
        "INSERT INTO payout_changes (claim_id, requested_by, new_iban, new_holder, token_hash,
                                     requested_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            change.claim_id,
            change.requested_by,
            change.new_iban,
            change.new_holder,
            change.token_hash,
            now_text(),
            change.expires_at
        ],
    )?;
    Ok(())
}

/// The waiting change of this link (unconfirmed, not superseded, not expired).
pub fn find_pending(conn: &Connection, token_hash: &str) -> Result<Option<Pending>, DbError> {
    Ok(conn
        .query_row(
            "SELECT p.id, p.claim_id, c.ref, p.new_iban, p.new_holder
             FROM payout_changes p JOIN claims c ON c.id = p.claim_id
             WHERE p.token_hash = ?1 AND p.confirmed_at IS NULL AND p.superseded = 0
               AND p.expires_at > ?2",
            params![token_hash, now_text()],
            |r| {
                Ok(Pending {
                    id: r.get(0)?,
                    claim_id: r.get(1)?,
                    claim_ref: r.get(2)?,
                    new_iban: r.get(3)?,
                    new_holder: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Applies a waiting change to its claim, keeping the values it replaces; returns them
/// (`(old_iban, old_holder)`), or `None` if the change was no longer waiting.
pub fn confirm(
    tx: &Transaction<'_>,
    pending: &Pending,
) -> Result<Option<(String, String)>, DbError> {
    let old: (String, String) = tx.query_row(
        "SELECT payout_iban, payout_holder FROM claims WHERE id = ?1",
        params![pending.claim_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let changed = tx.execute(
        "UPDATE payout_changes SET confirmed_at = ?1, old_iban = ?2, old_holder = ?3
         WHERE id = ?4 AND confirmed_at IS NULL AND superseded = 0",
        params![now_text(), old.0, old.1, pending.id],
    )?;
    if changed == 0 {
        return Ok(None);
    }
    tx.execute(
        "UPDATE claims SET payout_iban = ?1, payout_holder = ?2, updated_at = ?3 WHERE id = ?4",
        params![
            pending.new_iban,
            pending.new_holder,
            now_text(),
            pending.claim_id
        ],
    )?;
    Ok(Some(old))
}

/// When the claim's payout account was changed, oldest first.
pub fn confirmed_for_claim(conn: &Connection, claim_id: i64) -> Result<Vec<Confirmed>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT confirmed_at FROM payout_changes WHERE claim_id = ?1 AND confirmed_at IS NOT NULL
         ORDER BY confirmed_at, id",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| Ok(Confirmed { at: r.get(0)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
