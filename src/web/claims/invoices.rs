//! The passenger's fee invoices and credit notes, as stored when issued: downloaded from their
//! claim page at `/claims/<ref>/invoices/<id>` and `/claims/<ref>/credit-notes/<id>`. Only
//! the claim's owner: anyone else, and an id of another claim, gets 404.

use rocket::http::CookieJar;
use rocket::{State, get};

use super::downloads::id_param;
use super::uploads::Download;
use super::view::owned;
use crate::db::{Db, invoices};
use crate::domain::invoice::Series;
use crate::web::AppError;
use crate::web::session::UserSession;

async fn own_pdf(
    db: &Db,
    me: Option<&UserSession>,
    cookies: &CookieJar<'_>,
    (claim_ref, series, id): (&str, Series, &str),
) -> Result<Download, AppError> {
    let row = owned(db, me, cookies, claim_ref).await?;
    let id = id_param(id)?;
    let stored = db
        .read(move |c| invoices::pdf(c, series, id))
        .await?
        .filter(|p| p.claim_id == row.id)
        .ok_or(AppError::NotFound)?;
    Ok(Download::pdf(stored.pdf, format!("{}.pdf", stored.number)))
}

#[get("/claims/<claim_ref>/invoices/<id>", rank = 2)]
pub async fn get_claim_invoice(
    claim_ref: &str,
    id: &str,
    me: Option<UserSession>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Download, AppError> {
    own_pdf(db, me.as_ref(), cookies, (claim_ref, Series::Invoice, id)).await
}

#[get("/claims/<claim_ref>/credit-notes/<id>", rank = 2)]
pub async fn get_claim_credit_note(
    claim_ref: &str,
    id: &str,
    me: Option<UserSession>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Download, AppError> {
    own_pdf(
        db,
        me.as_ref(),
        cookies,
        (claim_ref, Series::CreditNote, id),
    )
    .await
}
