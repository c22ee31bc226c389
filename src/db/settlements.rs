//! The `settlement_offers` table (0010): a settlement below the amount due, offered to the
//! passenger, who accepts or refuses it on their claim page.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};
use crate::domain::money::{Currency, Money};

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    Pending,
    Accepted,
    Refused,
    Withdrawn,
}

impl OfferState {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferState::Pending => "pending",
            OfferState::Accepted => "accepted",
            OfferState::Refused => "refused",
            OfferState::Withdrawn => "withdrawn",
        }
    }

    fn parse(text: &str) -> Option<OfferState> {
        [
            OfferState::Pending,
            OfferState::Accepted,
            OfferState::Refused,
            OfferState::Withdrawn,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One offer.
#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub id: i64,
    pub claim_id: i64,
    pub amount: Money,
    pub note: String,
    pub state: OfferState,
    pub offered_by: String,
    pub offered_at: String,
    pub answered_at: Option<String>,
}

const COLUMNS: &str =
    "id, claim_id, amount_minor, currency, note, state, offered_by, offered_at, answered_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Offer> {
    let bad = |i: usize| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            "unknown value".into(),
        )
    };
    let currency: String = r.get(3)?;
    let state: String = r.get(5)?;
    Ok(Offer {
        id: r.get(0)?,
        claim_id: r.get(1)?,
        amount: Money::new(r.get(2)?, Currency::parse(&currency).ok_or_else(|| bad(3))?),
        note: r.get(4)?,
        state: OfferState::parse(&state).ok_or_else(|| bad(5))?,
        offered_by: r.get(6)?,
        offered_at: r.get(7)?,
        answered_at: r.get(8)?,
    })
}

/// A new pending offer; an older pending one is withdrawn (one open offer per claim).
pub fn insert(
    tx: &Transaction<'_>,
    claim_id: i64,
    amount: Money,
    note: &str,
    by: (i64, &str),
) -> Result<i64, DbError> {
    let now = now_text();
    tx.execute(
        "UPDATE settlement_offers SET state = 'withdrawn', answered_at = ?2
         WHERE claim_id = ?1 AND state = 'pending'",
        params![claim_id, now],
    )?;
    tx.execute(
        "INSERT INTO settlement_offers (claim_id, amount_minor, currency, note, offered_by_id,
                                        offered_by, offered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            claim_id,
            amount.minor,
            amount.currency.code(),
            note,
            by.0,
            by.1,
            now
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The claim's newest offer, whatever its state.
pub fn find_latest(conn: &Connection, claim_id: i64) -> Result<Option<Offer>, DbError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM settlement_offers WHERE claim_id = ?1 ORDER BY id DESC LIMIT 1"
            ),
            params![claim_id],
            row,
        )
        .optional()?)
}

/// The claim's newest accepted offer.
pub fn find_accepted(conn: &Connection, claim_id: i64) -> Result<Option<Offer>, DbError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM settlement_offers WHERE claim_id = ?1 AND state = 'accepted'
                 ORDER BY id DESC LIMIT 1"
            ),
            params![claim_id],
            row,
        )
        .optional()?)
}

/// Answers the pending offer `id` of the claim; `NotFound` when it is not pending any more.
pub fn answer(
    tx: &Transaction<'_>,
    claim_id: i64,
    id: i64,
    state: OfferState,
) -> Result<(), DbError> {
    let changed = tx.execute(
        "UPDATE settlement_offers SET state = ?3, answered_at = ?4
         WHERE id = ?1 AND claim_id = ?2 AND state = 'pending'",
        params![id, claim_id, state.as_str(), now_text()],
    )?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
