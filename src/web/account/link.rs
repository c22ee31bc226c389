//! Signing in with an emailed link (issue #19): the way back in from any device for a passenger
//! who has no password (accounts made by a claim) or does not remember it.
//!
//! `POST /login/link` answers the same page, after the same time, whether or not the address
//! has an account. The emailed link opens a page with one button: the link is used up by that
//! `POST`, not by the `GET`, so that mail scanners which open links do not spend it.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use crate::accounts::{email, token};
use crate::config::AppConfig;
use crate::db::tokens::Purpose;
use crate::db::{Db, tokens};
use crate::i18n::Locale;
use crate::mail::Mailer;
use crate::ratelimit::{Auth, RateLimit};
use crate::services::accounts::{FORGOT_ANSWER_FLOOR, answer_no_sooner_than};
use crate::services::sign_in_links::{self, NewLink};
use crate::web::AppError;
use crate::web::flash;
use crate::web::forms::{FormState, safe_next};
use crate::web::guards::{ClientIp, CsrfForm, UserAgent};
use crate::web::render::Page;
use crate::web::session;

#[derive(Debug, FromForm)]
pub struct LinkRequestForm {
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub next: String,
}

/// Emails a sign-in link when the address has a passenger account; the same "check your
/// inbox" page either way, no sooner than the forgotten-password floor.
#[post("/login/link", data = "<form>")]
pub async fn post_link_request(
    form: CsrfForm<LinkRequestForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
) -> Result<Page, AppError> {
    let started = tokio::time::Instant::now();
    let form = form.0;
    let next = safe_next(Some(&form.next));
    let Some(address) = email::normalize(&form.email) else {
        let mut state = FormState::with_values(&[
            ("email", ""),
            ("link_email", form.email.trim()),
            ("next", &next),
        ]);
        state.error("link_email", locale.as_str(), "account.error.email_invalid");
        return Ok(Page::new("pages/account/login.html").with("form", &state));
    };
    tracing::info!(
        event = "sign_in_link.requested",
        account = %crate::logging::mask_email(&address),
        client = %client.0,
        "sign-in link requested"
    );
    let (token, digest) = token::generate();
    let link = NewLink { token, digest };
    let mailer = Arc::clone(mailer);
    let target = next.clone();
    db.write(move |tx| {
        sign_in_links::send_sign_in_link(tx, &mailer, &address, &target, &link, locale).map(|_| ())
    })
    .await?;
    answer_no_sooner_than(started, FORGOT_ANSWER_FLOOR).await;
    Ok(Page::new("pages/account/link_sent.html"))
}

/// The emailed link: a page with one button that signs in (or "this link no longer works").
#[get("/login/link/<link>?<next>")]
pub async fn get_link(link: &str, next: Option<&str>, db: &State<Db>) -> Result<Page, AppError> {
    let digest = token::digest(link);
    let valid = token::looks_valid(link)
        && db
            .read(move |c| tokens::is_valid(c, &digest, Purpose::SignIn))
            .await?;
    Ok(if valid {
        Page::new("pages/account/link_follow.html")
            .with("link", link)
            .with("next", &safe_next(next))
    } else {
        Page::new("pages/account/link_invalid.html")
    })
}

#[derive(Debug, FromForm)]
pub struct LinkFollowForm {
    #[field(default = String::new())]
    pub next: String,
}

/// Uses up the link, signs the account in and opens the page it was asked for.
#[post("/login/link/<link>", data = "<form>")]
pub async fn post_link(
    link: &str,
    form: CsrfForm<LinkFollowForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    agent: UserAgent,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    if !token::looks_valid(link) {
        return Ok(Err(Page::new("pages/account/link_invalid.html")));
    }
    let digest = token::digest(link);
    let opened = db
        .write(move |tx| sign_in_links::follow_sign_in_link(tx, &digest))
        .await?;
    let Some(user_id) = opened else {
        return Ok(Err(Page::new("pages/account/link_invalid.html")));
    };
    tracing::info!(
        event = "sign_in.succeeded",
        area = "passenger",
        method = "emailed_link",
        user_id,
        client = %client.0,
        "signed in with an emailed link"
    );
    session::start(db, cookies, cfg, user_id, &agent.0).await?;
    flash::set(cookies, "account.login.flash.welcome");
    Ok(Ok(Redirect::to(safe_next(Some(&form.0.next)))))
}
