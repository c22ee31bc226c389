//! `/admin/airlines` (every airline's statistics) and `/admin/airlines/<IATA>` (one airline):
//! the facts come from `db::airline_stats`, the figures from the pure
//! `domain::airline_stats::figures`; this module only formats them in the reader's language.
//! Both are kept a minute in the stats cache (they read every claim's history), like the
//! overview's aggregates.

use rocket::{State, get};
use serde::Serialize;

use super::auth::StaffSession;
use super::stats_cache::StatsCache;
use crate::db::Db;
use crate::db::airline_stats::{self, Scope};
use crate::domain::airline_stats::{AirlineFacts, AirlineFigures, figures, parse_iata};
use crate::domain::eligibility::humanize;
use crate::i18n::{Locale, translate};
use crate::refdata::RefData;
use crate::web::AppError;
use crate::web::render::Page;

/// One airline's figures as the page shows them.
#[derive(Debug, Serialize)]
pub struct AirlineView {
    code: String,
    name: String,
    claims: String,
    approved: String,
    rejected: String,
    paid: String,
    approval: String,
    rejection: String,
    days_to_answer: String,
    days_to_pay: String,
    sent: String,
    escalated: String,
    escalated_share: String,
    escalation_won: String,
    escalation_lost: String,
    escalation_pending: String,
    reasons: Vec<(String, String)>,
    outstanding: Vec<String>,
}

fn count(n: i64, lang: &str) -> String {
    #[allow(clippy::cast_precision_loss)]
    humanize::number(n as f64, 0, lang)
}

fn share(p: Option<i64>, lang: &str) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{}\u{a0}%", count(p, lang)))
}

fn days(d: Option<f64>, lang: &str) -> String {
    d.map_or_else(|| "—".into(), |d| humanize::number(d, 1, lang))
}

fn view(f: &AirlineFigures, locale: Locale) -> AirlineView {
    let lang = locale.as_str();
    let name = RefData::embedded()
        .airline(&f.airline)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    AirlineView {
        code: f.airline.clone(),
        name,
        claims: count(f.claims, lang),
        approved: count(f.approved, lang),
        rejected: count(f.rejected, lang),
        paid: count(f.paid, lang),
        approval: share(f.approval_percent, lang),
        rejection: share(f.rejection_percent, lang),
        days_to_answer: days(f.median_days_to_answer, lang),
        days_to_pay: days(f.median_days_to_pay, lang),
        sent: count(f.sent, lang),
        escalated: count(f.escalated, lang),
        escalated_share: share(f.escalated_percent, lang),
        escalation_won: count(f.escalation_won, lang),
        escalation_lost: count(f.escalation_lost, lang),
        escalation_pending: count(f.escalation_pending, lang),
        reasons: f
            .reasons
            .iter()
            .map(|(r, n)| {
                let key = format!("mail.reason.{r}");
                let label = crate::i18n::lookup(lang, &key).map_or_else(|| r.clone(), Into::into);
                (label, count(*n, lang))
            })
            .collect(),
        outstanding: f
            .outstanding
            .iter()
            .map(|m| m.format_exact(locale))
            .collect(),
    }
}

fn all_figures(c: &rusqlite::Connection) -> Result<Vec<AirlineFigures>, crate::db::DbError> {
    Ok(airline_stats::list_facts(c, Scope::All)?
        .iter()
        .map(figures)
        .collect())
}

#[get("/admin/airlines")]
pub async fn get_admin_airlines(
    staff: StaffSession,
    locale: Locale,
    db: &State<Db>,
    cache: &State<StatsCache>,
) -> Result<Page, AppError> {
    let all = cache.airlines.get((), db, all_figures).await?;
    let rows: Vec<AirlineView> = all.iter().map(|f| view(f, locale)).collect();
    Ok(Page::new("admin/airlines.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("airlines", &rows))
}

#[get("/admin/airlines/<code>")]
pub async fn get_admin_airline(
    staff: StaffSession,
    code: &str,
    locale: Locale,
    db: &State<Db>,
    cache: &State<StatsCache>,
) -> Result<Page, AppError> {
    let code = parse_iata(code).ok_or(AppError::NotFound)?;
    let known = RefData::embedded().airline(&code).is_some();
    let key = code.clone();
    let found = cache
        .airline
        .get(code.clone(), db, move |c| {
            Ok(airline_stats::list_facts(c, Scope::One(&key))?
                .first()
                .map(figures))
        })
        .await?;
    let f = match found.as_ref() {
        Some(f) => f.clone(),
        None if known => figures(&AirlineFacts {
            airline: code.clone(),
            ..Default::default()
        }),
        None => return Err(AppError::NotFound),
    };
    let title = translate(
        locale.as_str(),
        "admin.airlines.one_title",
        &[("code", &code)],
    );
    Ok(Page::new("admin/airline.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("title", &title)
        .with("airline", &view(&f, locale)))
}
