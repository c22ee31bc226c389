//! Forgotten password: a single-use link valid for one hour, and the same answer whether or not
//! an account exists for the address.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use crate::accounts::{email, password, token};
use crate::db::tokens::Purpose;
use crate::db::{Db, tokens, users};
use crate::i18n::Locale;
use crate::mail::Mailer;
use crate::ratelimit::{Auth, RateLimit};
use crate::services;
use crate::web::AppError;
use crate::web::flash;
use crate::web::forms::FormState;
use crate::web::guards::{ClientIp, CsrfForm};
use crate::web::render::Page;

/// Reset links expire after an hour.
pub const RESET_TTL_MINUTES: i64 = 60;

#[derive(Debug, FromForm)]
pub struct ForgotForm {
    #[field(default = String::new())]
    pub email: String,
}

#[get("/password/forgot")]
pub fn get_forgot() -> Page {
    Page::new("pages/account/forgot.html").with("form", &FormState::with_values(&[("email", "")]))
}

/// Sends a reset link when the address has an account. Both answers are the same page after
/// the same work — the mail is composed (rendered) in both cases and only enqueued for a real
/// account — and no sooner than [`services::accounts::FORGOT_ANSWER_FLOOR`], so that the time
/// taken does not tell who has an account either.
#[post("/password/forgot", data = "<form>")]
pub async fn post_forgot(
    form: CsrfForm<ForgotForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
) -> Result<Page, AppError> {
    let started = tokio::time::Instant::now();
    let lang = locale.as_str();
    let mut state = FormState::with_values(&[("email", form.0.email.trim())]);
    let Some(address) = email::normalize(&form.0.email) else {
        state.error("email", lang, "account.error.email_invalid");
        return Ok(Page::new("pages/account/forgot.html").with("form", &state));
    };
    tracing::info!(
        event = "password.reset_requested",
        account = %crate::logging::mask_email(&address),
        client = %client.0,
        "password reset requested"
    );
    let (link, digest) = token::generate();
    let expires =
        crate::db::time_text(chrono::Utc::now() + chrono::Duration::minutes(RESET_TTL_MINUTES));
    let mailer = Arc::clone(mailer);
    db.write(move |tx| {
        if let Some(id) = users::find_id_by_email(tx, &address)? {
            tokens::insert(tx, &digest, id, Purpose::ResetPassword, None, &expires)?;
            super::notify::password_reset(tx, &mailer, id, &link)
        } else {
            super::notify::password_reset_unsent(&mailer, locale, &link)
        }
    })
    .await?;
    services::accounts::answer_no_sooner_than(started, services::accounts::FORGOT_ANSWER_FLOOR)
        .await;
    Ok(Page::new("pages/account/forgot_sent.html"))
}

#[derive(Debug, FromForm)]
pub struct ResetForm {
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub password_confirm: String,
}

fn reset_page(link: &str, state: &FormState) -> Page {
    Page::new("pages/account/reset.html")
        .with("link", link)
        .with("form", state)
}

#[get("/password/reset/<link>")]
pub async fn get_reset(link: &str, db: &State<Db>) -> Result<Page, AppError> {
    let digest = token::digest(link);
    let valid = token::looks_valid(link)
        && db
            .read(move |c| tokens::is_valid(c, &digest, Purpose::ResetPassword))
            .await?;
    Ok(if valid {
        reset_page(link, &FormState::default())
    } else {
        Page::new("pages/account/link_invalid.html")
    })
}

/// Sets the new password, uses up the link and signs the account out everywhere.
#[post("/password/reset/<link>", data = "<form>")]
pub async fn post_reset(
    link: &str,
    form: CsrfForm<ResetForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let lang = locale.as_str();
    let form = form.0;
    let mut state = FormState::default();
    if let Err(problem) = password::check_strength(&form.password, &[]) {
        state.error("password", lang, problem.message_key());
    }
    if form.password != form.password_confirm {
        state.error("password_confirm", lang, "account.password.error.mismatch");
    }
    if !token::looks_valid(link) {
        return Ok(Err(Page::new("pages/account/link_invalid.html")));
    }
    if !state.is_valid() {
        return Ok(Err(reset_page(link, &state)));
    }
    let hash = super::hash_password(form.password).await?;
    let digest = token::digest(link);
    let mailer = Arc::clone(mailer);
    let done = db
        .write(move |tx| {
            let Some(used) = tokens::consume(tx, &digest, Purpose::ResetPassword)? else {
                return Ok(None);
            };
            users::set_password(tx, used.user_id, &hash)?;
            // Whoever knew the old password is signed out, other links die, and the address
            // is proven.
            services::accounts::revoke_after_password_change(tx, used.user_id)?;
            users::mark_verified(tx, used.user_id)?;
            super::notify::password_changed(tx, &mailer, used.user_id)?;
            Ok(Some(users::find_account(tx, used.user_id)?.email))
        })
        .await?;
    let Some(address) = done else {
        return Ok(Err(Page::new("pages/account/link_invalid.html")));
    };
    tracing::info!(
        event = "password.reset",
        account = %crate::logging::mask_email(&address),
        client = %client.0,
        "password changed through a reset link"
    );
    flash::set(cookies, "account.reset.flash.done");
    Ok(Ok(Redirect::to("/login")))
}
