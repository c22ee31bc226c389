//! Deleting an account: confirmed by the password, or — for an account that has none (made by
//! a claim) — by a link emailed to its address. Claims that are over are kept without the
//! account; a claim in progress must be withdrawn first
//! ([`services::accounts::delete_account`]).

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use super::profile::{account_page, load};
use crate::accounts::token;
use crate::db::tokens::Purpose;
use crate::db::{Db, tokens, users};
use crate::i18n::Locale;
use crate::mail::Mailer;
use crate::ratelimit::{Auth, RateLimit};
use crate::services::accounts::{DeleteError, delete_account};
use crate::services::sign_in_links::{self, NewLink};
use crate::web::AppError;
use crate::web::flash;
use crate::web::forms::FormState;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::session::{self, UserSession};

#[derive(Debug, FromForm)]
pub struct DeleteForm {
    #[field(default = String::new())]
    pub password: String,
    #[field(default = false)]
    pub confirm: bool,
}

fn signed_out(cookies: &CookieJar<'_>) {
    cookies.remove_private(rocket::http::Cookie::build(session::SESSION_COOKIE).path("/"));
    crate::web::claims::draft::forget(cookies);
    crate::web::claims::receipt::forget(cookies);
}

fn refused(error: DeleteError) -> Result<(), AppError> {
    match error {
        DeleteError::ClaimsInProgress => Ok(()),
        DeleteError::Db(e) => Err(e.into()),
    }
}

/// Deletes the account after an explicit confirmation and the password; an account without a
/// password gets an emailed link instead.
#[post("/account/delete", data = "<form>")]
pub async fn post_account_delete(
    me: UserSession,
    form: CsrfForm<DeleteForm>,
    _quota: RateLimit<Auth>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    let id = me.user.user_id;
    let mut state = FormState::default();
    let stored = db.read(move |c| users::password_hash(c, id)).await?;
    let by_link = stored.is_none();
    if !by_link && !super::verify_password(form.password, stored).await {
        state.error("password", lang, "account.password.error.current_wrong");
    }
    if !form.confirm {
        state.error("confirm", lang, "account.delete.error.confirm");
    }
    if state.is_valid() && by_link {
        let (token, digest) = token::generate();
        let link = NewLink { token, digest };
        let mailer = Arc::clone(mailer);
        db.write(move |tx| sign_in_links::request_deletion(tx, &mailer, id, &link))
            .await?;
        flash::set(cookies, "account.delete.flash.link_sent");
        return Ok(Ok(Redirect::to("/account")));
    }
    if state.is_valid() {
        match db.transact(move |tx| delete_account(tx, id)).await {
            Ok(()) => {
                signed_out(cookies);
                flash::set(cookies, "account.delete.flash.done");
                return Ok(Ok(Redirect::to("/")));
            }
            Err(e) => {
                refused(e)?;
                state.error("confirm", lang, "account.delete.error.claims_in_progress");
            }
        }
    }
    let (account, open) = load(db, id).await?;
    Ok(Err(account_page(&account, open, Some(("delete", &state)))))
}

/// The emailed deletion link: a page with one button (mail scanners open links; only the
/// button deletes).
#[get("/account/delete/<link>")]
pub async fn get_delete_link(link: &str, db: &State<Db>) -> Result<Page, AppError> {
    let digest = token::digest(link);
    let valid = token::looks_valid(link)
        && db
            .read(move |c| tokens::is_valid(c, &digest, Purpose::DeleteAccount))
            .await?;
    Ok(if valid {
        Page::new("pages/account/delete_confirm.html").with("link", link)
    } else {
        Page::new("pages/account/link_invalid.html")
    })
}

#[post("/account/delete/<link>", data = "<_form>")]
pub async fn post_delete_link(
    link: &str,
    _form: CsrfForm<CsrfOnly>,
    _quota: RateLimit<Auth>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    if !token::looks_valid(link) {
        return Ok(Err(Page::new("pages/account/link_invalid.html")));
    }
    let digest = token::digest(link);
    match db
        .transact(move |tx| sign_in_links::confirm_deletion(tx, &digest))
        .await
    {
        Ok(Some(_)) => {
            signed_out(cookies);
            flash::set(cookies, "account.delete.flash.done");
            Ok(Ok(Redirect::to("/")))
        }
        Ok(None) => Ok(Err(Page::new("pages/account/link_invalid.html"))),
        Err(DeleteError::ClaimsInProgress) => {
            flash::set(cookies, "account.delete.error.claims_in_progress");
            Ok(Ok(Redirect::to("/account")))
        }
        Err(DeleteError::Db(e)) => Err(AppError::from(e)),
    }
}
