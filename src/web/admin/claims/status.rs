//! `POST /admin/claims/<ref>/status`: a status change, only through
//! [`crate::domain::claim::apply`]. Each transition reads what it needs from the form (the
//! airline's answer, an amount, a rejection reason); a refused one re-renders the claim with a
//! translated message (409 when the state machine refuses, 422 when something is missing).
//!
//! The change itself is the use case [`crate::services::claim_status::change`] (one
//! transaction: status, timeline, amounts, audit, the passenger's email; the state checked
//! again under the write lock).

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, post};

use super::super::auth::StaffSession;
use super::detail::{self, enum_name};
use super::parse_amount;
use crate::db::Db;
use crate::domain::claim::{self, ClaimStatus, Transition, TransitionError};
use crate::i18n::{Locale, translate};
use crate::mail::Mailer;
use crate::mail::messages::RejectionReason;
use crate::services::claim_status::{self, By, ChangeError, ChangeStatus};
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::{AppError, flash};

pub use crate::services::claim_status::PAYOUT_DAYS;

/// Longest note or summary kept.
const MAX_NOTE: usize = 4000;

#[derive(Debug, FromForm)]
pub struct StatusForm {
    #[field(default = String::new())]
    pub transition: String,
    /// The airline's answer (`record_answer`), or why a claim is reopened (`reopen`).
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
        "send_reminder" => Transition::SendReminder,
        "neb_complaint" => Transition::ComplainToNeb,
        "adr" => Transition::ReferToAdr,
        "court" => Transition::GoToCourt,
        "lawyer" => Transition::HandToLawyer,
        "reopen" => Transition::Reopen {
            reason: cut(&form.summary),
        },
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
    let by = By::Staff {
        user_id: staff.user.user_id,
        email: staff.user.email.clone(),
    };
    let input = ChangeStatus {
        claim_ref: d.claim_ref.clone(),
        transition,
        note,
        // The team's note of the airline's answer is written in the language of whoever
        // records it.
        answer_label: translate(locale.as_str(), "claims.status.airline_answered", &[]),
        at: None,
    };
    let outcome = db
        .transact(move |tx| claim_status::change(tx, &mailer, &by, &input))
        .await;
    match outcome {
        Ok(_) => {}
        Err(ChangeError::Refused(err)) => {
            return Ok(Err(refused(db, &staff, claim_ref, locale, &err).await?));
        }
        Err(ChangeError::NotFound) => return Err(AppError::NotFound),
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    flash::set(cookies, "admin.claims.flash.status");
    Ok(Ok(Redirect::to(format!("/admin/claims/{}", d.claim_ref))))
}

#[derive(Debug, FromForm)]
pub struct ChasersForm {
    /// `pause` or `resume`.
    #[field(default = String::new())]
    pub chasers: String,
}

/// `POST /admin/claims/<ref>/chasers`: pauses or resumes the daily job's chasers for the
/// claim (audited `claim.chasers`).
#[post("/admin/claims/<claim_ref>/chasers", data = "<form>")]
pub async fn post_admin_claim_chasers(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<ChasersForm>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let paused = match form.0.chasers.as_str() {
        "pause" => true,
        "resume" => false,
        _ => return Err(AppError::BadRequest),
    };
    let d = detail::load(db, claim_ref).await?;
    let by = By::Staff {
        user_id: staff.user.user_id,
        email: staff.user.email.clone(),
    };
    let key = d.claim_ref.clone();
    db.transact(move |tx| claim_status::set_chasers_paused(tx, &by, &key, paused))
        .await
        .map_err(|e| match e {
            ChangeError::Db(e) => e.into(),
            _ => AppError::NotFound,
        })?;
    flash::set(cookies, "admin.claims.flash.chasers");
    Ok(Redirect::to(format!("/admin/claims/{}", d.claim_ref)))
}
