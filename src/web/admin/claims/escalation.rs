//! The escalation documents of a claim, for staff: `POST /admin/claims/<ref>/escalation/<kind>`
//! generates and stores one (second notice, NEB complaint, court papers:
//! [`crate::services::escalation_docs`]), `GET /admin/claims/<ref>/escalation/<id>.pdf` gives a
//! stored one back as it was generated. Both audited; passengers have no route to them.

use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, get, post};
use serde::Serialize;

use super::super::auth::StaffSession;
use super::detail;
use crate::config::AppConfig;
use crate::db::escalation_documents::{self, EscalationDocument};
use crate::db::{Db, audit};
use crate::documents::{DocumentError, DocumentStore};
use crate::i18n::{Locale, translate};
use crate::services::escalation_docs::{self, DEFAULT_REPLY_DAYS, DocKind, GenerateError, Request};
use crate::services::staff::Actor;
use crate::web::claims::uploads::Download;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::{AppError, flash};

/// One row of the list on the claim page.
#[derive(Debug, Serialize)]
pub struct DocView {
    pub id: i64,
    pub label: String,
    pub variant: String,
    pub language: String,
    pub created_at: String,
    pub created_by: String,
    pub sha256: String,
}

/// The claim's documents as the page lists them, in `lang`.
pub fn views(docs: &[EscalationDocument], lang: &str) -> Vec<DocView> {
    docs.iter()
        .map(|d| DocView {
            id: d.id,
            label: translate(lang, &format!("escalation.ui.kind.{}", d.kind), &[]),
            variant: d.variant.clone(),
            language: d.language.clone(),
            created_at: d.created_at.clone(),
            created_by: if d.by_job {
                format!(
                    "{} ({})",
                    d.created_by,
                    translate(lang, "escalation.ui.job", &[])
                )
            } else {
                d.created_by.clone()
            },
            sha256: d.sha256.clone(),
        })
        .collect()
}

#[post("/admin/claims/<claim_ref>/escalation/<kind>", data = "<_form>")]
pub async fn post_admin_claim_escalation(
    staff: StaffSession,
    claim_ref: &str,
    kind: &str,
    _form: CsrfForm<CsrfOnly>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let kind = DocKind::parse(kind).ok_or(AppError::NotFound)?;
    let d = detail::load(db, claim_ref).await?;
    let store = DocumentStore::new(&cfg.data_dir);
    let actor = Actor {
        user_id: staff.user.user_id,
        email: staff.user.email.clone(),
    };
    let key = d.claim_ref.clone();
    let outcome = db
        .transact(move |tx| {
            let req = Request {
                claim_ref: &key,
                kind,
                actor: Some(&actor),
                actor_label: "",
                today: chrono::Utc::now().date_naive(),
                reply_days: DEFAULT_REPLY_DAYS,
            };
            match escalation_docs::generate(tx, &store, &req) {
                Ok(done) => Ok(Ok(done)),
                Err(GenerateError::Db(e)) => Err(e),
                Err(e) => Ok(Err(e)),
            }
        })
        .await?;
    match outcome {
        Ok(done) => {
            flash::set(cookies, "escalation.ui.generated");
            Ok(Ok(Redirect::to(format!(
                "/admin/claims/{}#escalation-{}",
                d.claim_ref, done.id
            ))))
        }
        Err(e) => {
            if let GenerateError::Store(cause) = &e {
                tracing::error!(error = %cause, "escalation document not stored");
            }
            let status = match e {
                GenerateError::Store(_) | GenerateError::Db(_) => Status::InternalServerError,
                _ => Status::UnprocessableEntity,
            };
            Ok(Err(detail::claim_page(db, &staff, claim_ref, locale)
                .await?
                .with("error", &translate(locale.as_str(), e.i18n_key(), &[]))
                .status(status)))
        }
    }
}

#[get("/admin/claims/<claim_ref>/escalation/<id>")]
pub async fn get_admin_claim_escalation_pdf(
    staff: StaffSession,
    claim_ref: &str,
    id: &str,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<Download, AppError> {
    let id: i64 = id
        .strip_suffix(".pdf")
        .and_then(|n| n.parse().ok())
        .ok_or(AppError::NotFound)?;
    let d = detail::load(db, claim_ref).await?;
    let claim_id = d.id;
    let doc = db
        .read(move |c| escalation_documents::find(c, claim_id, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = DocumentStore::new(&cfg.data_dir)
        .read_all(&doc.sha256)
        .await
        .map_err(|e| match e {
            DocumentError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.to_string()),
        })?;
    let (actor, actor_id) = (staff.user.email.clone(), staff.user.user_id);
    let (target, what) = (
        format!("claim:{}", d.claim_ref),
        format!("{} #{id}", doc.kind),
    );
    db.write(move |tx| {
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "claim.escalation_document.download",
            &target,
            None,
            Some(&what),
        )
    })
    .await?;
    let name = format!("{}-{}-{id}.pdf", d.claim_ref, doc.kind.replace('_', "-"));
    Ok(Download::pdf(bytes, name).inline())
}
