//! Candidates for the duplicate and fraud signals (`domain::signals`): for a set of claims,
//! the other claims on the same flight and date, with the same booking reference, or paid to
//! the same IBAN, with what [`crate::domain::signals::judge`] needs of both sides. Read through
//! `claims_flight` and the `claims_booking_ref` / `claims_payout_iban` indexes
//! (`0016_airline_stats.sql`), at most [`MAX_PER_KIND`] other claims per claim and kind.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::DbError;
use crate::domain::signals::{Side, SignalKind, judge, shared_passengers};

/// Most candidate pairs read for one page.
pub const MAX_CANDIDATES: i64 = 500;
/// Most other claims read per claim and kind of signal (a shared account of a big family, or
/// of a fraud ring, is visible long before this).
pub const MAX_PER_KIND: i64 = 10;

/// A signal on `claim_id`, pointing at another claim.
#[derive(Debug, Clone, Serialize)]
pub struct Signal {
    pub claim_id: i64,
    pub kind: SignalKind,
    pub other_ref: String,
    pub other_status: String,
    /// The passengers both claims share (same-passenger signals).
    pub names: Vec<String>,
}

const CANDIDATES: &str = "
    WITH base AS (SELECT c.* FROM claims c WHERE c.id IN (SELECT value FROM json_each(?1)))
    SELECT b.id, o.id, o.ref, o.status, 'same_passenger' FROM base b JOIN claims o
        ON o.id IN (SELECT x.id FROM claims x INDEXED BY claims_flight
                     WHERE x.flight_number = b.flight_number AND x.flight_date = b.flight_date
                       AND x.id <> b.id LIMIT ?3)
    UNION ALL
    SELECT b.id, o.id, o.ref, o.status, 'same_booking' FROM base b JOIN claims o
        ON o.id IN (SELECT x.id FROM claims x INDEXED BY claims_booking_ref
                     WHERE x.booking_ref = b.booking_ref AND x.booking_ref <> ''
                       AND x.id <> b.id LIMIT ?3)
    UNION ALL
    SELECT b.id, o.id, o.ref, o.status, 'shared_iban' FROM base b JOIN claims o
        ON o.id IN (SELECT x.id FROM claims x INDEXED BY claims_payout_iban
                     WHERE x.payout_iban = b.payout_iban AND x.payout_iban <> ''
                       AND x.payout_holder <> b.payout_holder AND x.id <> b.id LIMIT ?3)
    LIMIT ?2";

fn sides(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Side>, DbError> {
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let mut out: HashMap<i64, Side> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, payout_holder FROM claims WHERE id IN (SELECT value FROM json_each(?1))",
    )?;
    for row in stmt.query_map(params![json], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (id, holder): (i64, String) = row?;
        out.entry(id).or_default().holder = holder;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT claim_id, first_name, last_name FROM claim_passengers
         WHERE claim_id IN (SELECT value FROM json_each(?1)) ORDER BY claim_id, position",
    )?;
    for row in stmt.query_map(params![json], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
        let (id, first, last): (i64, String, String) = row?;
        out.entry(id).or_default().passengers.push((first, last));
    }
    Ok(out)
}

/// The signals on the claims `ids`, by claim, kind and other claim's reference.
pub fn list_for(conn: &Connection, ids: &[i64]) -> Result<Vec<Signal>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(CANDIDATES)?;
    let candidates: Vec<(i64, i64, String, String, String)> = stmt
        .query_map(params![json, MAX_CANDIDATES, MAX_PER_KIND], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut involved: Vec<i64> = candidates.iter().flat_map(|c| [c.0, c.1]).collect();
    involved.sort_unstable();
    involved.dedup();
    let sides = sides(conn, &involved)?;
    let empty = Side::default();
    let mut out: Vec<Signal> = candidates
        .into_iter()
        .filter_map(|(id, other, other_ref, other_status, kind)| {
            let kind = match kind.as_str() {
                "same_passenger" => SignalKind::SamePassenger,
                "same_booking" => SignalKind::SameBooking,
                _ => SignalKind::SharedIban,
            };
            let (a, b) = (
                sides.get(&id).unwrap_or(&empty),
                sides.get(&other).unwrap_or(&empty),
            );
            judge(kind, a, b).then(|| Signal {
                claim_id: id,
                kind,
                other_ref,
                other_status,
                names: if kind == SignalKind::SamePassenger {
                    shared_passengers(a, b)
                } else {
                    Vec::new()
                },
            })
        })
        .collect();
    out.sort_by(|a, b| (a.claim_id, a.kind, &a.other_ref).cmp(&(b.claim_id, b.kind, &b.other_ref)));
    Ok(out)
}
