//! Sign-in and sign-out.

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, get, post};

use crate::accounts::email;
use crate::config::AppConfig;
use crate::db::{Db, users};
use crate::i18n::Locale;
use crate::ratelimit::{Auth, RateLimit, RateLimits};
use crate::services::accounts::{self, Area};
use crate::web::AppError;
use crate::web::flash;
use crate::web::forms::{FormState, safe_next};
use crate::web::guards::{ClientIp, CsrfForm, CsrfOnly, UserAgent};
use crate::web::render::Page;
use crate::web::session;

#[derive(Debug, FromForm)]
pub struct LoginForm {
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub next: String,
}

fn page(state: &FormState) -> Page {
    Page::new("pages/account/login.html").with("form", state)
}

#[get("/login?<next>")]
pub fn get_login(next: Option<&str>) -> Page {
    page(&FormState::with_values(&[
        ("email", ""),
        ("next", &safe_next(next)),
    ]))
}

/// Signs in with email and password. Failures look the same whether or not the account
/// exists. A client that keeps failing on an account waits longer and longer; an account under
/// a distributed attack is slowed down but its owner, from a client that has not been failing,
/// still gets in (`services::accounts::sign_in_gate`).
#[post("/login", data = "<form>")]
pub async fn post_login(
    form: CsrfForm<LoginForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    locale: Locale,
    agent: UserAgent,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    limits: &State<std::sync::Arc<RateLimits>>,
    mailer: &State<std::sync::Arc<crate::mail::Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    let next = safe_next(Some(&form.next));
    let mut state = FormState::with_values(&[("email", form.email.trim()), ("next", &next)]);
    let Some(address) = email::normalize(&form.email) else {
        state.error("email", lang, "account.error.email_invalid");
        return Ok(Err(page(&state)));
    };
    let throttle = limits.sign_in();
    if accounts::sign_in_gate(throttle, Area::Passenger, &address, client.0)
        .await
        .is_err()
    {
        state.error("password", lang, "account.login.error.too_many");
        return Ok(Err(page(&state).status(Status::TooManyRequests)));
    }
    let lookup = address.clone();
    let record = db.read(move |c| users::find_login(c, &lookup)).await?;
    let hash = record
        .as_ref()
        .filter(|r| !r.disabled)
        .and_then(|r| r.password_hash.clone());
    let ok = super::verify_password(form.password, hash).await;
    accounts::sign_in_outcome(throttle, Area::Passenger, &address, client.0, ok);
    if !ok {
        state.error("password", lang, "account.login.error.wrong");
        return Ok(Err(page(&state)));
    }
    let record = record.ok_or(AppError::Internal("verified without a record".into()))?;
    if !record.verified {
        // The right password of an account whose address nobody has confirmed: it opens only
        // through the emailed link (so nobody can hold an account on an address they do not
        // read). Only someone who knows the password sees this answer.
        super::register::resend_verification(db, mailer, record.id).await?;
        state.error("password", lang, "account.login.error.unverified");
        return Ok(Err(page(&state)));
    }
    session::start(db, cookies, cfg, record.id, &agent.0).await?;
    flash::set(cookies, "account.login.flash.welcome");
    Ok(Ok(Redirect::to(next)))
}

#[post("/logout", data = "<_form>")]
pub async fn post_logout(
    _form: CsrfForm<CsrfOnly>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    session::end(db, cookies).await?;
    // The wizard's draft holds the passenger's IBAN, phone and ID scan: it leaves with them.
    crate::web::claims::draft::forget(cookies);
    crate::web::claims::receipt::forget(cookies);
    flash::set(cookies, "account.logout.flash.done");
    Ok(Redirect::to("/"))
}
