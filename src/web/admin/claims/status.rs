//! `POST /admin/claims/<ref>/status`: a status change, only through
//! [`crate::domain::claim::apply`]. Each transition reads what it needs from the form (the
//! airline's answer, an amount, a rejection reason); a refused one re-renders the claim with a
//! translated message (409 when the state machine refuses, 422 when something is missing).
//!
//! One transaction: status, timeline, amounts, audit (before/after) and the passenger's email
//! in their stored language. The state is checked again inside it, so two agents clicking at
//! once cannot both move the claim.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, post};

use super::super::auth::StaffSession;
use super::detail::{self, enum_name};
use super::{parse_amount, recipient};
use crate::db::claim_admin::{self, ClaimDetail};
use crate::db::{Db, DbError, audit};
use crate::domain::claim::{self, ClaimStatus, Transition, TransitionError};
use crate::domain::money::Currency;
use crate::i18n::{Locale, translate};
use crate::mail::messages::{
    ClaimApproved, ClaimRejected, ClaimStage, Money, RejectionReason, StatusChanged,
};
use crate::mail::{self, Mailer};
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::{AppError, flash};

/// Working days we tell passengers a payout usually takes once approved.
pub const PAYOUT_DAYS: u32 = 10;
/// Longest note or summary kept.
const MAX_NOTE: usize = 4000;

#[derive(Debug, FromForm)]
pub struct StatusForm {
    #[field(default = String::new())]
    pub transition: String,
    /// The airline's answer (`record_answer`).
    #[field(default = String::new())]
    pub summary: String,
    /// `approve`: amount agreed (total, in currency units). Money received and paid out is
    /// recorded in the ledger (`money.rs`), not here.
    #[field(default = String::new())]
    pub amount: String,
    /// Reject: a `RejectionReason` name.
    #[field(default = String::new())]
    pub reason: String,
    /// Optional words for the passenger.
    #[field(default = String::new())]
    pub note: String,
}

fn cut(text: &str) -> String {
    text.trim().chars().take(MAX_NOTE).collect()
}

/// The transition the form asks for; `None` when the name is unknown.
pub fn transition_of(form: &StatusForm) -> Option<Transition> {
    let amount = parse_amount(&form.amount).unwrap_or(0);
    Some(match form.transition.as_str() {
        "start_review" => Transition::StartReview,
        "send_to_airline" => Transition::SendToAirline,
        "record_answer" => Transition::RecordAirlineAnswer {
            summary: cut(&form.summary),
        },
        "approve" => Transition::Approve {
            amount_cents: amount,
        },
        "reject" => Transition::Reject {
            reason: RejectionReason::ALL
                .into_iter()
                .map(enum_name)
                .find(|r| *r == form.reason)
                .unwrap_or_default(),
        },
        "close" => Transition::Close,
        _ => return None,
    })
}

pub fn error_text(err: &TransitionError, lang: &str) -> String {
    match err {
        TransitionError::NotAllowed { from, to } => {
            let from = translate(lang, &format!("claims.status.{from}"), &[]);
            let to = translate(lang, &format!("claims.status.{to}"), &[]);
            translate(
                lang,
                "admin.claims.error.not_allowed",
                &[("from", &from), ("to", &to)],
            )
        }
        TransitionError::ReasonRequired => translate(lang, "admin.claims.error.reason", &[]),
        TransitionError::AmountRequired => translate(lang, "admin.claims.error.amount", &[]),
    }
}

/// Renders the claim again with a refused transition's message.
pub async fn refused(
    db: &Db,
    staff: &StaffSession,
    claim_ref: &str,
    locale: Locale,
    err: &TransitionError,
) -> Result<Page, AppError> {
    let status = match err {
        TransitionError::NotAllowed { .. } => Status::Conflict,
        _ => Status::UnprocessableEntity,
    };
    Ok(detail::claim_page(db, staff, claim_ref, locale)
        .await?
        .with("error", &error_text(err, locale.as_str()))
        .status(status))
}

/// The email a transition sends, if any.
fn notify(
    tx: &rusqlite::Transaction<'_>,
    mailer: &Mailer,
    d: &ClaimDetail,
    transition: &Transition,
    note: Option<String>,
) -> Result<(), DbError> {
    let to = recipient(d);
    let claim_ref = d.claim_ref.clone();
    let money = |minor: i64| Money::new(minor, Currency::stored(&d.currency));
    let stage = |stage: ClaimStage, note: Option<String>| StatusChanged {
        claim_ref: claim_ref.clone(),
        stage,
        note,
    };
    match transition {
        Transition::StartReview => mail::queue(tx, mailer, &to, &stage(ClaimStage::InReview, note)),
        Transition::SendToAirline => {
            mail::queue(tx, mailer, &to, &stage(ClaimStage::SentToAirline, note))
        }
        Transition::RecordAirlineAnswer { .. } => {
            mail::queue(tx, mailer, &to, &stage(ClaimStage::AirlineAnswered, note))
        }
        Transition::Approve { amount_cents } => mail::queue(
            tx,
            mailer,
            &to,
            &ClaimApproved {
                claim_ref,
                amount: money(*amount_cents),
                payout_days: PAYOUT_DAYS,
                note,
            },
        ),
        Transition::Reject { reason } => {
            let reason = RejectionReason::ALL
                .into_iter()
                .find(|r| enum_name(*r) == *reason)
                .unwrap_or(RejectionReason::Other);
            mail::queue(
                tx,
                mailer,
                &to,
                &ClaimRejected {
                    claim_ref,
                    reason,
                    note,
                },
            )
        }
        Transition::Close | Transition::Withdraw | Transition::FollowLedger { .. } => {
            return Ok(());
        }
    }?;
    Ok(())
}

/// What the audit log records after a transition: the new status and what it carried.
fn audit_after(to: ClaimStatus, transition: &Transition) -> String {
    match transition {
        Transition::RecordAirlineAnswer { summary } => format!("{to}: {summary}"),
        Transition::Approve { amount_cents } => format!("{to}: {amount_cents} cents"),
        Transition::Reject { reason } => format!("{to}: {reason}"),
        _ => to.to_string(),
    }
}

/// One status change: which claim, the transition, the note for the passenger and who asks.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub claim_ref: String,
    pub transition: Transition,
    pub note: Option<String>,
    pub actor: String,
    pub actor_id: i64,
    /// "Airline answered" in the actor's language (the team's note of the answer).
    pub answer_label: String,
}

/// The status change use case, inside the caller's transaction: status, timeline, amounts,
/// audit (before/after) and the passenger's email. The state is read under the write lock, so
/// two agents cannot both move the claim; a refusal (`Ok(Err(_))`) writes nothing.
pub fn change_status(
    tx: &rusqlite::Transaction<'_>,
    mailer: &Mailer,
    change: &StatusChange,
) -> Result<Result<ClaimStatus, TransitionError>, DbError> {
    let StatusChange {
        claim_ref: key,
        transition: t,
        note,
        actor,
        actor_id,
        answer_label,
    } = change;
    let (actor_id, note) = (*actor_id, note.clone());
    let Some(current) = claim_admin::find_detail(tx, key)? else {
        return Err(DbError::NotFound);
    };
    let from = ClaimStatus::parse(&current.status).ok_or(DbError::NotFound)?;
    let to = match claim::apply(from, t) {
        Ok(to) => to,
        Err(e) => return Ok(Err(e)),
    };
    crate::db::claims::set_status(tx, current.id, to)?;
    let body = note.clone().unwrap_or_default();
    claim_admin::add_status_event(tx, current.id, actor_id, from.as_str(), to.as_str(), &body)?;
    match t {
        Transition::RecordAirlineAnswer { summary } => {
            // The airline's words are for the team; the passenger gets the stage email.
            let text = format!("{answer_label}: {summary}");
            claim_admin::add_text_event(tx, current.id, actor_id, &text, false)?;
        }
        Transition::Approve { amount_cents } => {
            claim_admin::set_amount(tx, current.id, false, *amount_cents)?;
        }
        _ => {}
    }
    audit::record(
        tx,
        Some(actor_id),
        actor,
        "claim.status",
        &format!("claim:{key}"),
        Some(from.as_str()),
        Some(&audit_after(to, t)),
    )?;
    notify(tx, mailer, &current, t, note)?;
    Ok(Ok(to))
}

#[post("/admin/claims/<claim_ref>/status", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_admin_claim_status(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<StatusForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let d = detail::load(db, claim_ref).await?;
    let transition = transition_of(&form).ok_or(AppError::BadRequest)?;
    let note = Some(cut(&form.note)).filter(|n| !n.is_empty());
    let from = ClaimStatus::parse(&d.status).ok_or(AppError::NotFound)?;
    if let Err(err) = claim::apply(from, &transition) {
        return Ok(Err(refused(db, &staff, claim_ref, locale, &err).await?));
    }
    let mailer = Arc::clone(mailer);
    let change = StatusChange {
        claim_ref: d.claim_ref.clone(),
        transition,
        note,
        actor: staff.user.email.clone(),
        actor_id: staff.user.user_id,
        // The team's note of the airline's answer is written in the language of whoever records it.
        answer_label: translate(locale.as_str(), "claims.status.airline_answered", &[]),
    };
    let outcome = db
        .write(move |tx| change_status(tx, &mailer, &change))
        .await?;
    if let Err(err) = outcome {
        return Ok(Err(refused(db, &staff, claim_ref, locale, &err).await?));
    }
    flash::set(cookies, "admin.claims.flash.status");
    Ok(Ok(Redirect::to(format!("/admin/claims/{}", d.claim_ref))))
}
