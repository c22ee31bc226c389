//! What an agent does to one claim besides changing its status: assign it, ask the passenger
//! for documents, write to the passenger, keep an internal note. Each is a CSRF-checked POST,
//! one transaction with its audit entry and, when the passenger is told, its email.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, post};

use super::super::auth::StaffSession;
use super::detail::{self, document_labels, enum_name};
use super::{assignee_label, parse_assignee, recipient};
use crate::db::claim_admin::{self, ClaimDetail};
use crate::db::{Db, DbError, audit};
use crate::i18n::{Locale, translate};
use crate::mail::messages::{DocumentKind, DocumentsRequested, TeamMessage};
use crate::mail::{self, Mailer};
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::{AppError, flash};

/// Longest message or note kept.
const MAX_TEXT: usize = 8000;

fn cut(text: &str) -> String {
    text.trim().chars().take(MAX_TEXT).collect()
}

fn back(d: &ClaimDetail) -> Redirect {
    Redirect::to(format!("/admin/claims/{}", d.claim_ref))
}

fn target(d: &ClaimDetail) -> String {
    format!("claim:{}", d.claim_ref)
}

/// Re-renders the claim with a message about the form (422).
async fn invalid(
    db: &Db,
    staff: &StaffSession,
    claim_ref: &str,
    locale: Locale,
    key: &str,
) -> Result<Page, AppError> {
    Ok(detail::claim_page(db, staff, claim_ref, locale)
        .await?
        .with("error", &translate(locale.as_str(), key, &[]))
        .status(Status::UnprocessableEntity))
}

#[derive(Debug, FromForm)]
pub struct AssignForm {
    #[field(default = String::new())]
    pub assignee: String,
}

#[post("/admin/claims/<claim_ref>/assign", data = "<form>")]
pub async fn post_admin_claim_assign(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<AssignForm>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let d = detail::load(db, claim_ref).await?;
    let assignee = parse_assignee(&form.0.assignee, staff.user.user_id)?;
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    let (id, what) = (d.id, target(&d));
    db.write(move |tx| {
        if let Some(a) = assignee
            && !claim_admin::is_staff(tx, a)?
        {
            return Err(DbError::NotFound);
        }
        let before = claim_admin::set_assignee(tx, id, assignee)?;
        let (before, after) = (assignee_label(tx, before)?, assignee_label(tx, assignee)?);
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.assign",
            &what,
            Some(&before),
            Some(&after),
        )
    })
    .await?;
    flash::set(cookies, "admin.claims.flash.assigned");
    Ok(back(&d))
}

#[derive(Debug, FromForm)]
pub struct DocumentsForm {
    #[field(default = Vec::new())]
    pub kinds: Vec<String>,
    #[field(default = String::new())]
    pub note: String,
}

/// Asks the passenger for documents: an open request ("what we need from you" on their page),
/// a timeline entry they see, and the `documents_requested` email.
#[post("/admin/claims/<claim_ref>/documents", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_admin_claim_documents(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<DocumentsForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let d = detail::load(db, claim_ref).await?;
    let mut kinds: Vec<DocumentKind> = DocumentKind::ALL
        .into_iter()
        .filter(|k| form.0.kinds.contains(&enum_name(*k)))
        .collect();
    kinds.dedup();
    if kinds.is_empty() {
        return Ok(Err(invalid(
            db,
            &staff,
            claim_ref,
            locale,
            "admin.claims.error.documents",
        )
        .await?));
    }
    let note = cut(&form.0.note);
    let mailer = Arc::clone(mailer);
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    let claim = d.clone();
    db.write(move |tx| {
        let names: Vec<String> = kinds.iter().map(|k| enum_name(*k)).collect();
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        claim_admin::insert_document_request(tx, claim.id, actor_id, &name_refs, &note)?;
        // The timeline entry is written in the passenger's language: they read it.
        let to = recipient(&claim);
        let labels = document_labels(&names, to.locale.as_str()).join(", ");
        let body = translate(
            to.locale.as_str(),
            "admin.claims.documents.event",
            &[("documents", &labels)],
        );
        let body = if note.is_empty() {
            body
        } else {
            format!("{body}\n\n{note}")
        };
        claim_admin::add_text_event(tx, claim.id, actor_id, &body, true)?;
        crate::db::messages::mark_answered(tx, claim.id)?;
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.documents_requested",
            &target(&claim),
            None,
            Some(&names.join(",")),
        )?;
        mail::queue(
            tx,
            &mailer,
            &to,
            &DocumentsRequested {
                claim_ref: claim.claim_ref.clone(),
                documents: kinds,
                note: (!note.is_empty()).then_some(note.clone()),
            },
        )?;
        Ok(())
    })
    .await?;
    flash::set(cookies, "admin.claims.flash.documents");
    Ok(Ok(back(&d)))
}

/// An agent no longer needs what a request asked for.
#[post(
    "/admin/claims/<claim_ref>/documents/<request_id>/clear",
    data = "<_form>"
)]
pub async fn post_admin_claim_documents_clear(
    staff: StaffSession,
    claim_ref: &str,
    request_id: i64,
    _form: CsrfForm<crate::web::guards::CsrfOnly>,
    db: &State<Db>,
) -> Result<Redirect, AppError> {
    let d = detail::load(db, claim_ref).await?;
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    let (id, what) = (d.id, target(&d));
    db.write(move |tx| {
        claim_admin::close_document_request(tx, id, request_id, false)?;
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.documents_cleared",
            &what,
            Some(&format!("request:{request_id} open")),
            Some("cleared"),
        )
    })
    .await?;
    Ok(back(&d))
}

#[derive(Debug, FromForm)]
pub struct TextForm {
    #[field(default = String::new())]
    pub body: String,
}

/// A message to the passenger: on their claim page and by email (`team_message`).
#[post("/admin/claims/<claim_ref>/message", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_admin_claim_message(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<TextForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let d = detail::load(db, claim_ref).await?;
    let body = cut(&form.0.body);
    if body.is_empty() {
        return Ok(Err(invalid(
            db,
            &staff,
            claim_ref,
            locale,
            "admin.claims.error.empty",
        )
        .await?));
    }
    let mailer = Arc::clone(mailer);
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    // Passengers see the writer's first name, never a staff address ("" reads "our team").
    let author = staff
        .user
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    let claim = d.clone();
    db.write(move |tx| {
        claim_admin::add_text_event(tx, claim.id, actor_id, &body, true)?;
        crate::db::messages::mark_answered(tx, claim.id)?;
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.message",
            &target(&claim),
            None,
            Some(&body),
        )?;
        mail::queue(
            tx,
            &mailer,
            &recipient(&claim),
            &TeamMessage {
                claim_ref: Some(claim.claim_ref.clone()),
                author,
                body,
            },
        )?;
        Ok(())
    })
    .await?;
    flash::set(cookies, "admin.claims.flash.message");
    Ok(Ok(back(&d)))
}

/// An internal note: on the staff timeline only, never on the passenger's page or in an email.
#[post("/admin/claims/<claim_ref>/note", data = "<form>")]
pub async fn post_admin_claim_note(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<TextForm>,
    locale: Locale,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let d = detail::load(db, claim_ref).await?;
    let body = cut(&form.0.body);
    if body.is_empty() {
        return Ok(Err(invalid(
            db,
            &staff,
            claim_ref,
            locale,
            "admin.claims.error.empty",
        )
        .await?));
    }
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    let (id, what) = (d.id, target(&d));
    db.write(move |tx| {
        claim_admin::add_text_event(tx, id, actor_id, &body, false)?;
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.note",
            &what,
            None,
            Some(&body),
        )
    })
    .await?;
    flash::set(cookies, "admin.claims.flash.note");
    Ok(Ok(back(&d)))
}
