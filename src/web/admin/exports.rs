//! `/admin/claims.csv` (the queue's current filter, every staff member) and
//! `/admin/finance/ledger.csv` (every ledger row; finance staff and admins): CSV with a BOM,
//! `?sep=semicolon` for European spreadsheets (decimal commas then), and no row cap — the
//! rows are read a page at a time (keyset) and written as they are read, so memory stays
//! bounded whatever the size. Pages are separate reads: a claim written during a long export
//! may appear in the state it had when its page was read.

use futures::stream::{self, Stream, StreamExt};
use rocket::{State, get};

use super::auth::StaffSession;
use super::claims::queue::QueueQuery;
use crate::config::AppConfig;
use crate::db::Db;
use crate::db::claim_queue::{Cursor, QueueFilter};
use crate::db::exports::LedgerExportRow;
use crate::domain::money::Money;
use crate::i18n::{Locale, translate};
use crate::services::exports::{self, ClaimExport};
use crate::web::AppError;
use crate::web::csv::{BOM, CsvStream, amount_cell, line, text_cell};

const CLAIM_COLUMNS: [&str; 25] = [
    "reference",
    "status",
    "created_at",
    "booking_reference",
    "lead_passenger",
    "email",
    "passengers",
    "airline",
    "flight_number",
    "flight_date",
    "route",
    "disruption",
    "amount_per_passenger",
    "amount_per_passenger_currency",
    "approved",
    "approved_currency",
    "received",
    "received_currency",
    "paid_out",
    "paid_out_currency",
    "fee",
    "fee_currency",
    "net",
    "net_currency",
    "assignee",
];

const LEDGER_COLUMNS: [&str; 13] = [
    "id",
    "claim_reference",
    "passenger",
    "kind",
    "amount_minor",
    "amount",
    "currency",
    "value_date",
    "payer",
    "reference",
    "note",
    "recorded_by",
    "recorded_at",
];

fn header(columns: &[&str], sep: char) -> String {
    let cells: Vec<String> = columns.iter().map(|c| (*c).to_string()).collect();
    format!("{BOM}{}", line(&cells, sep))
}

/// A claim's lines: one per currency its money is in. `net` is what was received less our fee
/// (the passengers' share); every amount sits next to its currency.
pub fn claim_lines(claims: &[ClaimExport], sep: char) -> String {
    let mut out = String::new();
    for c in claims {
        let r = &c.row;
        for b in &c.money {
            let money = |m: Money| [amount_cell(m, sep), m.currency.to_string()];
            let per_passenger = Money::new(r.amount_cents, b.currency);
            let approved = if c.approved {
                money(b.owed)
            } else {
                [String::new(), String::new()]
            };
            let net = b.received.checked_sub(b.fee).unwrap_or(b.received);
            let mut cells = vec![
                text_cell(&r.claim_ref, sep),
                text_cell(&r.status, sep),
                text_cell(&r.created_at, sep),
                text_cell(&c.booking_ref, sep),
                text_cell(&r.lead_name, sep),
                text_cell(&r.email, sep),
                r.passengers.to_string(),
                text_cell(&r.airline, sep),
                text_cell(&r.flight_number, sep),
                text_cell(&r.flight_date, sep),
                text_cell(&r.route, sep),
                text_cell(&r.disruption, sep),
            ];
            cells.extend(money(per_passenger));
            cells.extend(approved);
            cells.extend(money(b.received));
            cells.extend(money(b.paid_out));
            cells.extend(money(b.fee));
            cells.extend(money(net));
            cells.push(text_cell(r.assignee.as_deref().unwrap_or(""), sep));
            out.push_str(&line(&cells, sep));
        }
    }
    out
}

/// Ledger rows: the amount in minor units and as a decimal, with its currency.
pub fn ledger_lines(rows: &[LedgerExportRow], sep: char) -> String {
    let mut out = String::new();
    for r in rows {
        let cells = [
            r.id.to_string(),
            text_cell(&r.claim_ref, sep),
            r.passenger.map(|p| p.to_string()).unwrap_or_default(),
            text_cell(&r.kind, sep),
            r.amount.minor.to_string(),
            amount_cell(r.amount, sep),
            r.amount.currency.to_string(),
            text_cell(&r.value_date, sep),
            text_cell(&r.payer, sep),
            text_cell(&r.reference, sep),
            text_cell(&r.note, sep),
            text_cell(&r.recorded_by, sep),
            text_cell(&r.created_at, sep),
        ];
        out.push_str(&line(&cells, sep));
    }
    out
}

/// The last line of an export a database error cut short: a truncated file must say so.
fn interrupted(locale: Locale, cause: &crate::db::DbError) -> String {
    tracing::error!(%cause, "CSV export interrupted");
    format!(
        "{}\r\n",
        translate(locale.as_str(), "admin.export.interrupted", &[])
    )
}

fn claims_stream(
    db: Db,
    filter: QueueFilter,
    sep: char,
    locale: Locale,
) -> impl Stream<Item = String> {
    let pages = stream::unfold(Some(None::<Cursor>), move |state| {
        let (db, filter) = (db.clone(), filter.clone());
        async move {
            let cursor = state?;
            match db
                .read(move |c| exports::claims_page(c, &filter, cursor.as_ref()))
                .await
            {
                Ok((rows, next)) => Some((claim_lines(&rows, sep), next.map(Some))),
                Err(e) => Some((interrupted(locale, &e), None)),
            }
        }
    });
    stream::once(async move { header(&CLAIM_COLUMNS, sep) }).chain(pages)
}

fn ledger_stream(db: Db, sep: char, locale: Locale) -> impl Stream<Item = String> {
    let pages = stream::unfold(Some(0_i64), move |state| {
        let db = db.clone();
        async move {
            let after = state?;
            match db.read(move |c| exports::ledger_page(c, after)).await {
                Ok(rows) => {
                    let full = rows.len() >= usize::try_from(exports::LEDGER_PAGE).unwrap_or(0);
                    let next = rows.last().map(|r| r.id).filter(|_| full);
                    Some((ledger_lines(&rows, sep), next))
                }
                Err(e) => Some((interrupted(locale, &e), None)),
            }
        }
    });
    stream::once(async move { header(&LEDGER_COLUMNS, sep) }).chain(pages)
}

#[get("/admin/claims.csv?<sep>&<query..>")]
pub fn get_admin_claims_csv(
    staff: StaffSession,
    sep: Option<&str>,
    query: QueueQuery,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<CsvStream<impl Stream<Item = String> + use<>>, AppError> {
    let sep = crate::web::csv::separator(sep).ok_or(AppError::BadRequest)?;
    let today = chrono::Utc::now().date_naive();
    let filter = query.filter(staff.user.user_id, today, &cfg.deadline_rules());
    Ok(CsvStream {
        filename: "flightclaim-claims.csv".into(),
        body: claims_stream(db.inner().clone(), filter, sep, locale),
    })
}

#[get("/admin/finance/ledger.csv?<sep>")]
pub fn get_admin_ledger_csv(
    staff: StaffSession,
    sep: Option<&str>,
    locale: Locale,
    db: &State<Db>,
) -> Result<CsvStream<impl Stream<Item = String> + use<>>, AppError> {
    if !staff.can_record_money() {
        return Err(AppError::Forbidden);
    }
    let sep = crate::web::csv::separator(sep).ok_or(AppError::BadRequest)?;
    Ok(CsvStream {
        filename: "flightclaim-ledger.csv".into(),
        body: ledger_stream(db.inner().clone(), sep, locale),
    })
}
