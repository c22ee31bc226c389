//! Registration and email verification.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use crate::accounts::{email, password, token};
use crate::config::AppConfig;
use crate::db::tokens::Purpose;
use crate::db::{Db, DbError, tokens, users};
use crate::i18n::Locale;
use crate::mail::Mailer;
use crate::ratelimit::{Auth, RateLimit};
use crate::services;
use crate::web::AppError;
use crate::web::flash;
use crate::web::forms::FormState;
use crate::web::guards::{CsrfForm, UserAgent};
use crate::web::render::Page;
use crate::web::session;

/// Verification links stay valid this long.
pub const VERIFY_TTL_DAYS: i64 = 7;

#[derive(Debug, FromForm)]
pub struct RegisterForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub password_confirm: String,
}

fn page(state: &FormState) -> Page {
    Page::new("pages/account/register.html").with("form", state)
}

#[get("/register")]
pub fn get_register() -> Page {
    page(&FormState::with_values(&[("name", ""), ("email", "")]))
}

/// Checks the form; returns the normalised email when valid.
fn validate(form: &RegisterForm, locale: &str, state: &mut FormState) -> Option<String> {
    let name = form.name.trim();
    if name.is_empty() {
        state.error("name", locale, "account.register.error.name_required");
    } else if name.chars().count() > 100 || name.chars().any(char::is_control) {
        state.error("name", locale, "account.register.error.name_invalid");
    }
    let normalized = email::normalize(&form.email);
    if normalized.is_none() {
        state.error("email", locale, "account.error.email_invalid");
    }
    if let Err(problem) = password::check_strength(&form.password, &[&form.email, name]) {
        state.error("password", locale, problem.message_key());
    }
    if form.password != form.password_confirm {
        state.error(
            "password_confirm",
            locale,
            "account.password.error.mismatch",
        );
    }
    normalized
}

/// What a registration did; the visitor is answered the same way in both cases.
enum Registered {
    New,
    /// The address already has an account: its owner was told by email.
    Existing,
}

/// Creates the account and its verification email in one transaction; when the address has an
/// account already, enqueues the "you already have an account" email instead (issue #12: the
/// page does not say it, the mailbox does).
async fn create_or_hint(
    db: &Db,
    mailer: &Arc<Mailer>,
    address: String,
    name: String,
    hash: String,
    locale: String,
) -> Result<Registered, AppError> {
    let (verify_token, verify_digest) = token::generate();
    let expires =
        crate::db::time_text(chrono::Utc::now() + chrono::Duration::days(VERIFY_TTL_DAYS));
    let mailer = Arc::clone(mailer);
    let outcome = db
        .write(move |tx| {
            if let Some(existing) = users::find_login(tx, &address)? {
                if !existing.disabled {
                    super::notify::account_exists(tx, &mailer, existing.id)?;
                }
                return Ok(Registered::Existing);
            }
            let id = users::insert_passenger(tx, &address, &name, &hash, &locale)?;
            tokens::insert(tx, &verify_digest, id, Purpose::VerifyEmail, None, &expires)?;
            super::notify::verification(tx, &mailer, id, &verify_token)?;
            Ok(Registered::New)
        })
        .await;
    match outcome {
        Ok(done) => Ok(done),
        // Taken between the check and the insert (same address, another request).
        Err(DbError::Conflict(_)) => Ok(Registered::Existing),
        Err(e) => Err(e.into()),
    }
}

/// Creates the account and sends the verification email; for an address that has an account
/// already, emails its owner instead. Both answer with the same redirect to the same page, no
/// cookie, after the same password hashing: only the mailbox learns whether the account
/// existed (issue #12). The new account opens through the emailed link, which signs it in:
/// until then nobody can use it, so an address cannot be claimed by someone who does not
/// read its mail.
#[post("/register", data = "<form>")]
pub async fn post_register(
    form: CsrfForm<RegisterForm>,
    _quota: RateLimit<Auth>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    let mut state =
        FormState::with_values(&[("name", form.name.trim()), ("email", form.email.trim())]);
    let Some(address) = validate(&form, lang, &mut state) else {
        return Ok(Err(page(&state)));
    };
    if !state.is_valid() {
        return Ok(Err(page(&state)));
    }
    let hash = super::hash_password(form.password).await?;
    let name = form.name.trim().to_string();
    create_or_hint(db, mailer, address, name, hash, lang.to_string()).await?;
    Ok(Ok(Redirect::to("/register/sent")))
}

/// A fresh verification link for an account whose address is not confirmed yet.
pub async fn resend_verification(
    db: &Db,
    mailer: &Arc<Mailer>,
    user_id: i64,
) -> Result<(), AppError> {
    let (verify_token, verify_digest) = token::generate();
    let expires =
        crate::db::time_text(chrono::Utc::now() + chrono::Duration::days(VERIFY_TTL_DAYS));
    let mailer = Arc::clone(mailer);
    db.write(move |tx| {
        tokens::insert(
            tx,
            &verify_digest,
            user_id,
            Purpose::VerifyEmail,
            None,
            &expires,
        )?;
        super::notify::verification(tx, &mailer, user_id, &verify_token)
    })
    .await?;
    Ok(())
}

/// "Check your inbox": the one answer to every valid registration.
#[get("/register/sent")]
pub fn get_register_sent() -> Page {
    Page::new("pages/account/register_sent.html")
}

/// What following a link proved: whose address it is, and whether the link also signs in (a
/// verification link does: it is how a new account is opened, whether it was registered with a
/// password or made by a claim filed while signed out).
fn follow_link(
    tx: &rusqlite::Transaction<'_>,
    mailer: &Mailer,
    digest: &str,
) -> Result<Option<(i64, bool)>, DbError> {
    if let Some(used) = tokens::consume(tx, digest, Purpose::VerifyEmail)? {
        users::mark_verified(tx, used.user_id)?;
        return Ok(Some((used.user_id, true)));
    }
    if let Some(used) = tokens::consume(tx, digest, Purpose::ChangeEmail)?
        && let Some(new_email) = used.new_email
    {
        // The old address hears of it (sent before the change, so to the old address), and
        // reset links sent there stop working.
        super::notify::email_changed(tx, mailer, used.user_id, &new_email)?;
        users::set_email(tx, used.user_id, &new_email)?;
        services::accounts::revoke_after_email_change(tx, used.user_id)?;
        return Ok(Some((used.user_id, false)));
    }
    Ok(None)
}

/// Confirms the address the link was sent to and signs its account in. A new account stays
/// inert until this link is followed.
#[get("/verify-email/<link>")]
pub async fn get_verify_email(
    link: &str,
    agent: UserAgent,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    if !token::looks_valid(link) {
        return Ok(Redirect::to("/verify-email/invalid"));
    }
    let digest = token::digest(link);
    let mailer = Arc::clone(mailer);
    let outcome = db.write(move |tx| follow_link(tx, &mailer, &digest)).await;
    match outcome {
        Ok(Some((user_id, sign_in))) => {
            if sign_in {
                session::start(db, cookies, cfg, user_id, &agent.0).await?;
            }
            flash::set(cookies, "account.verify.flash.done");
            Ok(Redirect::to("/account"))
        }
        // Unknown, used or expired; or the new address was taken meanwhile by another account.
        Ok(None) | Err(DbError::Conflict(_)) => Ok(Redirect::to("/verify-email/invalid")),
        Err(e) => Err(e.into()),
    }
}

#[get("/verify-email/invalid")]
pub fn get_verify_invalid() -> Page {
    Page::new("pages/account/link_invalid.html")
}
