//! `POST /admin/claims/status`: a status change on the claims selected in the queue, each
//! through the state machine by the single-claim use case ([`claim_status::change`]), and a
//! report of the claims that could not move, by reference, with the reason.
//!
//! **Each claim moves in its own transaction.** A claim is never half-done (its status, event,
//! audit row and email commit together or not at all), and one refusal does not hold back the
//! others. Checking the whole batch first and then writing would not make it all-or-nothing
//! anyway: another agent can move a claim between the check and the write, so the per-claim
//! check under the write lock is needed regardless, and a batch of 50 where 3 cannot move is
//! better served by moving 47 and naming the 3 than by refusing everything.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::{State, post};
use serde::Serialize;

use super::super::auth::StaffSession;
use super::queue::{PAGE_SIZE, safe_return};
use super::status::{self, StatusForm};
use crate::db::Db;
use crate::domain::claim::ClaimRef;
use crate::i18n::{Locale, translate};
use crate::mail::Mailer;
use crate::services::claim_status::{self, By, ChangeError, ChangeStatus};
use crate::web::AppError;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;

/// The transitions offered on a selection: those that need nothing specific to one claim
/// (approving needs each claim's amount, an airline answer its own words).
pub const BULK_TRANSITIONS: [&str; 4] = ["start_review", "send_to_airline", "reject", "close"];

#[derive(Debug, FromForm)]
pub struct BulkStatusForm {
    #[field(default = Vec::new())]
    pub claims: Vec<String>,
    #[field(default = String::new())]
    pub transition: String,
    #[field(default = String::new())]
    pub reason: String,
    #[field(default = String::new())]
    pub note: String,
    #[field(default = String::new())]
    pub return_to: String,
}

/// The rejection reasons a selection can be rejected with: (code, label in `lang`).
pub fn reason_choices(lang: &str) -> Vec<(String, String)> {
    crate::mail::messages::RejectionReason::ALL
        .into_iter()
        .map(|r| {
            let code = super::detail::enum_name(r);
            let label = translate(lang, &format!("mail.reason.{code}"), &[]);
            (code, label)
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct Refusal {
    claim_ref: String,
    reason: String,
}

#[post("/admin/claims/status", data = "<form>")]
pub async fn post_admin_claims_status(
    staff: StaffSession,
    form: CsrfForm<BulkStatusForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
) -> Result<Page, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    if !BULK_TRANSITIONS.contains(&form.transition.as_str()) {
        return Err(AppError::BadRequest);
    }
    let transition = status::transition_of(&StatusForm {
        transition: form.transition.clone(),
        summary: String::new(),
        amount: String::new(),
        reason: form.reason.clone(),
        note: String::new(),
    })
    .ok_or(AppError::BadRequest)?;
    let note =
        Some(form.note.trim().chars().take(4000).collect::<String>()).filter(|n| !n.is_empty());
    let (mut moved, mut refused) = (Vec::new(), Vec::new());
    let max = usize::try_from(PAGE_SIZE).unwrap_or(50) * 4;
    for raw in form.claims.iter().take(max) {
        let Some(claim_ref) = ClaimRef::parse(raw) else {
            continue;
        };
        let input = ChangeStatus {
            claim_ref: claim_ref.to_string(),
            transition: transition.clone(),
            note: note.clone(),
            answer_label: String::new(),
            at: None,
        };
        let by = By::Staff {
            user_id: staff.user.user_id,
            email: staff.user.email.clone(),
        };
        let mailer = Arc::clone(mailer);
        let reason = match db
            .transact(move |tx| claim_status::change(tx, &mailer, &by, &input))
            .await
        {
            Ok(_) => {
                moved.push(claim_ref.to_string());
                continue;
            }
            Err(ChangeError::Refused(err)) => status::error_text(&err, lang),
            Err(ChangeError::NotFound) => translate(lang, "admin.bulk.not_found", &[]),
            Err(ChangeError::Db(e)) => return Err(e.into()),
        };
        refused.push(Refusal {
            claim_ref: claim_ref.to_string(),
            reason,
        });
    }
    let target = translate(
        lang,
        &format!("admin.claims.transition.{}", form.transition),
        &[],
    );
    Ok(Page::new("admin/bulk_status.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("action", &target)
        .with("moved_count", &moved.len())
        .with("refused_count", &refused.len())
        .with("moved", &moved)
        .with("refused", &refused)
        .with("return_to", &safe_return(&form.return_to)))
}
