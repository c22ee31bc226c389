//! Downloads of a claim's documents and signed mandates (PDF, rendered on demand from the
//! stored text and signature).
//!
//! Two doors to the same files: `/claims/<ref>/…` for the claim's owner (passenger session),
//! and `/admin/claims/<ref>/…` for staff (the staff cookie is scoped to `/admin`, so staff
//! cannot use the passenger URLs). Anyone else gets 404 — as for an unknown reference or id —
//! so nothing can be probed. Every response is an attachment with `nosniff`.

use rocket::http::CookieJar;
use rocket::{State, get};

use super::uploads::Download;
use super::view::owned;
use crate::config::AppConfig;
use crate::db::{Db, audit, claims, documents, mandates};
use crate::domain::claim::ClaimRef;
use crate::mandate::mandate_pdf;
use crate::web::AppError;
use crate::web::admin::auth::StaffSession;
use crate::web::session::UserSession;

/// A numeric path segment; anything else is 404 like an unknown id (not Rocket's 422).
pub fn id_param(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

async fn document(
    db: &Db,
    cfg: &AppConfig,
    claim_id: i64,
    doc_id: i64,
) -> Result<Download, AppError> {
    let doc = db
        .read(move |c| documents::find_for_claim(c, claim_id, doc_id))
        .await?
        .ok_or(AppError::NotFound)?;
    Download::document(cfg, &doc).await
}

async fn mandate(db: &Db, claim: &claims::ClaimRow, position: i64) -> Result<Download, AppError> {
    let id = claim.id;
    let m = db
        .read(move |c| mandates::find_for_claim(c, id, position))
        .await?
        .ok_or(AppError::NotFound)?;
    let pdf = mandate_pdf(&m.text, &m.signature(), &m.locale);
    Ok(Download::pdf(
        pdf,
        format!("mandate-{}-{}.pdf", claim.claim_ref, position + 1),
    ))
}

/// The claim for staff: any claim, by reference; 404 for everyone else. With the staff
/// member's id and email, for the audit log.
async fn staff_claim(
    db: &Db,
    staff: Option<&StaffSession>,
    raw: &str,
) -> Result<(claims::ClaimRow, (i64, String)), AppError> {
    let staff = staff.ok_or(AppError::NotFound)?;
    let key = ClaimRef::parse(raw).ok_or(AppError::NotFound)?.to_string();
    let row = db
        .read(move |c| claims::find_by_ref(c, &key))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((row, (staff.user.user_id, staff.user.email.clone())))
}

/// Staff downloads leave a trace in the audit log.
async fn audit_download(
    db: &Db,
    (actor_id, actor): (i64, String),
    action: &'static str,
    target: String,
) -> Result<(), AppError> {
    db.write(move |tx| audit::record(tx, Some(actor_id), &actor, action, &target, None, None))
        .await?;
    Ok(())
}

/// One document of the signed-in passenger's claim.
#[get("/claims/<claim_ref>/documents/<doc_id>", rank = 2)]
pub async fn get_claim_document(
    claim_ref: &str,
    doc_id: &str,
    me: Option<UserSession>,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Download, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    document(db, cfg, row.id, id_param(doc_id)?).await
}

/// The signed mandate of passenger `position` (0 = lead) of the signed-in passenger's claim.
#[get("/claims/<claim_ref>/mandates/<position>", rank = 2)]
pub async fn get_claim_mandate_pdf(
    claim_ref: &str,
    position: &str,
    me: Option<UserSession>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Download, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    mandate(db, &row, id_param(position)?).await
}

/// One document of any claim, for staff. Every read is audited: `?view=inline` (shown in a new
/// tab) and plain downloads as `document.download`, `?view=preview` (the claim page's
/// thumbnail, which is the whole file) as `document.preview`.
#[get("/admin/claims/<claim_ref>/documents/<doc_id>?<view>")]
pub async fn get_admin_claim_document(
    claim_ref: &str,
    doc_id: &str,
    view: Option<&str>,
    staff: Option<StaffSession>,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<Download, AppError> {
    let (row, actor) = staff_claim(db, staff.as_ref(), claim_ref).await?;
    let doc_id = id_param(doc_id)?;
    let mut download = document(db, cfg, row.id, doc_id).await?;
    if matches!(view, Some("inline" | "preview")) {
        download = download.inline();
    }
    let action = if view == Some("preview") {
        "document.preview"
    } else {
        "document.download"
    };
    audit_download(
        db,
        actor,
        action,
        format!("claim:{}/document:{doc_id}", row.claim_ref),
    )
    .await?;
    Ok(download)
}

/// The signed mandate of any claim, for staff.
#[get("/admin/claims/<claim_ref>/mandates/<position>")]
pub async fn get_admin_claim_mandate_pdf(
    claim_ref: &str,
    position: &str,
    staff: Option<StaffSession>,
    db: &State<Db>,
) -> Result<Download, AppError> {
    let (row, actor) = staff_claim(db, staff.as_ref(), claim_ref).await?;
    let position = id_param(position)?;
    let download = mandate(db, &row, position).await?;
    audit_download(
        db,
        actor,
        "mandate.download",
        format!("claim:{}/mandate:{position}", row.claim_ref),
    )
    .await?;
    Ok(download)
}
