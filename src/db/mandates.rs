//! `mandates`: the signed mandate of each passenger, with the exact text signed and the
//! evidence of the signature (time, IP, user agent, SHA-256 of the text).
//!
//! Like documents, a mandate belongs to a draft while the wizard runs and to the claim after
//! submission ([`Owner`]); lookups always take the owner.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::DbError;
pub use super::documents::Owner;
use crate::mandate::Signature;

/// One stored mandate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mandate {
    pub id: i64,
    pub claim_id: Option<i64>,
    pub passenger_position: i64,
    pub passenger_name: String,
    /// The passenger who signed: the passenger themself, or the lead (0) for a minor.
    pub signed_by_position: i64,
    pub locale: String,
    pub text: String,
    pub text_sha256: String,
    pub signer_name: String,
    pub consent: bool,
    pub signed_at: String,
    pub ip: String,
    pub user_agent: String,
    pub fee_percent: i64,
}

impl Mandate {
    /// The signature record, to render the PDF ([`crate::mandate::mandate_pdf`]).
    pub fn signature(&self) -> Signature {
        Signature {
            signer_name: self.signer_name.clone(),
            consent: self.consent,
            signed_at: DateTime::parse_from_rfc3339(&self.signed_at)
                .map_or_else(|_| Utc::now(), |d| d.to_utc()),
            ip: self.ip.parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
            user_agent: self.user_agent.clone(),
            text_sha256: self.text_sha256.clone(),
        }
    }
}

/// What a signature adds.
#[derive(Debug, Clone)]
pub struct NewMandate {
    pub passenger_position: i64,
    pub passenger_name: String,
    pub signed_by_position: i64,
    pub locale: String,
    pub text: String,
    pub signature: Signature,
    pub fee_percent: u8,
}

const COLUMNS: &str = "id, claim_id, passenger_position, passenger_name, signed_by_position,
    locale, text, text_sha256, signer_name, consent, signed_at, ip, user_agent, fee_percent";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Mandate> {
    Ok(Mandate {
        id: r.get(0)?,
        claim_id: r.get(1)?,
        passenger_position: r.get(2)?,
        passenger_name: r.get(3)?,
        signed_by_position: r.get(4)?,
        locale: r.get(5)?,
        text: r.get(6)?,
        text_sha256: r.get(7)?,
        signer_name: r.get(8)?,
        consent: r.get(9)?,
        signed_at: r.get(10)?,
        ip: r.get(11)?,
        user_agent: r.get(12)?,
        fee_percent: r.get(13)?,
    })
}

fn column(owner: Owner) -> (&'static str, i64) {
    match owner {
        Owner::Draft(id) => ("draft_id", id),
        Owner::Claim(id) => ("claim_id", id),
    }
}

/// Records a signature, replacing an earlier one of the same passenger for the same owner
/// (a passenger who changed their name signs again).
pub fn upsert(tx: &Transaction<'_>, owner: Owner, m: &NewMandate) -> Result<i64, DbError> {
    let (col, id) = column(owner);
    tx.execute(
        &format!("DELETE FROM mandates WHERE {col} = ?1 AND passenger_position = ?2"),
        params![id, m.passenger_position],
    )?;
    let s = &m.signature;
    tx.execute(
        &format!(
            "INSERT INTO mandates ({col}, passenger_position, passenger_name, signed_by_position,
             locale, text, text_sha256, signer_name, consent, signed_at, ip, user_agent,
             fee_percent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ),
        params![
            id,
            m.passenger_position,
            m.passenger_name,
            m.signed_by_position,
            m.locale,
            m.text,
            s.text_sha256,
            s.signer_name,
            s.consent,
            s.signed_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            s.ip.to_string(),
            s.user_agent,
            m.fee_percent,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// An owner's mandates by passenger position.
pub fn list(conn: &Connection, owner: Owner) -> Result<Vec<Mandate>, DbError> {
    let (col, id) = column(owner);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM mandates WHERE {col} = ?1 ORDER BY passenger_position"
    ))?;
    let rows = stmt.query_map(params![id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A claim's mandates (passenger page, admin claim detail, data export).
pub fn list_for_claim(conn: &Connection, claim_id: i64) -> Result<Vec<Mandate>, DbError> {
    list(conn, Owner::Claim(claim_id))
}

/// The mandate of one passenger of a claim by `(claim_id, position)`.
pub fn find_for_claim(
    conn: &Connection,
    claim_id: i64,
    position: i64,
) -> Result<Option<Mandate>, DbError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM mandates WHERE claim_id = ?1 AND passenger_position = ?2"
            ),
            params![claim_id, position],
            row,
        )
        .optional()?)
}

/// At submission: the draft's mandates for passengers `0..passengers` become the claim's; the
/// rest (passengers removed after signing) are dropped.
pub fn attach_draft_to_claim(
    tx: &Transaction<'_>,
    draft_id: i64,
    claim_id: i64,
    passengers: usize,
) -> Result<usize, DbError> {
    tx.execute(
        "DELETE FROM mandates WHERE draft_id = ?1 AND passenger_position >= ?2",
        params![draft_id, i64::try_from(passengers).unwrap_or(i64::MAX)],
    )?;
    Ok(tx.execute(
        "UPDATE mandates SET claim_id = ?2, draft_id = NULL WHERE draft_id = ?1",
        params![draft_id, claim_id],
    )?)
}
