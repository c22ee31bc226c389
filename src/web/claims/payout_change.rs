//! Changing the payout account from the claim page (issue #19): `POST /claims/<ref>/payout`
//! (the signed-in owner), then the emailed link — a page with one button, since mail scanners
//! open links — applies it.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, get, post};

use super::uploads::UploadValues;
use super::view::{MessageDraft, claim_page, owned};
use crate::accounts::token;
use crate::db::{Db, payout_changes};
use crate::domain::iban;
use crate::i18n::{Locale, translate};
use crate::mail::Mailer;
use crate::ratelimit::{Auth, RateLimit};
use crate::services::payout::{self, ChangeRequest, PayoutError};
use crate::web::AppError;
use crate::web::check::form::Errors;
use crate::web::flash;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::session::UserSession;

#[derive(Debug, FromForm)]
pub struct PayoutForm {
    #[field(default = String::new())]
    pub iban: String,
    #[field(default = String::new())]
    pub holder: String,
}

/// Asks for the change; the confirmation link goes to the account's address.
#[post("/claims/<claim_ref>/payout", data = "<form>")]
pub async fn post_payout_change(
    claim_ref: &str,
    form: CsrfForm<PayoutForm>,
    _quota: RateLimit<Auth>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    stats: &State<crate::web::admin::stats_cache::StatsCache>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    // The filing browser's receipt shows the claim, but only the account may move its money.
    let me = me.ok_or(AppError::Unauthorized)?;
    let (link, digest) = token::generate();
    let form = form.0;
    let (typed_iban, typed_holder) = (form.iban.clone(), form.holder.clone());
    let reference = row.claim_ref.clone();
    let mailer = Arc::clone(mailer);
    let outcome = db
        .transact(move |tx| {
            payout::request_change(
                tx,
                &mailer,
                &ChangeRequest {
                    claim_ref: &reference,
                    requested_by: me.user.user_id,
                    iban: &form.iban,
                    holder: &form.holder,
                    token: &link,
                    token_hash: &digest,
                },
            )
        })
        .await;
    let mut errors = Errors::default();
    let lang = locale.as_str();
    match outcome {
        Ok(()) => {
            flash::set(cookies, "claims.payout_change.flash.sent");
            return Ok(Ok(Redirect::to(format!(
                "/claims/{}#payout",
                row.claim_ref
            ))));
        }
        Err(PayoutError::Iban(e)) => {
            errors.add("payout-iban", translate(lang, e.message_key(), &[]));
        }
        Err(PayoutError::Holder) => {
            errors.add(
                "payout-holder",
                translate(lang, "claims.payout.error.holder", &[]),
            );
        }
        Err(PayoutError::Closed) => return Err(AppError::NotFound),
        Err(PayoutError::Db(e)) => return Err(e.into()),
    }
    let page = claim_page(
        db,
        stats,
        &row,
        &errors,
        &UploadValues::default(),
        &MessageDraft::default(),
        lang,
    )
    .await?
    .with("payout_iban", &typed_iban)
    .with("payout_holder", &typed_holder);
    Ok(Err(page.status(Status::UnprocessableEntity)))
}

/// The emailed link: what will change, and one button.
#[get("/claims/payout/confirm/<link>")]
pub async fn get_payout_confirm(link: &str, db: &State<Db>) -> Result<Page, AppError> {
    let digest = token::digest(link);
    let pending = if token::looks_valid(link) {
        db.read(move |c| payout_changes::find_pending(c, &digest))
            .await?
    } else {
        None
    };
    Ok(match pending {
        Some(p) => Page::new("pages/claims/payout_confirm.html")
            .with("link", link)
            .with("claim_ref", &p.claim_ref)
            .with("iban", &iban::grouped(&p.new_iban))
            .with("holder", &p.new_holder),
        None => Page::new("pages/account/link_invalid.html"),
    })
}

#[post("/claims/payout/confirm/<link>", data = "<_form>")]
pub async fn post_payout_confirm(
    link: &str,
    _form: CsrfForm<CsrfOnly>,
    _quota: RateLimit<Auth>,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    if !token::looks_valid(link) {
        return Ok(Err(Page::new("pages/account/link_invalid.html")));
    }
    let digest = token::digest(link);
    let mailer = Arc::clone(mailer);
    match db
        .transact(move |tx| payout::confirm_change(tx, &mailer, &digest))
        .await
    {
        Ok(Some(claim_ref)) => {
            flash::set(cookies, "claims.payout_change.flash.done");
            Ok(Ok(Redirect::to(format!("/claims/{claim_ref}#payout"))))
        }
        Ok(None) | Err(PayoutError::Closed) => {
            Ok(Err(Page::new("pages/account/link_invalid.html")))
        }
        Err(PayoutError::Db(e)) => Err(e.into()),
        Err(PayoutError::Iban(_) | PayoutError::Holder) => Err(AppError::BadRequest),
    }
}
