//! The CSV exports' use cases: one page of the claims export (the queue's rows, their booking
//! reference and their money per currency) or of the ledger. The web layer streams the pages.

use rusqlite::Connection;

use crate::db::DbError;
use crate::db::claim_queue::{self, Cursor, QueueFilter, QueueRow};
use crate::db::exports::{self, LedgerExportRow};
use crate::domain::ledger::{Balance, balances, totals};
use crate::domain::money::{Currency, Money};

/// Claims per page read.
pub const CLAIMS_PAGE: u32 = 500;
/// Ledger rows per page read.
pub const LEDGER_PAGE: u32 = 1000;

/// One claim of the export: its queue row, booking reference and its money, one balance per
/// currency (a claim's money is in its own currency; another currency gets its own line,
/// never added in).
#[derive(Debug, Clone)]
pub struct ClaimExport {
    pub row: QueueRow,
    pub booking_ref: String,
    /// Whether an amount was approved (the `approved` column is empty otherwise).
    pub approved: bool,
    pub money: Vec<Balance>,
}

/// One page of claims matching `filter` after `cursor`, and the cursor of the next page.
pub fn claims_page(
    conn: &Connection,
    filter: &QueueFilter,
    cursor: Option<&Cursor>,
) -> Result<(Vec<ClaimExport>, Option<Cursor>), DbError> {
    let (rows, next) = claim_queue::list(conn, filter, cursor, CLAIMS_PAGE)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut extra = exports::claim_money(conn, &ids)?;
    let overflow = |e: crate::domain::money::MoneyError| DbError::Conflict(e.to_string());
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let m = extra.remove(&row.id).unwrap_or_default();
        let currency = Currency::stored(&row.currency);
        let owed: Vec<(Option<i64>, Money)> = m
            .approved_cents
            .map(|c| (None, Money::new(c, currency)))
            .into_iter()
            .collect();
        let mut money =
            totals(&balances(&owed, &m.entries).map_err(overflow)?).map_err(overflow)?;
        if money.is_empty() {
            money.push(Balance::zero(None, currency));
        }
        out.push(ClaimExport {
            row,
            booking_ref: m.booking_ref,
            approved: m.approved_cents.is_some(),
            money,
        });
    }
    Ok((out, next))
}

/// One page of the ledger after row `after` (0: from the start).
pub fn ledger_page(conn: &Connection, after: i64) -> Result<Vec<LedgerExportRow>, DbError> {
    exports::ledger_page(conn, after, LEDGER_PAGE)
}
