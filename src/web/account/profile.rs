//! The account page and what a passenger can change there.

use rocket::form::FromForm;
use rocket::http::{ContentType, CookieJar, Header};
use rocket::response::Redirect;
use rocket::{Responder, State, get, post};

use crate::accounts::{email, password, token};
use crate::config::AppConfig;
use crate::db::tokens::Purpose;
use crate::db::{Db, sessions, tokens, users};
use crate::i18n::{self, Locale};
use crate::ratelimit::{Auth, Form, RateLimit};
use crate::services;
use crate::web::AppError;
use crate::web::flash;
use crate::web::forms::FormState;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::session::{self, UserSession};

/// Which form on the account page failed, with its state, so the page re-renders it.
pub(super) fn account_page(
    account: &users::Account,
    sessions_open: i64,
    failed: Option<(&str, &FormState)>,
) -> Page {
    let mut page = Page::new("pages/account/account.html")
        .with("account", account)
        .with("sessions_open", &sessions_open)
        .with("claims", &Vec::<()>::new());
    let empty = FormState::default();
    for section in ["profile", "password", "email", "delete"] {
        let state = match failed {
            Some((name, state)) if name == section => state,
            _ => &empty,
        };
        page = page.with(
            match section {
                "profile" => "profile_form",
                "password" => "password_form",
                "email" => "email_form",
                _ => "delete_form",
            },
            state,
        );
    }
    page
}

pub(super) async fn load(db: &Db, user_id: i64) -> Result<(users::Account, i64), AppError> {
    Ok(db
        .read(move |c| {
            Ok((
                users::find_account(c, user_id)?,
                sessions::count_for_user(c, user_id)?,
            ))
        })
        .await?)
}

#[get("/account")]
pub async fn get_account(me: UserSession, db: &State<Db>) -> Result<Page, AppError> {
    let (account, open) = load(db, me.user.user_id).await?;
    let uid = me.user.user_id;
    let claims = db
        .read(move |c| crate::db::claims::list_for_user(c, uid))
        .await?;
    Ok(account_page(&account, open, None).with("claims", &claims))
}

#[derive(Debug, FromForm)]
pub struct ProfileForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub language: String,
}

/// Name and preferred language (the language of our emails, and of the site from now on).
#[post("/account/profile", data = "<form>")]
pub async fn post_account_profile(
    me: UserSession,
    form: CsrfForm<ProfileForm>,
    _quota: RateLimit<Form>,
    locale: Locale,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    let mut state =
        FormState::with_values(&[("name", form.name.trim()), ("language", &form.language)]);
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        state.error("name", lang, "account.register.error.name_required");
    }
    let chosen = Locale::from_tag(&form.language).filter(|l| l.as_str() == form.language);
    if chosen.is_none() {
        state.error("language", lang, "account.profile.error.language");
    }
    let (Some(chosen), true) = (chosen, state.is_valid()) else {
        let (account, open) = load(db, me.user.user_id).await?;
        return Ok(Err(account_page(&account, open, Some(("profile", &state)))));
    };
    let id = me.user.user_id;
    let code = chosen.as_str();
    db.write(move |tx| {
        users::set_name(tx, id, &name)?;
        users::set_locale(tx, id, code)
    })
    .await?;
    cookies.add(
        rocket::http::Cookie::build((i18n::COOKIE, code))
            .path("/")
            .http_only(true)
            .same_site(rocket::http::SameSite::Lax)
            .max_age(rocket::time::Duration::days(365)),
    );
    flash::set(cookies, "account.profile.flash.saved");
    Ok(Ok(Redirect::to("/account")))
}

#[derive(Debug, FromForm)]
pub struct PasswordForm {
    #[field(default = String::new())]
    pub current_password: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub password_confirm: String,
}

/// Changes the password after checking the current one; other browsers are signed out.
#[post("/account/password", data = "<form>")]
pub async fn post_account_password(
    me: UserSession,
    form: CsrfForm<PasswordForm>,
    _quota: RateLimit<Auth>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    mailer: &State<std::sync::Arc<crate::mail::Mailer>>,
    agent: crate::web::guards::UserAgent,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    let id = me.user.user_id;
    let mut state = FormState::default();
    // An account made by a claim has no password yet: its owner, signed in through an emailed
    // link, chooses one without a current one to type.
    let stored = db.read(move |c| users::password_hash(c, id)).await?;
    if stored.is_some() && !super::verify_password(form.current_password, stored).await {
        state.error(
            "current_password",
            lang,
            "account.password.error.current_wrong",
        );
    }
    if let Err(problem) = password::check_strength(&form.password, &[&me.user.email, &me.user.name])
    {
        state.error("password", lang, problem.message_key());
    }
    if form.password != form.password_confirm {
        state.error("password_confirm", lang, "account.password.error.mismatch");
    }
    if !state.is_valid() {
        let (account, open) = load(db, id).await?;
        return Ok(Err(account_page(
            &account,
            open,
            Some(("password", &state)),
        )));
    }
    let hash = super::hash_password(form.password).await?;
    let mailer = std::sync::Arc::clone(mailer);
    db.write(move |tx| {
        users::set_password(tx, id, &hash)?;
        services::accounts::revoke_after_password_change(tx, id)?;
        super::notify::password_changed(tx, &mailer, id)
    })
    .await?;
    session::start(db, cookies, cfg, id, &agent.0).await?;
    flash::set(cookies, "account.password.flash.changed");
    Ok(Ok(Redirect::to("/account")))
}

#[derive(Debug, FromForm)]
pub struct EmailForm {
    #[field(default = String::new())]
    pub new_email: String,
    #[field(default = String::new())]
    pub password: String,
}

/// Sends a confirmation link to the new address; the change happens when it is followed.
#[post("/account/email", data = "<form>")]
pub async fn post_account_email(
    me: UserSession,
    form: CsrfForm<EmailForm>,
    _quota: RateLimit<Auth>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<std::sync::Arc<crate::mail::Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    let id = me.user.user_id;
    let mut state = FormState::with_values(&[("new_email", form.new_email.trim())]);
    let address = email::normalize(&form.new_email);
    if address.is_none() {
        state.error("new_email", lang, "account.error.email_invalid");
    }
    // Without a password, the link sent to the new address is the only confirmation (the old
    // address is told once the change is made).
    let stored = db.read(move |c| users::password_hash(c, id)).await?;
    if stored.is_some() && !super::verify_password(form.password, stored).await {
        state.error("password", lang, "account.password.error.current_wrong");
    }
    let (Some(address), true) = (address, state.is_valid()) else {
        let (account, open) = load(db, id).await?;
        return Ok(Err(account_page(&account, open, Some(("email", &state)))));
    };
    let (link, digest) = token::generate();
    let expires = crate::db::time_text(
        chrono::Utc::now() + chrono::Duration::days(super::register::VERIFY_TTL_DAYS),
    );
    let mailer = std::sync::Arc::clone(mailer);
    db.write(move |tx| {
        tokens::insert(
            tx,
            &digest,
            id,
            Purpose::ChangeEmail,
            Some(&address),
            &expires,
        )?;
        super::notify::email_change(tx, &mailer, id, &address, &link)
    })
    .await?;
    flash::set(cookies, "account.email.flash.sent");
    Ok(Ok(Redirect::to("/account")))
}

/// Signs the account out on every device, this one included.
#[post("/account/sessions", data = "<_form>")]
pub async fn post_account_sessions(
    me: UserSession,
    _form: CsrfForm<CsrfOnly>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let id = me.user.user_id;
    db.write(move |tx| sessions::delete_for_user(tx, id).map(|_| ()))
        .await?;
    cookies.remove_private(rocket::http::Cookie::build(session::SESSION_COOKIE).path("/"));
    crate::web::claims::draft::forget(cookies);
    flash::set(cookies, "account.sessions.flash.ended");
    Ok(Redirect::to("/login"))
}

/// Each claim of the passenger: what was declared, the engine's answer, the payout details,
/// the timeline and the team's messages, passengers, document metadata (not the files, which
/// download from the claim's page) and signed mandates (text and signature record).
fn export_claims(
    conn: &rusqlite::Connection,
    user_id: i64,
) -> Result<Vec<serde_json::Value>, crate::db::DbError> {
    use crate::db::{claims, documents, mandates};
    claims::list_for_user(conn, user_id)?
        .into_iter()
        .map(|claim| {
            // What was declared (flights, disruption), the engine's answer then, and where
            // the money goes: all of it is the passenger's data too.
            let payload = claims::find_payload(conn, claim.id)?;
            let parse = |text: &str| {
                serde_json::from_str::<serde_json::Value>(text).unwrap_or(serde_json::Value::Null)
            };
            Ok(serde_json::json!({
                "declared": parse(&payload.request_json),
                "eligibility": parse(&payload.result_json),
                "payout": { "iban": payload.payout_iban, "account_holder": payload.payout_holder },
                "timeline": claims::events_for_passenger(conn, claim.id)?,
                "passengers": claims::passengers(conn, claim.id)?,
                "documents": documents::list_for_claim(conn, claim.id)?,
                "mandates": mandates::list_for_claim(conn, claim.id)?,
                "claim": claim,
            }))
        })
        .collect()
}

/// The passenger's data as a JSON download (GDPR Art. 15 and 20).
#[derive(Responder)]
#[response(content_type = "json")]
pub struct Export {
    body: String,
    disposition: Header<'static>,
    cache: Header<'static>,
}

#[get("/account/export")]
pub async fn get_account_export(me: UserSession, db: &State<Db>) -> Result<Export, AppError> {
    let id = me.user.user_id;
    let (account, claims) = db
        .read(move |c| Ok((users::find_account(c, id)?, export_claims(c, id)?)))
        .await?;
    let body = serde_json::to_string_pretty(&serde_json::json!({
        "exported_at": crate::db::now_text(),
        "account": account,
        "claims": claims,
    }))
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let _ = ContentType::JSON;
    Ok(Export {
        body,
        disposition: Header::new(
            "Content-Disposition",
            "attachment; filename=\"flightclaim-my-data.json\"",
        ),
        cache: Header::new("Cache-Control", "no-store"),
    })
}
