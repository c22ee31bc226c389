//! The reads behind the CSV exports, one page at a time (keyset on ids), so an export of any
//! size is written as it is read and never held in memory.

use std::collections::HashMap;

use rusqlite::{Connection, params, params_from_iter};

use super::DbError;
use crate::domain::ledger::{Entry, EntryKind};
use crate::domain::money::{Currency, Money};

/// What the claims export adds to a queue row: the booking reference, the amount approved and
/// the claim's ledger summed per kind and currency.
#[derive(Debug, Clone, Default)]
pub struct ClaimMoneyRow {
    pub booking_ref: String,
    pub approved_cents: Option<i64>,
    pub entries: Vec<Entry>,
}

fn bad(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("unknown {what}").into(),
    )
}

/// The booking reference, approved amount and ledger sums of the claims `ids`.
pub fn claim_money(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, ClaimMoneyRow>, DbError> {
    let mut out: HashMap<i64, ClaimMoneyRow> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT id, booking_ref, approved_cents FROM claims WHERE id IN ({marks})"
    ))?;
    let mut rows = stmt.query(params_from_iter(ids))?;
    while let Some(r) = rows.next()? {
        out.insert(
            r.get(0)?,
            ClaimMoneyRow {
                booking_ref: r.get(1)?,
                approved_cents: r.get(2)?,
                entries: Vec::new(),
            },
        );
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT claim_id, kind, currency, sum(amount_minor) FROM ledger
         WHERE claim_id IN ({marks}) GROUP BY claim_id, kind, currency"
    ))?;
    let mut rows = stmt.query(params_from_iter(ids))?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(1)?;
        let currency: String = r.get(2)?;
        let entry = Entry {
            passenger: None,
            kind: EntryKind::parse(&kind).ok_or_else(|| bad(1, "kind"))?,
            amount: Money::new(
                r.get(3)?,
                Currency::parse(&currency).ok_or_else(|| bad(2, "currency"))?,
            ),
        };
        out.entry(r.get(0)?).or_default().entries.push(entry);
    }
    Ok(out)
}

/// One ledger row as the ledger export lists it.
#[derive(Debug, Clone)]
pub struct LedgerExportRow {
    pub id: i64,
    pub claim_ref: String,
    pub passenger: Option<i64>,
    pub kind: String,
    pub amount: Money,
    pub value_date: String,
    pub payer: String,
    pub reference: String,
    pub note: String,
    pub recorded_by: String,
    pub created_at: String,
}

/// At most `limit` ledger rows after the row `after` (0: from the start), oldest first.
pub fn ledger_page(
    conn: &Connection,
    after: i64,
    limit: u32,
) -> Result<Vec<LedgerExportRow>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT l.id, c.ref, l.passenger, l.kind, l.amount_minor, l.currency, l.value_date,
                l.payer, l.reference, l.note, l.recorded_by, l.created_at
         FROM ledger l JOIN claims c ON c.id = l.claim_id
         WHERE l.id > ?1 ORDER BY l.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after, limit], |r| {
        let currency: String = r.get(5)?;
        Ok(LedgerExportRow {
            id: r.get(0)?,
            claim_ref: r.get(1)?,
            passenger: r.get(2)?,
            kind: r.get(3)?,
            amount: Money::new(
                r.get(4)?,
                Currency::parse(&currency).ok_or_else(|| bad(5, "currency"))?,
            ),
            value_date: r.get(6)?,
            payer: r.get(7)?,
            reference: r.get(8)?,
            note: r.get(9)?,
            recorded_by: r.get(10)?,
            created_at: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
