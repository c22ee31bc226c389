//! Step 5: documents. A multipart form (works without JavaScript) adds one file at a time to
//! the draft; the list shows what is uploaded with a Remove button; "Continue" moves on, with
//! or without documents (they can be added later from the claim's page).

use rocket::form::Form;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use super::{StepResponse, TEMPLATE, base, go, page, require, user_id};
use crate::config::AppConfig;
use crate::db::Db;
use crate::db::documents::{self, Owner};
use crate::documents::quota::{DailyUploads, Usage};
use crate::i18n::Locale;
use crate::ratelimit::{RateLimit, Upload};
use crate::web::AppError;
use crate::web::check::form::Errors;
use crate::web::claims::downloads::id_param;
use crate::web::claims::draft::{self, DraftData, Loaded};
pub use crate::web::claims::uploads::UploadValues;
use crate::web::claims::uploads::{self, Budget, Download, UploadForm, UploadView};
use crate::web::flash;
use crate::web::guards::{ClientIp, CsrfForm, CsrfOnly, QueryCsrf, TimedData};
use crate::web::render::Page;
use crate::web::session::UserSession;

/// The passengers' full names, in order.
pub fn passenger_names(data: &DraftData) -> Vec<String> {
    data.passengers
        .iter()
        .map(|p| {
            format!("{} {}", p.first_name, p.last_name)
                .trim()
                .to_string()
        })
        .collect()
}

/// The documents page of a draft.
pub async fn documents_view(
    db: &Db,
    d: &Loaded,
    errors: &Errors,
    values: &UploadValues,
    lang: &str,
) -> Result<Page, AppError> {
    let id = d.id;
    let (docs, usage) = db
        .read(move |c| {
            Ok((
                documents::list(c, Owner::Draft(id))?,
                documents::usage(c, Owner::Draft(id))?,
            ))
        })
        .await?;
    let usage = Usage {
        files: usage.0,
        bytes: usage.1,
    };
    let names = passenger_names(&d.data);
    Ok(base(Page::new(TEMPLATE), "documents", &d.data)
        .with("errors", &errors.0)
        .with("documents", &uploads::items(&docs, &names, lang))
        .with("doc_base", "/claims/new/documents")
        .with("can_remove", &true)
        .with(
            "upload",
            &UploadView::new(values, errors, &names, lang).with_usage(usage, lang),
        ))
}

async fn draft_at_documents(
    db: &Db,
    cookies: &CookieJar<'_>,
    me: Option<&UserSession>,
    cfg: &AppConfig,
) -> Result<Loaded, AppError> {
    let d = require(db, cookies, me, cfg)
        .await?
        .ok_or(AppError::NotFound)?;
    if draft::step_index(&d.step) < draft::step_index("documents") {
        return Err(AppError::NotFound);
    }
    Ok(d)
}

/// Adds one document to the draft. The CSRF token (query string) and the rate limit are
/// checked before the body is read, the body must arrive within the body timeout.
#[post("/claims/new/documents", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_claim_documents(
    _csrf: QueryCsrf,
    _quota: RateLimit<Upload>,
    client: ClientIp,
    form: TimedData<Form<UploadForm<'_>>>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    daily: &State<DailyUploads>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let d = draft_at_documents(db, cookies, me.as_ref(), cfg).await?;
    let values = UploadValues {
        kind: form.kind.clone(),
        passenger: form.passenger.clone(),
    };
    let id = d.id;
    let budget = Budget::of_draft(db, id, client.0, daily).await?;
    let (passengers, uploader) = (d.data.passengers.len(), user_id(me.as_ref()));
    let new =
        match uploads::accept(&form, cfg, passengers, uploader, &budget, locale.as_str()).await {
            Ok(new) => new,
            Err(errors) => {
                return Ok(page(
                    documents_view(db, &d, &errors, &values, locale.as_str())
                        .await?
                        .status(rocket::http::Status::UnprocessableEntity),
                ));
            }
        };
    let (_, added) = db
        .write(move |tx| documents::insert(tx, Owner::Draft(id), &new))
        .await?;
    flash::set(
        cookies,
        if added {
            "documents.flash.added"
        } else {
            "documents.flash.duplicate"
        },
    );
    Ok(go("documents"))
}

/// Removes a document from the draft (before submission only).
#[post("/claims/new/documents/<doc_id>/remove", data = "<_form>")]
pub async fn post_claim_document_remove(
    doc_id: &str,
    _form: CsrfForm<CsrfOnly>,
    me: Option<UserSession>,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let d = draft_at_documents(db, cookies, me.as_ref(), cfg).await?;
    let doc_id = id_param(doc_id)?;
    let id = d.id;
    let removed = db
        .write(move |tx| documents::delete(tx, Owner::Draft(id), doc_id))
        .await?
        .ok_or(AppError::NotFound)?;
    if let (doc, false) = removed {
        let store = crate::documents::DocumentStore::new(&cfg.data_dir);
        if let Ok(path) = store.path_of(&doc.sha256) {
            // Best effort: a file left behind is only disk space.
            let _ = tokio::fs::remove_file(path).await;
        }
    }
    flash::set(cookies, "documents.flash.removed");
    Ok(Redirect::to("/claims/new/documents"))
}

/// Downloads a document of the draft (to check what was sent).
#[get("/claims/new/documents/<doc_id>")]
pub async fn get_claim_draft_document(
    doc_id: &str,
    me: Option<UserSession>,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Download, AppError> {
    let d = draft_at_documents(db, cookies, me.as_ref(), cfg).await?;
    let doc_id = id_param(doc_id)?;
    let id = d.id;
    let doc = db
        .read(move |c| documents::find(c, Owner::Draft(id), doc_id))
        .await?
        .ok_or(AppError::NotFound)?;
    Download::document(cfg, &doc).await
}

/// Step 5 done: on to the mandate, with or without documents.
#[post("/claims/new/documents/seen", data = "<_form>")]
pub async fn post_claim_documents_seen(
    _form: CsrfForm<CsrfOnly>,
    me: Option<UserSession>,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    if draft::step_index(&d.step) < draft::step_index("documents") {
        return Ok(go(&d.step));
    }
    d.data.documents_seen = true;
    draft::save(db, &d, user_id(me.as_ref()), "mandate").await?;
    Ok(go("mandate"))
}
