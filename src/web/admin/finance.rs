//! `/admin/finance`: what airlines owe (receivables per airline, aged 0–30, 31–90 and over 90
//! days since approval), the money held for passengers (the client-money figure: received and
//! not yet paid out or withheld as fees, summed from the ledger) and the fees per month. Every
//! figure is per currency; currencies are never added together. Staff of every role see it.

use chrono::{Datelike, Months, Utc};
use rocket::{State, get};
use serde::Serialize;

use super::auth::StaffSession;
use crate::db::ledger::{self, MonthFees};
use crate::db::{Db, DbError};
use crate::domain::ledger::{AirlineReceivables, receivables_by_airline};
use crate::domain::money::Money;
use crate::i18n::Locale;
use crate::web::AppError;
use crate::web::render::Page;

/// Months of fees shown.
const FEE_MONTHS: u32 = 12;

#[derive(Debug, Serialize)]
struct ReceivableView {
    airline: String,
    currency: String,
    claims: u32,
    recent: String,
    late: String,
    overdue: String,
    total: String,
}

#[derive(Debug, Serialize)]
struct AmountView {
    label: String,
    currency: String,
    amount: String,
}

struct Figures {
    receivables: Vec<AirlineReceivables>,
    held: Vec<Money>,
    fees: Vec<MonthFees>,
}

fn figures(c: &rusqlite::Connection, since: &str) -> Result<Figures, DbError> {
    let items: Vec<(String, Money, i64)> = ledger::receivables(c)?
        .into_iter()
        .map(|r| (r.airline, r.outstanding, r.age_days))
        .collect();
    Ok(Figures {
        receivables: receivables_by_airline(&items)
            .map_err(|e| DbError::Conflict(e.to_string()))?,
        held: ledger::held_by_currency(c)?,
        fees: ledger::fees_by_month(c, since)?,
    })
}

#[get("/admin/finance")]
pub async fn get_admin_finance(
    staff: StaffSession,
    locale: Locale,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let today = Utc::now().date_naive();
    let first = today.with_day(1).unwrap_or(today);
    let since = first
        .checked_sub_months(Months::new(FEE_MONTHS - 1))
        .unwrap_or(first)
        .to_string();
    let f = db.read(move |c| figures(c, &since)).await?;
    let fmt = |m: Money| m.format_exact(locale);
    let receivables: Vec<ReceivableView> = f
        .receivables
        .iter()
        .map(|r| ReceivableView {
            airline: r.airline.clone(),
            currency: r.currency.to_string(),
            claims: r.claims,
            recent: fmt(r.recent),
            late: fmt(r.late),
            overdue: fmt(r.overdue),
            total: fmt(r.total),
        })
        .collect();
    let held: Vec<AmountView> = f
        .held
        .iter()
        .map(|m| AmountView {
            label: String::new(),
            currency: m.currency.to_string(),
            amount: fmt(*m),
        })
        .collect();
    let fees: Vec<AmountView> = f
        .fees
        .iter()
        .map(|m| AmountView {
            label: m.month.clone(),
            currency: m.fees.currency.to_string(),
            amount: fmt(m.fees),
        })
        .collect();
    Ok(Page::new("admin/finance.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("can_pay_out", &staff.can_record_money())
        .with("can_invoice", &staff.can_record_money())
        .with("receivables", &receivables)
        .with("held", &held)
        .with("fees", &fees))
}
