//! The daily job's chasers (`flightclaim daily-jobs`, and the server once a day): load the
//! claims that may have something due, ask [`crate::domain::deadlines::decide`] what to do on
//! the job's day, and carry each decision out in its own transaction — recorded in
//! `chaser_actions` first, so a decision already taken (by an earlier run, or by a run at the
//! same time) is skipped, and a run twice the same day does nothing twice.
//!
//! Everything the job does is on the claim's timeline (internal notes whose text is
//! `auto:<event>:<date>`, translated when the page is drawn), in the audit log (actor
//! `daily-jobs`, action `claim.chaser`), and the second notice is a real status change
//! ([`super::claim_status::change`], the passenger told by email).

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{Connection, Transaction};

use super::claim_status::{self, By, ChangeError, ChangeStatus};
use super::escalation_docs::{self, DocKind, GenerateError};
use crate::db::chasers::{self, FactsRow};
use crate::db::{Db, DbError, audit, claim_admin};
use crate::documents::DocumentStore;
use crate::domain::claim::{ClaimStatus, Transition};
use crate::domain::deadlines::{
    self, Action, ChaserMode, DOCUMENT_REMINDER_DAYS, Deadline, Decision, Facts,
    LIMITATION_WARNING_DAYS, OpenRequest, Rules,
};
use crate::mail::messages::{DocumentKind, DocumentsReminder};
use crate::mail::{self, Mailer};

/// The day part of a stored time (`YYYY-MM-DD…`).
fn day_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// A claim's deadline facts from its row, its open requests and the job's record.
pub fn facts(conn: &Connection, row: &FactsRow) -> Result<Option<Facts>, DbError> {
    let (Some(status), Some(status_since)) =
        (ClaimStatus::parse(&row.status), day_of(&row.status_since))
    else {
        return Ok(None);
    };
    let open_requests = chasers::open_requests(conn, row.claim_id)?
        .into_iter()
        .filter_map(|(id, at, waiting)| {
            Some(OpenRequest {
                id,
                requested_on: day_of(&at)?,
                waiting: waiting.is_some(),
            })
        })
        .collect();
    let recorded = chasers::recorded(conn, row.claim_id)?
        .into_iter()
        .filter_map(|(name, key, done)| Some((Action::from_stored(&name, &key)?, key, done)))
        .collect();
    Ok(Some(Facts {
        status,
        status_since,
        chasers_paused: row.chasers_paused,
        open_requests,
        pending_offer_on: row.pending_offer_at.as_deref().and_then(day_of),
        limitation: row.limitation_date.as_deref().and_then(day_of),
        recorded,
    }))
}

/// The claim's next deadline, for its page.
pub fn next_deadline(
    conn: &Connection,
    claim_id: i64,
    rules: &Rules,
) -> Result<Option<Deadline>, DbError> {
    let Some(row) = chasers::facts(conn, claim_id)? else {
        return Ok(None);
    };
    Ok(facts(conn, &row)?.and_then(|f| deadlines::next_deadline(&f, rules)))
}

/// How one run is made.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    pub now: DateTime<Utc>,
    /// Decide and report, write nothing.
    pub dry_run: bool,
    pub mode: ChaserMode,
    pub rules: Rules,
}

/// One line of the report: a claim, an action, and whether it was done or proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub claim_ref: String,
    pub action: &'static str,
    pub executed: bool,
}

/// What a run did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub lines: Vec<Line>,
    /// Claims looked at.
    pub candidates: usize,
}

/// The claims with something due on `today`, and what.
pub fn plan(
    conn: &Connection,
    today: NaiveDate,
    options: &RunOptions,
) -> Result<Vec<(FactsRow, Vec<Decision>)>, DbError> {
    let back = |days: u64| {
        today
            .checked_sub_days(Days::new(days))
            .unwrap_or(today)
            .to_string()
    };
    // Generous bounds (a day more than the rules): the domain decides exactly.
    let reply = u64::from(options.rules.airline_reply_days);
    let candidates = chasers::candidates(
        conn,
        &back(reply.saturating_sub(1)),
        &back(DOCUMENT_REMINDER_DAYS[0].saturating_sub(1)),
        &today
            .checked_add_days(Days::new(LIMITATION_WARNING_DAYS))
            .unwrap_or(today)
            .to_string(),
    )?;
    let mut out = Vec::new();
    for row in candidates {
        let Some(f) = facts(conn, &row)? else {
            continue;
        };
        let decisions = deadlines::decide(&f, today, &options.rules, options.mode);
        if !decisions.is_empty() {
            out.push((row, decisions));
        }
    }
    Ok(out)
}

/// The second notice's letter to the airline, generated and stored as sent
/// ([`escalation_docs::generate`]) in the same transaction as the move to `reminder_sent` (the
/// daily job calls it right after the status change, in [`ChaserMode::Send`] only): a notice
/// that cannot be stored leaves the claim where it was, for the next run.
pub fn store_second_notice(
    tx: &Transaction<'_>,
    store: &DocumentStore,
    claim: &FactsRow,
    today: NaiveDate,
    reply_days: u32,
) -> Result<(), DbError> {
    let req = escalation_docs::Request {
        claim_ref: &claim.claim_ref,
        kind: DocKind::SecondNotice,
        actor: None,
        actor_label: "daily-jobs",
        today,
        reply_days: i64::from(reply_days),
    };
    match escalation_docs::generate(tx, store, &req) {
        Ok(_) => Ok(()),
        Err(GenerateError::Db(e)) => Err(e),
        Err(GenerateError::NotFound) => Err(DbError::NotFound),
        Err(e) => Err(DbError::Conflict(format!(
            "second notice of {}: {e}",
            claim.claim_ref
        ))),
    }
}

fn note(tx: &Transaction<'_>, claim_id: i64, event: &str, date: &str) -> Result<(), DbError> {
    claim_admin::add_event(tx, claim_id, None, &format!("auto:{event}:{date}"), false)
}

/// Carries out one decision (in `tx`); `false` when it had already been taken.
fn carry_out(
    tx: &Transaction<'_>,
    (mailer, store): (&Mailer, &DocumentStore),
    row: &FactsRow,
    d: &Decision,
    (now, reply_days): (&str, u32),
) -> Result<bool, ChangeError> {
    if !chasers::record(tx, row.claim_id, d.action.name(), &d.key, d.execute, now)? {
        return Ok(false);
    }
    let today = &now[..10];
    let event = match (d.action, d.execute) {
        (Action::SecondNotice, true) => {
            let input = ChangeStatus {
                claim_ref: row.claim_ref.clone(),
                transition: Transition::SendReminder,
                note: None,
                answer_label: String::new(),
                at: Some(now.to_string()),
            };
            claim_status::change(tx, mailer, &By::DailyJob, &input)?;
            let day = NaiveDate::parse_from_str(today, "%Y-%m-%d")
                .map_err(|_| DbError::Schema(format!("the job's clock is not a date: {now}")))?;
            store_second_notice(tx, store, row, day, reply_days)?;
            "second_notice_sent"
        }
        (Action::SecondNotice, false) => "second_notice_due",
        (Action::DocumentReminder { request, nth }, execute) => {
            if execute {
                remind_passenger(tx, mailer, row, request, nth)?;
            }
            if execute {
                "document_reminder_sent"
            } else {
                "document_reminder_due"
            }
        }
        (Action::WaitingForPassenger { request }, _) => {
            chasers::mark_waiting(tx, request, now)?;
            "waiting_for_passenger"
        }
        (Action::SuggestEscalation, _) => "escalation_suggested",
        (Action::LimitationWarning, _) => {
            let day = row.limitation_date.clone().unwrap_or_default();
            note(tx, row.claim_id, "limitation_warning", &day)?;
            audit_chaser(tx, row, d)?;
            return Ok(true);
        }
    };
    note(tx, row.claim_id, event, today)?;
    audit_chaser(tx, row, d)?;
    Ok(true)
}

fn audit_chaser(tx: &Transaction<'_>, row: &FactsRow, d: &Decision) -> Result<(), DbError> {
    let outcome = if d.execute { "done" } else { "proposed" };
    audit::record(
        tx,
        None,
        By::DailyJob.label(),
        "claim.chaser",
        &format!("claim:{}", row.claim_ref),
        None,
        Some(&format!("{} {}: {outcome}", d.action.name(), d.key)),
    )
}

fn remind_passenger(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    row: &FactsRow,
    request: i64,
    nth: u8,
) -> Result<(), DbError> {
    let Some(claim) = claim_admin::find_detail(tx, &row.claim_ref)? else {
        return Err(DbError::NotFound);
    };
    let kinds = chasers::request_kinds(tx, request)?;
    let documents = DocumentKind::ALL
        .into_iter()
        .filter(|k| {
            kinds
                .iter()
                .any(|n| n == k.key().trim_start_matches("mail.document."))
        })
        .collect();
    let index = usize::from(nth.saturating_sub(1)).min(DOCUMENT_REMINDER_DAYS.len() - 1);
    let msg = DocumentsReminder {
        claim_ref: row.claim_ref.clone(),
        documents,
        days: u32::try_from(DOCUMENT_REMINDER_DAYS[index]).unwrap_or(u32::MAX),
        last: index == DOCUMENT_REMINDER_DAYS.len() - 1,
    };
    mail::queue(tx, mailer, &claim_status::recipient(&claim), &msg)?;
    Ok(())
}

/// Runs the chasers once at `options.now`.
pub async fn run(
    db: &Db,
    mailer: &std::sync::Arc<Mailer>,
    documents: &DocumentStore,
    options: RunOptions,
) -> Result<Report, DbError> {
    let reply_days = options.rules.airline_reply_days;
    let today = options.now.date_naive();
    let now = crate::db::time_text(options.now);
    let planned = db.read(move |c| plan(c, today, &options)).await?;
    let mut report = Report {
        candidates: planned.len(),
        ..Report::default()
    };
    for (row, decisions) in planned {
        for d in decisions {
            let line = Line {
                claim_ref: row.claim_ref.clone(),
                action: d.action.name(),
                executed: d.execute,
            };
            if options.dry_run {
                report.lines.push(line);
                continue;
            }
            let (mailer, store) = (mailer.clone(), documents.clone());
            let (row, now) = (row.clone(), now.clone());
            let outcome = db
                .transact(move |tx| carry_out(tx, (&mailer, &store), &row, &d, (&now, reply_days)))
                .await;
            match outcome {
                Ok(true) => report.lines.push(line),
                // Taken already, or the claim moved meanwhile (an agent was quicker).
                Ok(false) | Err(ChangeError::Refused(_) | ChangeError::NotFound) => {}
                Err(ChangeError::Db(e)) => return Err(e),
            }
        }
    }
    Ok(report)
}
