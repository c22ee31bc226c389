//! The `payout_batches` and `payout_batch_items` tables (0017): batches of payouts to
//! passengers. Items never change after insertion except their `active` flag (a trigger
//! refuses the rest); a claim is in at most one active item (a partial unique index). The rules
//! are in `domain::payout_batch`, the use cases in `services::payout_batches`.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{DbError, now_text};
use crate::domain::money::{Currency, Money};
use crate::domain::payout_batch::{BatchState, Method};

/// Most claims the "ready to pay out" list shows.
pub const READY_LIMIT: u32 = 500;

/// A claim whose money we hold, with a payout account, in no active batch.
#[derive(Debug, Clone)]
pub struct ReadyClaim {
    pub claim_id: i64,
    pub claim_ref: String,
    pub currency: Currency,
    pub held: Money,
    pub iban: String,
    pub holder: String,
    pub flight_number: String,
    pub flight_date: String,
}

/// Money held for the passenger on claim `c`, in the claim's currency (as `ledger`'s sums).
const HELD: &str = "coalesce((SELECT sum(CASE l.kind
        WHEN 'airline_payment_received' THEN l.amount_minor
        WHEN 'refund_chargeback' THEN -l.amount_minor
        WHEN 'payout_to_passenger' THEN -l.amount_minor
        WHEN 'fee' THEN -l.amount_minor
        ELSE 0 END) FROM ledger l WHERE l.claim_id = c.id AND l.currency = c.currency), 0)";

/// Claims ready to pay out, oldest first: in a money stage, money held, a payout account on
/// file, no change of that account waiting for the passenger's confirmation, and in no open or
/// exported batch. `only` narrows the list to those references (the batch being made).
pub fn list_ready(conn: &Connection, only: Option<&[String]>) -> Result<Vec<ReadyClaim>, DbError> {
    let sql = format!(
        "SELECT c.id, c.ref, c.currency, {HELD} AS held, c.payout_iban, c.payout_holder,
                c.flight_number, c.flight_date
         FROM claims c
         WHERE c.status IN ('approved', 'airline_paid', 'paid') AND c.payout_iban <> ''
           AND held > 0
           AND NOT EXISTS (SELECT 1 FROM payout_batch_items i
                           WHERE i.claim_id = c.id AND i.active = 1)
           AND NOT EXISTS (SELECT 1 FROM payout_changes p
                           WHERE p.claim_id = c.id AND p.confirmed_at IS NULL
                             AND p.superseded = 0 AND p.expires_at > ?1)
           AND (?2 IS NULL OR c.ref IN (SELECT value FROM json_each(?2)))
         ORDER BY c.id LIMIT {READY_LIMIT}"
    );
    let only = only
        .map(|refs| serde_json::to_string(refs).map_err(|e| DbError::Conflict(e.to_string())))
        .transpose()?;
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![now_text(), only], |r| {
        let currency = Currency::stored(&r.get::<_, String>(2)?);
        Ok(ReadyClaim {
            claim_id: r.get(0)?,
            claim_ref: r.get(1)?,
            currency,
            held: Money::new(r.get(3)?, currency),
            iban: r.get(4)?,
            holder: r.get(5)?,
            flight_number: r.get(6)?,
            flight_date: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A new batch (open); returns its id.
pub fn insert_batch(tx: &Transaction<'_>, by_id: i64, by: &str) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO payout_batches (state, created_by_id, created_by, created_at)
         VALUES ('open', ?1, ?2, ?3)",
        params![by_id, by, now_text()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// One payout to insert.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub batch_id: i64,
    pub claim_id: i64,
    pub holder: String,
    pub iban: String,
    pub gross: Money,
    pub fee: Money,
    pub net: Money,
    pub method: Method,
    pub end_to_end_id: String,
    pub remittance: String,
}

/// Inserts an item; a claim already in an active batch is [`DbError::Conflict`].
pub fn insert_item(tx: &Transaction<'_>, item: &NewItem) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO payout_batch_items (batch_id, claim_id, holder, iban, currency, gross_minor,
                                         fee_minor, net_minor, method, end_to_end_id, remittance)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            item.batch_id,
            item.claim_id,
            item.holder,
            item.iban,
            item.net.currency.code(),
            item.gross.minor,
            item.fee.minor,
            item.net.minor,
            item.method.as_str(),
            item.end_to_end_id,
            item.remittance,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A batch.
#[derive(Debug, Clone)]
pub struct BatchRow {
    pub id: i64,
    pub state: BatchState,
    pub created_by: String,
    pub created_at: String,
    pub sepa_xml: Option<String>,
    pub exported_at: Option<String>,
    pub sent_at: Option<String>,
    pub sent_by: Option<String>,
    pub cancelled_at: Option<String>,
    /// Payouts in the batch.
    pub items: u32,
}

fn bad_column(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("unknown {what}").into(),
    )
}

const BATCH_COLUMNS: &str = "b.id, b.state, b.created_by, b.created_at, b.sepa_xml,
    b.exported_at, b.sent_at, b.sent_by, b.cancelled_at,
    (SELECT count(*) FROM payout_batch_items i WHERE i.batch_id = b.id)";

fn batch_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BatchRow> {
    let state: String = r.get(1)?;
    Ok(BatchRow {
        id: r.get(0)?,
        state: BatchState::parse(&state).ok_or_else(|| bad_column(1, "state"))?,
        created_by: r.get(2)?,
        created_at: r.get(3)?,
        sepa_xml: r.get(4)?,
        exported_at: r.get(5)?,
        sent_at: r.get(6)?,
        sent_by: r.get(7)?,
        cancelled_at: r.get(8)?,
        items: r.get(9)?,
    })
}

pub fn find(conn: &Connection, id: i64) -> Result<Option<BatchRow>, DbError> {
    Ok(conn
        .query_row(
            &format!("SELECT {BATCH_COLUMNS} FROM payout_batches b WHERE b.id = ?1"),
            params![id],
            batch_row,
        )
        .optional()?)
}

/// The newest batches first.
pub fn list_recent(conn: &Connection, limit: u32) -> Result<Vec<BatchRow>, DbError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {BATCH_COLUMNS} FROM payout_batches b ORDER BY b.id DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map(params![limit], batch_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One payout of a batch, with its claim as it is now.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub claim_id: i64,
    pub claim_ref: String,
    pub claim_status: String,
    /// The claim's payout account now (it may have changed since the batch was made).
    pub current_iban: String,
    pub holder: String,
    pub iban: String,
    pub gross: Money,
    pub fee: Money,
    pub net: Money,
    pub method: Method,
    pub end_to_end_id: String,
    pub remittance: String,
}

/// A batch's payouts, in the order they were added.
pub fn list_items(conn: &Connection, batch_id: i64) -> Result<Vec<ItemRow>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.ref, c.status, c.payout_iban, i.holder, i.iban, i.currency,
                i.gross_minor, i.fee_minor, i.net_minor, i.method, i.end_to_end_id, i.remittance
         FROM payout_batch_items i JOIN claims c ON c.id = i.claim_id
         WHERE i.batch_id = ?1 ORDER BY i.id",
    )?;
    let rows = stmt.query_map(params![batch_id], |r| {
        let currency =
            Currency::parse(&r.get::<_, String>(6)?).ok_or_else(|| bad_column(6, "currency"))?;
        let method: String = r.get(10)?;
        Ok(ItemRow {
            claim_id: r.get(0)?,
            claim_ref: r.get(1)?,
            claim_status: r.get(2)?,
            current_iban: r.get(3)?,
            holder: r.get(4)?,
            iban: r.get(5)?,
            gross: Money::new(r.get(7)?, currency),
            fee: Money::new(r.get(8)?, currency),
            net: Money::new(r.get(9)?, currency),
            method: Method::parse(&method).ok_or_else(|| bad_column(10, "method"))?,
            end_to_end_id: r.get(11)?,
            remittance: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Open → exported, keeping the file; `false` when the batch was not open.
pub fn set_exported(tx: &Transaction<'_>, id: i64, xml: &str, by: &str) -> Result<bool, DbError> {
    let n = tx.execute(
        "UPDATE payout_batches SET state = 'exported', sepa_xml = ?2, exported_at = ?3,
                exported_by = ?4
         WHERE id = ?1 AND state = 'open'",
        params![id, xml, now_text(), by],
    )?;
    Ok(n == 1)
}

/// Open or exported → sent or cancelled, releasing the batch's claims; `false` when the batch
/// was in neither state (another request got there first).
pub fn close(tx: &Transaction<'_>, id: i64, to: BatchState, by: &str) -> Result<bool, DbError> {
    // `state` is also the prefix of the columns saying when and by whom.
    let state = match to {
        BatchState::Sent | BatchState::Cancelled => to.as_str(),
        BatchState::Open | BatchState::Exported => {
            return Err(DbError::Conflict("not a final state".into()));
        }
    };
    let sql = format!(
        "UPDATE payout_batches SET state = '{state}', {state}_at = ?2, {state}_by = ?3
         WHERE id = ?1 AND state IN ('open', 'exported')"
    );
    let n = tx.execute(&sql, params![id, now_text(), by])?;
    if n == 1 {
        tx.execute(
            "UPDATE payout_batch_items SET active = 0 WHERE batch_id = ?1",
            params![id],
        )?;
    }
    Ok(n == 1)
}
