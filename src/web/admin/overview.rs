//! `/admin`: the business and the machine at a glance — claims by status, new claims, money
//! claimed/approved/paid, approval rate, median times, and what needs attention.

use chrono::{Datelike, Duration, Utc};
use rocket::{State, get};
use serde::Serialize;

use super::auth::StaffSession;
use super::stats_cache::{Heavy, StatsCache};
use crate::backup::StatusHandle;
use crate::db::claim_queue::{self, QueueFilter};
use crate::db::stats::{self, Waiting};
use crate::db::users::{self, Role};
use crate::db::{Db, time_text};
use crate::domain::claim::ClaimStatus;
use crate::domain::deadlines::{Rules, passed_before};
use crate::domain::eligibility::humanize;
use crate::i18n::Locale;
use crate::web::AppError;
use crate::web::render::Page;

/// A claim still `submitted` after this many days needs attention.
pub const WAITING_DAYS: i64 = 3;
/// A document request the passenger has not answered after this many days needs a reminder.
pub const DOCUMENTS_OVERDUE_DAYS: i64 = 7;
/// An airline that has not answered after this many weeks: time to escalate (enforcement body,
/// mediation or court).
pub const AIRLINE_OVERDUE_WEEKS: i64 = 6;
/// Claims whose limitation date is this close are flagged.
pub const LIMITATION_SOON_DAYS: u64 = crate::domain::deadlines::LIMITATION_WARNING_DAYS;
/// Median times are computed over claims of this many recent days.
const MEDIAN_WINDOW_DAYS: i64 = 90;

#[derive(Serialize)]
struct MoneyView {
    currency: String,
    claimed: String,
    approved: String,
    paid: String,
}

#[derive(Serialize)]
struct Overview {
    passengers: i64,
    agents: i64,
    admins: i64,
    statuses: Vec<(String, i64)>,
    total: i64,
    new_today: i64,
    new_week: i64,
    money: Vec<MoneyView>,
    approval_percent: Option<i64>,
    median_answer: Option<String>,
    median_payment: Option<String>,
    waiting_count: i64,
    waiting: Vec<Waiting>,
    stuck_mails: i64,
    failed_mails: i64,
    documents_overdue: i64,
    airline_overdue: i64,
    /// Claims one of whose deadlines has passed.
    deadline_passed: i64,
    /// Claims still pursued whose limitation date is within [`LIMITATION_SOON_DAYS`].
    limitation_soon: i64,
    /// Claims whose passenger wrote and nobody answered yet.
    unanswered: i64,
    /// Open claims per agent and admin, and open claims nobody has.
    workload: Vec<crate::db::assignment::Workload>,
    unassigned: i64,
}

/// Money as the page shows it, in the reader's language.
pub fn money_text(cents: i64, currency: &str, lang: &str) -> String {
    #[allow(clippy::cast_precision_loss)]
    humanize::money((cents / 100) as f64, currency, lang)
}

fn heavy(conn: &rusqlite::Connection) -> Result<Heavy, crate::db::DbError> {
    let since = time_text(Utc::now() - Duration::days(MEDIAN_WINDOW_DAYS));
    let (money, outcomes) = stats::money_and_outcomes(conn, "", "~")?;
    let (answer, payment) = stats::median_times(conn, &since)?;
    Ok(Heavy {
        money,
        outcomes,
        median_answer_hours: answer,
        median_payment_days: payment,
    })
}

/// The queue filters behind the attention items, in the order of the page: claims waiting
/// for a first look, documents awaited, airlines silent, deadlines passed, limitation soon.
/// The page links each item to the same filter (`templates/admin/overview.html`).
fn attention_filters(today: chrono::NaiveDate, rules: Rules) -> [QueueFilter; 5] {
    let back = |days: i64| today - Duration::days(days);
    [
        QueueFilter {
            status: Some(ClaimStatus::Submitted),
            status_since_by: Some(back(WAITING_DAYS)),
            ..QueueFilter::default()
        },
        QueueFilter {
            requested_by: Some(back(DOCUMENTS_OVERDUE_DAYS)),
            ..QueueFilter::default()
        },
        QueueFilter {
            status: Some(ClaimStatus::SentToAirline),
            status_since_by: Some(back(AIRLINE_OVERDUE_WEEKS * 7)),
            ..QueueFilter::default()
        },
        QueueFilter {
            deadline_passed: Some(passed_before(today, &rules)),
            ..QueueFilter::default()
        },
        QueueFilter {
            limitation_between: today
                .checked_add_days(chrono::Days::new(LIMITATION_SOON_DAYS))
                .map(|to| (today, to)),
            ..QueueFilter::default()
        },
    ]
}

#[get("/admin")]
pub async fn get_admin(
    staff: StaffSession,
    locale: Locale,
    db: &State<Db>,
    cache: &State<StatsCache>,
    replication: &State<StatusHandle>,
    cfg: &State<crate::config::AppConfig>,
) -> Result<Page, AppError> {
    let lang = locale.as_str();
    let heavy = cache.overview.get((), db, heavy).await?;
    let now = Utc::now();
    let today = now.date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let day_start = format!("{today}T00:00:00Z");
    let week_start = format!("{monday}T00:00:00Z");
    // The list under "waiting" shows the first of the claims its link opens (a day filter:
    // created before the day after `today - WAITING_DAYS`).
    let waiting_before = (today - Duration::days(WAITING_DAYS - 1)).to_string();
    let hour_ago = crate::db::outbox::timestamp(now - Duration::hours(1));
    let attention = attention_filters(today, cfg.deadline_rules());
    let overview = db
        .read(move |c| {
            let statuses = stats::count_by_status(c)?;
            let (_, waiting) = stats::waiting_since(c, &waiting_before, 10)?;
            let (stuck_mails, failed_mails) = stats::stuck_mails(c, &hour_ago)?;
            // Each attention item counts the claims its link opens (the same queue filter).
            let mut counts = [0i64; 5];
            for (n, f) in counts.iter_mut().zip(&attention) {
                *n = claim_queue::count(c, f)?;
            }
            let [
                waiting_count,
                documents_overdue,
                airline_overdue,
                deadline_passed,
                limitation_soon,
            ] = counts;
            let (workload, assigned) = crate::db::assignment::workload(c)?;
            let open: i64 = statuses
                .iter()
                .filter(|(s, _)| !crate::db::assignment::DONE_STATUSES.contains(&s.as_str()))
                .map(|(_, n)| n)
                .sum();
            Ok(Overview {
                passengers: users::count_by_role(c, Role::Passenger)?,
                agents: users::count_by_role(c, Role::Agent)?,
                admins: users::count_by_role(c, Role::Admin)?,
                total: statuses.iter().map(|s| s.1).sum(),
                statuses,
                new_today: stats::count_created_since(c, &day_start)?,
                new_week: stats::count_created_since(c, &week_start)?,
                money: Vec::new(),
                approval_percent: None,
                median_answer: None,
                median_payment: None,
                waiting_count,
                waiting,
                stuck_mails,
                failed_mails,
                documents_overdue,
                airline_overdue,
                deadline_passed,
                limitation_soon,
                unanswered: crate::db::messages::claims_awaiting_answer(c)?,
                workload,
                unassigned: open - assigned,
            })
        })
        .await?;
    let mut overview = overview;
    overview.money = heavy
        .money
        .iter()
        .map(|m| MoneyView {
            currency: m.currency.clone(),
            claimed: money_text(m.claimed_cents, &m.currency, lang),
            approved: money_text(m.approved_cents, &m.currency, lang),
            paid: money_text(m.paid_cents, &m.currency, lang),
        })
        .collect();
    overview.approval_percent = heavy.outcomes.approval_percent();
    overview.median_answer = heavy
        .median_answer_hours
        .map(|h| humanize::number(h, 1, lang));
    overview.median_payment = heavy
        .median_payment_days
        .map(|d| humanize::number(d, 1, lang));
    Ok(Page::new("admin/overview.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("overview", &overview)
        .with("waiting_days", &WAITING_DAYS)
        .with("documents_days", &DOCUMENTS_OVERDUE_DAYS)
        .with("airline_weeks", &AIRLINE_OVERDUE_WEEKS)
        .with("airline_days", &(AIRLINE_OVERDUE_WEEKS * 7))
        .with("limitation_days", &LIMITATION_SOON_DAYS)
        .with("replication", &replication.snapshot()))
}
