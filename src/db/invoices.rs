//! The `invoices` and `credit_notes` tables (0017): fee invoices and the credit notes that
//! cancel them, stored as issued (figures, parties, PDF, SHA-256). Rows are inserted, never
//! updated or deleted (triggers refuse both); numbers are allocated by the caller inside the
//! issuing transaction from [`largest_seq`] (`domain::invoice::next_seq`).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::DbError;
use crate::domain::invoice::Series;
use crate::domain::money::{Currency, Money};

/// An invoice to insert.
#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub year: i32,
    pub seq: u32,
    pub number: String,
    pub claim_id: i64,
    pub ledger_id: Option<i64>,
    pub replaces_id: Option<i64>,
    pub net: Money,
    pub vat_rate_bp: u32,
    pub vat: Money,
    pub total: Money,
    pub vat_mention: String,
    pub operator_json: String,
    pub customer_name: String,
    pub customer_address: String,
    pub language: String,
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub issued_at: String,
    pub issued_by_id: Option<i64>,
    pub issued_by: String,
}

/// A credit note to insert: it cancels `invoice_id` wholly (same amounts).
#[derive(Debug, Clone)]
pub struct NewCreditNote {
    pub year: i32,
    pub seq: u32,
    pub number: String,
    pub invoice_id: i64,
    pub claim_id: i64,
    pub net: Money,
    pub vat_rate_bp: u32,
    pub vat: Money,
    pub total: Money,
    pub reason: String,
    pub language: String,
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub issued_at: String,
    pub issued_by_id: Option<i64>,
    pub issued_by: String,
}

/// The credit note that cancelled an invoice.
#[derive(Debug, Clone, Serialize)]
pub struct CreditNoteRef {
    pub id: i64,
    pub number: String,
    pub reason: String,
    pub issued_at: String,
    pub issued_by: String,
}

/// A stored invoice (without its PDF), with its claim and its credit note if cancelled.
#[derive(Debug, Clone, Serialize)]
pub struct InvoiceRow {
    pub id: i64,
    pub number: String,
    pub claim_id: i64,
    pub claim_ref: String,
    pub ledger_id: Option<i64>,
    /// The number of the cancelled invoice this one corrects.
    pub replaces: Option<String>,
    pub net: Money,
    pub vat_rate_bp: u32,
    pub vat: Money,
    pub total: Money,
    pub vat_mention: String,
    pub customer_name: String,
    pub customer_address: String,
    pub language: String,
    pub sha256: String,
    pub issued_at: String,
    pub issued_by: String,
    pub credit_note: Option<CreditNoteRef>,
}

/// A stored PDF and the number it is the file of.
#[derive(Debug, Clone)]
pub struct StoredPdf {
    pub number: String,
    pub claim_id: i64,
    pub pdf: Vec<u8>,
}

/// A fee row of the ledger that no invoice bills yet.
#[derive(Debug, Clone, Copy)]
pub struct UnbilledFee {
    pub ledger_id: i64,
    pub amount: Money,
}

fn table(series: Series) -> &'static str {
    match series {
        Series::Invoice => "invoices",
        Series::CreditNote => "credit_notes",
    }
}

/// The largest sequence number of `year` in a series (`None`: none yet that year).
pub fn largest_seq(conn: &Connection, series: Series, year: i32) -> Result<Option<u32>, DbError> {
    let sql = format!("SELECT max(seq) FROM {} WHERE year = ?1", table(series));
    Ok(conn.query_row(&sql, [year], |r| r.get::<_, Option<u32>>(0))?)
}

pub fn insert(tx: &Transaction<'_>, i: &NewInvoice) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO invoices (year, seq, number, claim_id, ledger_id, replaces_id, currency,
                               net_minor, vat_rate_bp, vat_minor, total_minor, vat_mention,
                               operator_json, customer_name, customer_address, language, pdf,
                               sha256, issued_at, issued_by_id, issued_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21)",
        params![
            i.year,
            i.seq,
            i.number,
            i.claim_id,
            i.ledger_id,
            i.replaces_id,
            i.net.currency.code(),
            i.net.minor,
            i.vat_rate_bp,
            i.vat.minor,
            i.total.minor,
            i.vat_mention,
            i.operator_json,
            i.customer_name,
            i.customer_address,
            i.language,
            i.pdf,
            i.sha256,
            i.issued_at,
            i.issued_by_id,
            i.issued_by,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn insert_credit_note(tx: &Transaction<'_>, c: &NewCreditNote) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO credit_notes (year, seq, number, invoice_id, claim_id, currency, net_minor,
                                   vat_rate_bp, vat_minor, total_minor, reason, language, pdf,
                                   sha256, issued_at, issued_by_id, issued_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            c.year,
            c.seq,
            c.number,
            c.invoice_id,
            c.claim_id,
            c.net.currency.code(),
            c.net.minor,
            c.vat_rate_bp,
            c.vat.minor,
            c.total.minor,
            c.reason,
            c.language,
            c.pdf,
            c.sha256,
            c.issued_at,
            c.issued_by_id,
            c.issued_by,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The positive fee rows of a claim that no invoice bills, oldest first. Rows written by the
/// ledger's migration (no recording user) are left alone: those fees were earned before
/// invoicing existed.
pub fn unbilled_fees(conn: &Connection, claim_id: i64) -> Result<Vec<UnbilledFee>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.amount_minor, l.currency FROM ledger l
          WHERE l.claim_id = ?1 AND l.kind = 'fee' AND l.amount_minor > 0
            AND l.recorded_by_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.ledger_id = l.id)
          ORDER BY l.id",
    )?;
    let rows = stmt.query_map([claim_id], |r| {
        Ok(UnbilledFee {
            ledger_id: r.get(0)?,
            amount: Money::new(r.get(1)?, currency_at(r, 2)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn currency_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Currency> {
    Currency::parse(&r.get::<_, String>(i)?).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            "unknown currency".into(),
        )
    })
}

const SELECT: &str = "SELECT i.id, i.number, i.claim_id, c.ref, i.ledger_id, r.number, i.currency,
        i.net_minor, i.vat_rate_bp, i.vat_minor, i.total_minor, i.vat_mention, i.customer_name,
        i.customer_address, i.language, i.sha256, i.issued_at, i.issued_by,
        n.id, n.number, n.reason, n.issued_at, n.issued_by
   FROM invoices i
   JOIN claims c ON c.id = i.claim_id
   LEFT JOIN invoices r ON r.id = i.replaces_id
   LEFT JOIN credit_notes n ON n.invoice_id = i.id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InvoiceRow> {
    let currency = currency_at(r, 6)?;
    let note_id: Option<i64> = r.get(18)?;
    let credit_note = match note_id {
        Some(id) => Some(CreditNoteRef {
            id,
            number: r.get(19)?,
            reason: r.get(20)?,
            issued_at: r.get(21)?,
            issued_by: r.get(22)?,
        }),
        None => None,
    };
    Ok(InvoiceRow {
        id: r.get(0)?,
        number: r.get(1)?,
        claim_id: r.get(2)?,
        claim_ref: r.get(3)?,
        ledger_id: r.get(4)?,
        replaces: r.get(5)?,
        net: Money::new(r.get(7)?, currency),
        vat_rate_bp: r.get(8)?,
        vat: Money::new(r.get(9)?, currency),
        total: Money::new(r.get(10)?, currency),
        vat_mention: r.get(11)?,
        customer_name: r.get(12)?,
        customer_address: r.get(13)?,
        language: r.get(14)?,
        sha256: r.get(15)?,
        issued_at: r.get(16)?,
        issued_by: r.get(17)?,
        credit_note,
    })
}

/// The invoices of a claim, oldest first.
pub fn list_for_claim(conn: &Connection, claim_id: i64) -> Result<Vec<InvoiceRow>, DbError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE i.claim_id = ?1 ORDER BY i.id"))?;
    let rows = stmt.query_map([claim_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Invoices issued in `year` (every year: `None`), newest first, at most `limit`.
pub fn list(conn: &Connection, year: Option<i32>, limit: u32) -> Result<Vec<InvoiceRow>, DbError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE ?1 IS NULL OR i.year = ?1 ORDER BY i.year DESC, i.seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![year, limit], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One invoice by id.
pub fn find(conn: &Connection, id: i64) -> Result<Option<InvoiceRow>, DbError> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE i.id = ?1"), [id], row)
        .optional()?)
}

/// The years that have invoices, newest first.
pub fn years(conn: &Connection) -> Result<Vec<i32>, DbError> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT year FROM invoices ORDER BY year DESC")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The stored PDF of an invoice or a credit note.
pub fn pdf(conn: &Connection, series: Series, id: i64) -> Result<Option<StoredPdf>, DbError> {
    let sql = format!(
        "SELECT number, claim_id, pdf FROM {} WHERE id = ?1",
        table(series)
    );
    Ok(conn
        .query_row(&sql, [id], |r| {
            Ok(StoredPdf {
                number: r.get(0)?,
                claim_id: r.get(1)?,
                pdf: r.get(2)?,
            })
        })
        .optional()?)
}

/// One line of the register (CSV export): an invoice or a credit note (negative amounts).
#[derive(Debug, Clone, Serialize)]
pub struct RegisterLine {
    pub series: Series,
    pub number: String,
    pub issued_at: String,
    pub claim_ref: String,
    pub customer_name: String,
    pub net: Money,
    pub vat_rate_bp: u32,
    pub vat: Money,
    pub total: Money,
    /// The invoice a credit note cancels, the credit note that cancelled an invoice, or the
    /// invoice a corrected invoice replaces.
    pub related: String,
    pub cancelled: bool,
}

/// Every invoice and credit note in number order within each year (invoices, then credit
/// notes), for the CSV export.
pub fn register(conn: &Connection, year: Option<i32>) -> Result<Vec<RegisterLine>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT 'invoice', i.number, i.issued_at, c.ref, i.customer_name, i.currency,
                i.net_minor, i.vat_rate_bp, i.vat_minor, i.total_minor,
                coalesce(n.number, r.number, ''), n.id IS NOT NULL, i.year, 0, i.seq
           FROM invoices i JOIN claims c ON c.id = i.claim_id
           LEFT JOIN credit_notes n ON n.invoice_id = i.id
           LEFT JOIN invoices r ON r.id = i.replaces_id
          WHERE ?1 IS NULL OR i.year = ?1
         UNION ALL
         SELECT 'credit_note', n.number, n.issued_at, c.ref, i.customer_name, n.currency,
                -n.net_minor, n.vat_rate_bp, -n.vat_minor, -n.total_minor, i.number, 0,
                n.year, 1, n.seq
           FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id
           JOIN claims c ON c.id = n.claim_id
          WHERE ?1 IS NULL OR n.year = ?1
         ORDER BY 13, 14, 15",
    )?;
    let rows = stmt.query_map([year], |r| {
        let currency = currency_at(r, 5)?;
        let kind: String = r.get(0)?;
        Ok(RegisterLine {
            series: if kind == "invoice" {
                Series::Invoice
            } else {
                Series::CreditNote
            },
            number: r.get(1)?,
            issued_at: r.get(2)?,
            claim_ref: r.get(3)?,
            customer_name: r.get(4)?,
            net: Money::new(r.get(6)?, currency),
            vat_rate_bp: r.get(7)?,
            vat: Money::new(r.get(8)?, currency),
            total: Money::new(r.get(9)?, currency),
            related: r.get(10)?,
            cancelled: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
