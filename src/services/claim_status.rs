//! Changing a claim's status — by a staff member (`POST /admin/claims/<ref>/status`) or by the
//! daily job (`services::daily_jobs`) — only through [`crate::domain::claim::apply`], and the
//! per-claim switch of the automatic chasers.
//!
//! [`change`] in one transaction: the state checked again under the write lock (two agents
//! clicking at once cannot both move the claim), the status, the timeline, amounts, the audit
//! log (before/after) and the passenger's email in their stored language.

use rusqlite::Transaction;

use crate::db::claim_admin::{self, ClaimDetail};
use crate::db::{DbError, audit};
use crate::domain::claim::{self, ClaimStatus, Transition, TransitionError};
use crate::domain::money::{Currency, Money};
use crate::i18n::Locale;
use crate::mail::messages::{
    ClaimApproved, ClaimRejected, ClaimStage, RejectionReason, StatusChanged,
};
use crate::mail::{self, Mailer, Recipient};

/// Working days we tell passengers a payout usually takes once approved.
pub const PAYOUT_DAYS: u32 = 10;

/// Who changes the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    Staff {
        user_id: i64,
        email: String,
    },
    /// The daily job (`flightclaim daily-jobs` or the server's daily run).
    DailyJob,
}

impl By {
    pub fn user_id(&self) -> Option<i64> {
        match self {
            By::Staff { user_id, .. } => Some(*user_id),
            By::DailyJob => None,
        }
    }

    /// How the audit log names it.
    pub fn label(&self) -> &str {
        match self {
            By::Staff { email, .. } => email,
            By::DailyJob => "daily-jobs",
        }
    }
}

/// A status change asked for.
#[derive(Debug, Clone)]
pub struct ChangeStatus {
    pub claim_ref: String,
    pub transition: Transition,
    /// Words for the passenger (their email and timeline).
    pub note: Option<String>,
    /// "Airline answered" in the language of whoever records the answer (the internal note
    /// that keeps the airline's words starts with it).
    pub answer_label: String,
    /// When it happens (stored time text); `None`: now. The daily job passes its clock, so
    /// that a run with `--now` counts the next deadline from that day.
    pub at: Option<String>,
}

/// A status change made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub claim_id: i64,
    pub from: ClaimStatus,
    pub to: ClaimStatus,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such claim")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] TransitionError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The passenger of a claim, in their stored language.
pub fn recipient(d: &ClaimDetail) -> Recipient {
    Recipient::new(
        &d.email,
        d.name.clone(),
        Locale::from_tag(&d.locale).unwrap_or_default(),
    )
}

/// The stage email a transition sends, if any.
fn stage_of(transition: &Transition) -> Option<ClaimStage> {
    Some(match transition {
        Transition::StartReview => ClaimStage::InReview,
        Transition::SendToAirline => ClaimStage::SentToAirline,
        Transition::RecordAirlineAnswer { .. } => ClaimStage::AirlineAnswered,
        Transition::SendReminder => ClaimStage::ReminderSent,
        Transition::ComplainToNeb => ClaimStage::NebComplaint,
        Transition::ReferToAdr => ClaimStage::Adr,
        Transition::GoToCourt => ClaimStage::Court,
        Transition::HandToLawyer => ClaimStage::Lawyer,
        Transition::Reopen { .. } => ClaimStage::Reopened,
        _ => return None,
    })
}

/// The email a transition sends, if any.
fn notify(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    d: &ClaimDetail,
    transition: &Transition,
    note: Option<String>,
) -> Result<(), DbError> {
    let to = recipient(d);
    let claim_ref = d.claim_ref.clone();
    if let Some(stage) = stage_of(transition) {
        let msg = StatusChanged {
            claim_ref,
            stage,
            note,
        };
        return mail::queue(tx, mailer, &to, &msg).map(|_| ());
    }
    match transition {
        Transition::Approve { amount_cents } => {
            let amount = Money::new(*amount_cents, Currency::stored(&d.currency));
            let msg = ClaimApproved {
                claim_ref,
                amount,
                payout_days: PAYOUT_DAYS,
                note,
            };
            mail::queue(tx, mailer, &to, &msg).map(|_| ())
        }
        Transition::Reject { reason } => {
            let reason = RejectionReason::ALL
                .into_iter()
                .find(|r| r.name() == *reason)
                .unwrap_or(RejectionReason::Other);
            let msg = ClaimRejected {
                claim_ref,
                reason,
                note,
            };
            mail::queue(tx, mailer, &to, &msg).map(|_| ())
        }
        _ => Ok(()),
    }
}

/// What the audit log records after a transition: the new status and what it carried.
fn audit_after(to: ClaimStatus, transition: &Transition) -> String {
    match transition {
        Transition::RecordAirlineAnswer { summary } => format!("{to}: {summary}"),
        Transition::Approve { amount_cents } => format!("{to}: {amount_cents} cents"),
        Transition::Reject { reason } | Transition::Reopen { reason } => format!("{to}: {reason}"),
        _ => to.to_string(),
    }
}

/// Moves the claim. Steps: load it (`NotFound`), ask the state machine (`Refused`), store the
/// status (the `status_since` trigger follows), a status event with the note (visible to the
/// passenger; a reopening's reason is the note when there is none), the airline's words as an
/// internal note, the amount agreed, the audit row `claim.status`, the passenger's email.
pub fn change(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    by: &By,
    input: &ChangeStatus,
) -> Result<Changed, ChangeError> {
    let current = claim_admin::find_detail(tx, &input.claim_ref)?.ok_or(ChangeError::NotFound)?;
    let from = ClaimStatus::parse(&current.status).ok_or(ChangeError::NotFound)?;
    let t = &input.transition;
    let to = claim::apply(from, t)?;
    let at = input.at.clone().unwrap_or_else(crate::db::now_text);
    crate::db::claims::set_status_at(tx, current.id, to, &at)?;
    let mut note = input.note.clone();
    if let Transition::Reopen { reason } = t {
        note.get_or_insert_with(|| reason.clone());
    }
    let body = note.clone().unwrap_or_default();
    let actor_id = by.user_id();
    let (from_name, to_name) = (from.as_str(), to.as_str());
    claim_admin::add_status_event_at(tx, current.id, actor_id, (from_name, to_name), &body, &at)?;
    match t {
        Transition::RecordAirlineAnswer { summary } => {
            // The airline's words are for the team; the passenger gets the stage email.
            let text = format!("{}: {summary}", input.answer_label);
            claim_admin::add_event(tx, current.id, actor_id, &text, false)?;
        }
        Transition::Approve { amount_cents } => {
            claim_admin::set_amount(tx, current.id, false, *amount_cents)?;
        }
        _ => {}
    }
    audit::record(
        tx,
        actor_id,
        by.label(),
        "claim.status",
        &format!("claim:{}", current.claim_ref),
        Some(from.as_str()),
        Some(&audit_after(to, t)),
    )?;
    notify(tx, mailer, &current, t, note)?;
    Ok(Changed {
        claim_id: current.id,
        from,
        to,
    })
}

/// Pauses (or resumes) the daily job's chasers for one claim; audited `claim.chasers` with
/// the state before and after. Nothing happens when it is already so.
pub fn set_chasers_paused(
    tx: &Transaction<'_>,
    by: &By,
    claim_ref: &str,
    paused: bool,
) -> Result<(), ChangeError> {
    let claim = claim_admin::find_detail(tx, claim_ref)?.ok_or(ChangeError::NotFound)?;
    if claim.chasers_paused == paused {
        return Ok(());
    }
    claim_admin::set_chasers_paused(tx, claim.id, paused)?;
    let name = |p: bool| if p { "paused" } else { "active" };
    audit::record(
        tx,
        by.user_id(),
        by.label(),
        "claim.chasers",
        &format!("claim:{claim_ref}"),
        Some(name(claim.chasers_paused)),
        Some(name(paused)),
    )?;
    Ok(())
}
