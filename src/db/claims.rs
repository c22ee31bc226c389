//! `claims`, `claim_passengers` and `claim_events`: raw SQL and row mapping.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};
use crate::domain::claim::{ClaimRef, ClaimStatus};

/// What a new claim stores.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub user_id: i64,
    pub request_json: String,
    pub result_json: String,
    pub amount_cents: i64,
    pub currency: String,
    pub regime: String,
    pub reason_code: String,
    pub operating_carrier: String,
    pub flight_number: String,
    pub flight_date: String,
    pub route: String,
    pub booking_ref: String,
    pub fee_percent: u8,
    pub payout_iban: String,
    pub payout_holder: String,
    pub lead_name_key: String,
}

/// One passenger of a claim (position 0 is the lead).
#[derive(Debug, Clone, Serialize)]
pub struct ClaimPassenger {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<String>,
    pub is_minor: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A claim as the passenger pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    pub id: i64,
    pub claim_ref: String,
    pub user_id: i64,
    pub status: String,
    pub amount_cents: i64,
    pub currency: String,
    pub fee_percent: i64,
    pub flight_number: String,
    pub flight_date: String,
    pub route: String,
    pub booking_ref: String,
    pub created_at: String,
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimEvent {
    pub at: String,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub body: String,
}

/// Why a claim could not be inserted.
#[derive(Debug)]
pub enum InsertError {
    /// Same flight number, date and lead passenger as a live claim.
    Duplicate,
    Db(DbError),
}

impl From<DbError> for InsertError {
    fn from(e: DbError) -> Self {
        InsertError::Db(e)
    }
}

const COLUMNS: &str =
    "id, ref, user_id, status, amount_cents, currency, fee_percent, flight_number,
    flight_date, route, booking_ref, created_at";

fn claim_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClaimRow> {
    Ok(ClaimRow {
        id: r.get(0)?,
        claim_ref: r.get(1)?,
        user_id: r.get(2)?,
        status: r.get(3)?,
        amount_cents: r.get(4)?,
        currency: r.get(5)?,
        fee_percent: r.get(6)?,
        flight_number: r.get(7)?,
        flight_date: r.get(8)?,
        route: r.get(9)?,
        booking_ref: r.get(10)?,
        created_at: r.get(11)?,
    })
}

/// Whether a live claim exists for this flight and lead passenger.
pub fn is_duplicate(
    conn: &Connection,
    flight_number: &str,
    flight_date: &str,
    lead_name_key: &str,
) -> Result<bool, DbError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM claims WHERE flight_number = ?1 AND flight_date = ?2
             AND lead_name_key = ?3 AND status <> 'withdrawn'",
            params![flight_number, flight_date, lead_name_key],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Inserts a claim with a fresh reference (retried on the rare clash), its passengers and the
/// first `submitted` event. Returns the id and reference.
pub fn insert(
    tx: &Transaction<'_>,
    claim: &NewClaim,
    passengers: &[ClaimPassenger],
) -> Result<(i64, ClaimRef), InsertError> {
    if is_duplicate(
        tx,
        &claim.flight_number,
        &claim.flight_date,
        &claim.lead_name_key,
    )? {
        return Err(InsertError::Duplicate);
    }
    let now = now_text();
    let mut attempt = 0;
    let (id, claim_ref) = loop {
        let claim_ref = ClaimRef::generate();
        let taken: bool = tx
            .query_row(
                "SELECT 1 FROM claims WHERE ref = ?1",
                params![claim_ref.as_str()],
                |_| Ok(()),
            )
            .optional()
            .map_err(DbError::from)?
            .is_some();
        attempt += 1;
        if taken {
            if attempt < 10 {
                continue;
            }
            return Err(DbError::Conflict("no free claim reference".into()).into());
        }
        tx.execute(
            "INSERT INTO claims (ref, user_id, status, request_json, result_json, amount_cents,
             currency, regime, reason_code, operating_carrier, flight_number, flight_date, route,
             booking_ref, fee_percent, payout_iban, payout_holder, lead_name_key, created_at,
             updated_at)
             VALUES (?1, ?2, 'submitted', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
             ?15, ?16, ?17, ?18, ?18)",
            params![
                claim_ref.as_str(),
                claim.user_id,
                claim.request_json,
                claim.result_json,
                claim.amount_cents,
                claim.currency,
                claim.regime,
                claim.reason_code,
                claim.operating_carrier,
                claim.flight_number,
                claim.flight_date,
                claim.route,
                claim.booking_ref,
                claim.fee_percent,
                claim.payout_iban,
                claim.payout_holder,
                claim.lead_name_key,
                now,
            ],
        )
        .map_err(DbError::from)?;
        break (tx.last_insert_rowid(), claim_ref);
    };
    for (position, p) in passengers.iter().enumerate() {
        tx.execute(
            "INSERT INTO claim_passengers (claim_id, position, first_name, last_name, birth_date,
             is_minor, email, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                i64::try_from(position).unwrap_or(i64::MAX),
                p.first_name,
                p.last_name,
                p.birth_date,
                p.is_minor,
                p.email,
                p.phone
            ],
        )
        .map_err(DbError::from)?;
    }
    add_status_event(tx, id, None, None, ClaimStatus::Submitted)?;
    Ok((id, claim_ref))
}

/// What a claim stores beyond its summary: the declared request and the engine's answer (both
/// JSON text) and the payout details.
#[derive(Debug, Clone)]
pub struct ClaimPayload {
    pub request_json: String,
    pub result_json: String,
    pub payout_iban: String,
    pub payout_holder: String,
}

pub fn find_payload(conn: &Connection, claim_id: i64) -> Result<ClaimPayload, DbError> {
    Ok(conn.query_row(
        "SELECT request_json, result_json, payout_iban, payout_holder FROM claims WHERE id = ?1",
        params![claim_id],
        |r| {
            Ok(ClaimPayload {
                request_json: r.get(0)?,
                result_json: r.get(1)?,
                payout_iban: r.get(2)?,
                payout_holder: r.get(3)?,
            })
        },
    )?)
}

/// Records a status change on the timeline (visible to the passenger).
pub fn add_status_event(
    tx: &Transaction<'_>,
    claim_id: i64,
    actor_id: Option<i64>,
    from: Option<ClaimStatus>,
    to: ClaimStatus,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO claim_events (claim_id, at, kind, actor_id, from_status, to_status)
         VALUES (?1, ?2, 'status', ?3, ?4, ?5)",
        params![
            claim_id,
            now_text(),
            actor_id,
            from.map(ClaimStatus::as_str),
            to.as_str()
        ],
    )?;
    Ok(())
}

/// Sets the status (the caller has checked the transition with `domain::claim::apply`).
pub fn set_status(tx: &Transaction<'_>, claim_id: i64, status: ClaimStatus) -> Result<(), DbError> {
    set_status_at(tx, claim_id, status, &now_text())
}

/// [`set_status`] at a given time (the daily job's clock): the claim's `updated_at`, and so
/// its `status_since`.
pub fn set_status_at(
    tx: &Transaction<'_>,
    claim_id: i64,
    status: ClaimStatus,
    at: &str,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE claims SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![claim_id, status.as_str(), at],
    )?;
    Ok(())
}

pub fn find_by_ref(conn: &Connection, claim_ref: &str) -> Result<Option<ClaimRow>, DbError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM claims WHERE ref = ?1"),
            params![claim_ref],
            claim_row,
        )
        .optional()?)
}

/// A passenger's claims, newest first.
pub fn list_for_user(conn: &Connection, user_id: i64) -> Result<Vec<ClaimRow>, DbError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM claims WHERE user_id = ?1 ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map(params![user_id], claim_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The timeline entries a passenger may see, oldest first.
pub fn events_for_passenger(conn: &Connection, claim_id: i64) -> Result<Vec<ClaimEvent>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT at, kind, from_status, to_status, body FROM claim_events
         WHERE claim_id = ?1 AND visible_to_passenger = 1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| {
        Ok(ClaimEvent {
            at: r.get(0)?,
            kind: r.get(1)?,
            from_status: r.get(2)?,
            to_status: r.get(3)?,
            body: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn passengers(conn: &Connection, claim_id: i64) -> Result<Vec<ClaimPassenger>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT first_name, last_name, birth_date, is_minor, email, phone FROM claim_passengers
         WHERE claim_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map(params![claim_id], passenger_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn passenger_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClaimPassenger> {
    Ok(ClaimPassenger {
        first_name: r.get(0)?,
        last_name: r.get(1)?,
        birth_date: r.get(2)?,
        is_minor: r.get(3)?,
        email: r.get(4)?,
        phone: r.get(5)?,
    })
}

/// One passenger of a claim by position (0 is the lead); `None` when there is no such passenger.
pub fn find_passenger(
    conn: &Connection,
    claim_id: i64,
    position: i64,
) -> Result<Option<ClaimPassenger>, DbError> {
    Ok(conn
        .query_row(
            "SELECT first_name, last_name, birth_date, is_minor, email, phone
             FROM claim_passengers WHERE claim_id = ?1 AND position = ?2",
            params![claim_id, position],
            passenger_row,
        )
        .optional()?)
}

/// Sets a passenger's name and contact details (a staff correction).
pub fn set_passenger_identity(
    tx: &Transaction<'_>,
    claim_id: i64,
    position: i64,
    p: &ClaimPassenger,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE claim_passengers SET first_name = ?3, last_name = ?4, email = ?5, phone = ?6
         WHERE claim_id = ?1 AND position = ?2",
        params![
            claim_id,
            position,
            p.first_name,
            p.last_name,
            p.email,
            p.phone
        ],
    )?;
    Ok(())
}
