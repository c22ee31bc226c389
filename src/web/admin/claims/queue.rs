//! `/admin/claims`: the queue — filters, search, sort, keyset pages, bulk assignment and the
//! CSV export of the current filter.
//!
//! Query values come from the address bar and are hostile by default: each is parsed into a
//! typed [`QueueFilter`]; what does not parse is dropped from the query (and echoed, escaped,
//! in its field so the agent sees what they typed). Only a cursor we did not make is a 400.

use chrono::{Days, NaiveDate};
use rocket::form::FromForm;
use rocket::response::Redirect;
use rocket::{State, get, post};
use serde::Serialize;

use super::super::auth::StaffSession;
use super::{assignee_label, money_text};
use crate::config::AppConfig;
use crate::db::claim_queue::{
    self, Assignee, Cursor, DISRUPTIONS, DateField, QueueFilter, QueueRow, Sort,
};
use crate::db::{Db, DbError, audit, claim_admin};
use crate::domain::claim::{ClaimRef, ClaimStatus};
use crate::domain::deadlines::{Rules, passed_before};
use crate::i18n::Locale;
use crate::web::AppError;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;

/// Rows per page.
pub const PAGE_SIZE: u32 = 50;
/// Largest amount bound accepted, in whole currency units.
const MAX_AMOUNT_UNITS: i64 = 1_000_000;
/// Longest text kept from a query value.
const MAX_TEXT: usize = 100;
/// Largest number of days a day filter accepts (ten years).
const MAX_DAYS: u64 = 3660;

/// The query string as typed; every field optional text.
#[derive(Debug, Default, FromForm, Serialize)]
pub struct QueueQuery {
    pub status: Option<String>,
    pub airline: Option<String>,
    pub disruption: Option<String>,
    pub date_field: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub assignee: Option<String>,
    pub min_amount: Option<String>,
    pub max_amount: Option<String>,
    /// `unanswered`: claims with a passenger message nobody answered yet.
    pub messages: Option<String>,
    /// At least this many days in the current status.
    pub days_in_status: Option<String>,
    /// `passed`: one of the claim's deadlines has passed.
    pub deadline: Option<String>,
    /// The limitation date falls within this many days.
    pub limitation_within: Option<String>,
    /// A document request open for at least this many days.
    pub documents_waiting: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
}

/// What the form shows back: each value trimmed and cut, as typed.
#[derive(Debug, Default, Serialize)]
struct Echo {
    status: String,
    airline: String,
    disruption: String,
    date_field: String,
    from: String,
    to: String,
    assignee: String,
    min_amount: String,
    max_amount: String,
    messages: String,
    days_in_status: String,
    deadline: String,
    limitation_within: String,
    documents_waiting: String,
    q: String,
    sort: String,
}

fn clean(value: Option<&String>) -> String {
    value
        .map(|v| v.trim().chars().take(MAX_TEXT).collect())
        .unwrap_or_default()
}

fn amount_cents(text: &str) -> Option<i64> {
    let units: i64 = text.parse().ok()?;
    (0..=MAX_AMOUNT_UNITS)
        .contains(&units)
        .then_some(units * 100)
}

impl QueueQuery {
    fn echo(&self) -> Echo {
        Echo {
            status: clean(self.status.as_ref()),
            airline: clean(self.airline.as_ref()),
            disruption: clean(self.disruption.as_ref()),
            date_field: clean(self.date_field.as_ref()),
            from: clean(self.from.as_ref()),
            to: clean(self.to.as_ref()),
            assignee: clean(self.assignee.as_ref()),
            min_amount: clean(self.min_amount.as_ref()),
            max_amount: clean(self.max_amount.as_ref()),
            messages: clean(self.messages.as_ref()),
            days_in_status: clean(self.days_in_status.as_ref()),
            deadline: clean(self.deadline.as_ref()),
            limitation_within: clean(self.limitation_within.as_ref()),
            documents_waiting: clean(self.documents_waiting.as_ref()),
            q: clean(self.q.as_ref()),
            sort: clean(self.sort.as_ref()),
        }
    }

    /// The typed filter for `me` (the "mine" assignee) on `today`.
    pub fn filter(&self, me: i64, today: NaiveDate, rules: &Rules) -> QueueFilter {
        let e = self.echo();
        // A number of days (0 to 10 years); anything else is dropped.
        let days = |s: &str| s.parse::<u64>().ok().filter(|d| *d <= MAX_DAYS);
        let back = |d: u64| today.checked_sub_days(Days::new(d));
        let airline = e.airline.to_ascii_uppercase();
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        QueueFilter {
            status: ClaimStatus::parse(&e.status),
            airline: ((2..=3).contains(&airline.len())
                && airline.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then_some(airline),
            disruption: DISRUPTIONS.into_iter().find(|d| *d == e.disruption),
            date_field: if e.date_field == "created" {
                DateField::Created
            } else {
                DateField::Flight
            },
            from: date(&e.from),
            to: date(&e.to),
            assignee: match e.assignee.as_str() {
                "mine" => Assignee::User(me),
                "unassigned" => Assignee::Unassigned,
                other => other
                    .parse::<i64>()
                    .ok()
                    .filter(|i| *i > 0)
                    .map_or(Assignee::Any, Assignee::User),
            },
            min_cents: amount_cents(&e.min_amount),
            max_cents: amount_cents(&e.max_amount),
            awaiting_answer: e.messages == "unanswered",
            status_since_by: days(&e.days_in_status).and_then(back),
            deadline_passed: (e.deadline == "passed").then(|| passed_before(today, rules)),
            limitation_between: days(&e.limitation_within)
                .and_then(|d| today.checked_add_days(Days::new(d)))
                .map(|to| (today, to)),
            requested_by: days(&e.documents_waiting).and_then(back),
            q: e.q,
            sort: Sort::parse(&e.sort).unwrap_or_default(),
        }
    }

    /// The query string of this filter without the cursor (for links and the export).
    fn link(&self) -> String {
        let e = self.echo();
        let pairs = [
            ("status", &e.status),
            ("airline", &e.airline),
            ("disruption", &e.disruption),
            ("date_field", &e.date_field),
            ("from", &e.from),
            ("to", &e.to),
            ("assignee", &e.assignee),
            ("min_amount", &e.min_amount),
            ("max_amount", &e.max_amount),
            ("messages", &e.messages),
            ("days_in_status", &e.days_in_status),
            ("deadline", &e.deadline),
            ("limitation_within", &e.limitation_within),
            ("documents_waiting", &e.documents_waiting),
            ("q", &e.q),
            ("sort", &e.sort),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", rocket::http::RawStr::new(v).percent_encode()))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[derive(Serialize)]
struct RowView<'a> {
    #[serde(flatten)]
    row: &'a QueueRow,
    amount_text: String,
    /// `YYYY-MM-DD` of `created_at`.
    created_day: &'a str,
    /// Whole days in the current status.
    days_in_status: i64,
    /// Duplicate or fraud signals on this claim (`db::claim_signals`).
    signals: usize,
}

/// Whole days from `since` (a stored time) to `today`.
fn days_since(since: &str, today: NaiveDate) -> i64 {
    since
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or(0, |d| (today - d).num_days().max(0))
}

#[get("/admin/claims?<query..>")]
pub async fn get_admin_claims(
    staff: StaffSession,
    query: QueueQuery,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<Page, AppError> {
    let today = chrono::Utc::now().date_naive();
    let filter = query.filter(staff.user.user_id, today, &cfg.deadline_rules());
    let cursor = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(text) => Some(Cursor::decode(text, filter.sort).ok_or(AppError::BadRequest)?),
        None => None,
    };
    let f = filter.clone();
    let ((rows, next), staff_list, (signals, total)) = db
        .read(move |c| {
            let page = claim_queue::list(c, &f, cursor.as_ref(), PAGE_SIZE)?;
            let ids: Vec<i64> = page.0.iter().map(|r| r.id).collect();
            let signals = crate::db::claim_signals::list_for(c, &ids)?;
            let total = claim_queue::count_capped(c, &f)?;
            Ok((page, claim_queue::staff_members(c)?, (signals, total)))
        })
        .await?;
    let views: Vec<RowView<'_>> = rows
        .iter()
        .map(|row| RowView {
            row,
            amount_text: money_text(row.amount_cents, &row.currency, locale),
            created_day: row.created_at.get(..10).unwrap_or(&row.created_at),
            days_in_status: days_since(&row.status_since, today),
            signals: signals.iter().filter(|s| s.claim_id == row.id).count(),
        })
        .collect();
    let link = query.link();
    let next_url = next.map(|c| {
        let sep = if link.is_empty() { "" } else { "&" };
        format!("/admin/claims?{link}{sep}cursor={}", c.encode())
    });
    let csv_url = if link.is_empty() {
        "/admin/claims.csv".to_string()
    } else {
        format!("/admin/claims.csv?{link}")
    };
    let csv_semicolon_url = format!(
        "{csv_url}{}sep=semicolon",
        if link.is_empty() { "?" } else { "&" }
    );
    Ok(Page::new("admin/claims.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("rows", &views)
        .with("total", &total.min(claim_queue::COUNT_CAP))
        .with("total_capped", &(total > claim_queue::COUNT_CAP))
        .with("f", &query.echo())
        .with("statuses", &ClaimStatus::ALL.map(ClaimStatus::as_str))
        .with("disruptions", &DISRUPTIONS)
        .with("sorts", &Sort::ALL.map(Sort::as_str))
        .with("staff_list", &staff_list)
        .with("bulk_transitions", &super::bulk::BULK_TRANSITIONS)
        .with("reasons", &super::bulk::reason_choices(locale.as_str()))
        .with("me", &staff.user.user_id)
        .with("next_url", &next_url)
        .with("csv_url", &csv_url)
        .with("csv_semicolon_url", &csv_semicolon_url)
        .with("return_to", &format!("/admin/claims?{link}")))
}

/// One CSV cell for a comma-separated file (see [`crate::web::csv::text_cell`]).
pub fn csv_cell(value: &str) -> String {
    crate::web::csv::text_cell(value, ',')
}

#[derive(Debug, FromForm)]
pub struct BulkAssignForm {
    #[field(default = Vec::new())]
    pub claims: Vec<String>,
    #[field(default = String::new())]
    pub assignee: String,
    #[field(default = String::new())]
    pub return_to: String,
}

/// Where to go back to: the queue with its filter, never elsewhere.
pub fn safe_return(target: &str) -> String {
    if target.starts_with("/admin/claims")
        && !target.contains(['\r', '\n'])
        && !target.contains("//")
    {
        target.to_string()
    } else {
        "/admin/claims".to_string()
    }
}

#[post("/admin/claims/assign", data = "<form>")]
pub async fn post_admin_claims_assign(
    staff: StaffSession,
    form: CsrfForm<BulkAssignForm>,
    db: &State<Db>,
) -> Result<Redirect, AppError> {
    let form = form.0;
    let refs: Vec<String> = form
        .claims
        .iter()
        .take(usize::try_from(PAGE_SIZE).unwrap_or(50) * 4)
        .filter_map(|r| ClaimRef::parse(r).map(|r| r.to_string()))
        .collect();
    let target = super::parse_assignee(&form.assignee, staff.user.user_id)?;
    let actor = staff.user.email.clone();
    let actor_id = staff.user.user_id;
    db.write(move |tx| {
        if let Some(id) = target
            && !claim_admin::is_staff(tx, id)?
        {
            return Err(DbError::NotFound);
        }
        let after = assignee_label(tx, target)?;
        for claim_ref in &refs {
            let Some(claim) = claim_admin::find_detail(tx, claim_ref)? else {
                continue;
            };
            let before = claim_admin::set_assignee(tx, claim.id, target)?;
            if before == target {
                continue;
            }
            let before = assignee_label(tx, before)?;
            audit::record(
                tx,
                Some(actor_id),
                &actor,
                "claim.assign",
                &format!("claim:{claim_ref}"),
                Some(&before),
                Some(&after),
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to(safe_return(&form.return_to)))
}
