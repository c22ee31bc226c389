//! Staff sign-in and the guards that state a handler's role in its signature.
//!
//! Staff sessions use their own cookie, scoped to `/admin`, `SameSite=Strict`, living 12 hours;
//! a passenger's session never opens the dashboard.

use std::net::IpAddr;

use chrono::Utc;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::Redirect;
use rocket::{State, get, post};

use crate::accounts::{email, token};
use crate::config::AppConfig;
use crate::db::sessions::{self, SessionKind, SessionUser};
use crate::db::users::Role;
use crate::db::{Db, audit, time_text, users};
use crate::i18n::Locale;
use crate::ratelimit::{Auth, RateLimit, RateLimits};
use crate::services::accounts::{self, Area};
use crate::web::AppError;
use crate::web::forms::FormState;
use crate::web::guards::{ClientIp, CsrfForm, CsrfOnly, UserAgent};
use crate::web::render::Page;

/// Name of the staff session cookie.
pub const STAFF_COOKIE: &str = "fc_staff";
/// Staff sessions end after this many hours.
pub const STAFF_SESSION_HOURS: i64 = 12;

/// A signed-in agent, finance officer or admin.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub user: SessionUser,
}

impl StaffSession {
    pub fn is_admin(&self) -> bool {
        self.user.role == "admin"
    }

    /// Finance staff and admins record money (ledger, settlements); agents only see amounts.
    pub fn can_record_money(&self) -> bool {
        Role::parse(&self.user.role).is_some_and(Role::records_money)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for StaffSession {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let found = req
            .local_cache_async(async {
                let cookie = req.cookies().get_private(STAFF_COOKIE)?;
                let digest = token::digest(cookie.value());
                let db = req.rocket().state::<Db>()?;
                let user = db
                    .read(move |c| sessions::find_user(c, &digest, SessionKind::Staff))
                    .await
                    .ok()??;
                if !Role::parse(&user.role).is_some_and(Role::is_staff) {
                    return None;
                }
                // With `staff_totp_required`, a staff member without a second factor may only
                // open the profile page (to enrol) and sign out.
                let must_enrol = match req.rocket().state::<AppConfig>() {
                    Some(cfg) if cfg.staff_totp_required => {
                        let id = user.user_id;
                        !db.read(move |c| crate::db::staff_totp::is_enabled(c, id))
                            .await
                            .unwrap_or(false)
                    }
                    _ => false,
                };
                Some((StaffSession { user }, must_enrol))
            })
            .await;
        match found {
            Some((staff, must_enrol)) => {
                let path = req.uri().path();
                if *must_enrol && !path.starts_with("/admin/profile") && path != "/admin/logout" {
                    Outcome::Error((Status::PreconditionRequired, ()))
                } else {
                    Outcome::Success(staff.clone())
                }
            }
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

/// A signed-in admin; an agent gets 403.
#[derive(Debug, Clone)]
pub struct AdminSession(pub StaffSession);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AdminSession {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let staff = rocket::outcome::try_outcome!(req.guard::<StaffSession>().await);
        if staff.is_admin() {
            Outcome::Success(AdminSession(staff))
        } else {
            Outcome::Error((Status::Forbidden, ()))
        }
    }
}

#[derive(Debug, FromForm)]
pub struct StaffLoginForm {
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub next: String,
}

/// A `next` target after a staff sign-in: a path of the dashboard, else `/admin` (the shared
/// rule is [`crate::web::forms::local_next`]).
pub fn safe_admin_next(next: Option<&str>) -> String {
    crate::web::forms::local_next(next, "/admin", "/admin")
}

fn login_page(state: &FormState) -> Page {
    Page::new("admin/login.html").with("form", state)
}

#[get("/admin/login?<next>")]
pub fn get_admin_login(next: Option<&str>) -> Page {
    login_page(&FormState::with_values(&[
        ("email", ""),
        ("next", &safe_admin_next(next)),
    ]))
}

/// The account behind a staff sign-in attempt and its role.
async fn find_staff_login(
    db: &Db,
    address: &str,
) -> Result<(Option<users::LoginRecord>, bool), AppError> {
    let lookup = address.to_string();
    let (login, role) = db
        .read(move |c| {
            let login = users::find_login(c, &lookup)?;
            let role = match &login {
                Some(l) => Some(users::find_account(c, l.id)?.role),
                None => None,
            };
            Ok((login, role))
        })
        .await?;
    let staff = role
        .as_deref()
        .and_then(Role::parse)
        .is_some_and(Role::is_staff);
    Ok((login, staff))
}

/// Records a refused staff sign-in in the audit log with the client's address, so that an
/// admin sees an attack on the dashboard (`staff.login_failed`, `staff.login_throttled`).
/// The typed address is kept whole only when it is a staff account's.
async fn audit_refusal(
    db: &Db,
    staff_id: Option<i64>,
    address: &str,
    action: &'static str,
    client: IpAddr,
) -> Result<(), AppError> {
    let actor = if staff_id.is_some() {
        address.to_string()
    } else {
        crate::logging::mask_email(address)
    };
    let target = format!("ip:{client}");
    db.write(move |tx| audit::record(tx, staff_id, &actor, action, &target, None, None))
        .await?;
    Ok(())
}

#[post("/admin/login", data = "<form>")]
pub async fn post_admin_login(
    form: CsrfForm<StaffLoginForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    locale: Locale,
    agent: UserAgent,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    limits: &State<std::sync::Arc<RateLimits>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let form = form.0;
    let lang = locale.as_str();
    let next = safe_admin_next(Some(&form.next));
    let mut state = FormState::with_values(&[("email", form.email.trim()), ("next", &next)]);
    let address = email::normalize(&form.email).unwrap_or_default();
    let (login, is_staff) = find_staff_login(db, &address).await?;
    let staff_id = login.as_ref().filter(|_| is_staff).map(|l| l.id);
    let throttle = limits.sign_in();
    if accounts::sign_in_gate(throttle, Area::Staff, &address, client.0)
        .await
        .is_err()
    {
        audit_refusal(db, staff_id, &address, "staff.login_throttled", client.0).await?;
        state.error("password", lang, "account.login.error.too_many");
        return Ok(Err(login_page(&state).status(Status::TooManyRequests)));
    }
    let hash = login
        .as_ref()
        .filter(|l| !l.disabled && is_staff)
        .and_then(|l| l.password_hash.clone());
    let ok = crate::web::account::verify_password(form.password, hash).await;
    accounts::sign_in_outcome(throttle, Area::Staff, &address, client.0, ok);
    let Some(user_id) = staff_id.filter(|_| ok) else {
        audit_refusal(db, staff_id, &address, "staff.login_failed", client.0).await?;
        state.error("password", lang, "admin.login.error.wrong");
        return Ok(Err(login_page(&state)));
    };
    let has_totp = db
        .read(move |c| crate::db::staff_totp::is_enabled(c, user_id))
        .await?;
    if has_totp {
        // Second step: the password was right; a code from the authenticator app finishes
        // the sign-in at /admin/login/totp.
        super::totp::set_pending(cookies, cfg, user_id);
        return Ok(Ok(Redirect::to(format!(
            "/admin/login/totp?next={}",
            rocket::http::RawStr::new(&next).percent_encode()
        ))));
    }
    let from = Some(client.0);
    start_staff_session(db, cfg, cookies, user_id, address, agent.0, from).await?;
    Ok(Ok(Redirect::to(next)))
}

/// Opens a staff session (cookie + audit entry with the client's address when known).
pub async fn start_staff_session(
    db: &Db,
    cfg: &AppConfig,
    cookies: &CookieJar<'_>,
    user_id: i64,
    actor: String,
    agent_text: String,
    client: Option<IpAddr>,
) -> Result<(), AppError> {
    let (session_token, digest) = token::generate();
    let expires = time_text(Utc::now() + chrono::Duration::hours(STAFF_SESSION_HOURS));
    let target = client.map(|ip| format!("ip:{ip}")).unwrap_or_default();
    db.write(move |tx| {
        sessions::insert(
            tx,
            &digest,
            user_id,
            SessionKind::Staff,
            &expires,
            &agent_text,
        )?;
        audit::record(
            tx,
            Some(user_id),
            &actor,
            "staff.login",
            &target,
            None,
            None,
        )
    })
    .await?;
    cookies.add_private(
        Cookie::build((STAFF_COOKIE, session_token))
            .path("/admin")
            .http_only(true)
            .secure(cfg.is_https())
            .same_site(SameSite::Strict)
            .max_age(rocket::time::Duration::hours(STAFF_SESSION_HOURS)),
    );
    Ok(())
}

#[post("/admin/logout", data = "<_form>")]
pub async fn post_admin_logout(
    _form: CsrfForm<CsrfOnly>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    if let Some(c) = cookies.get_private(STAFF_COOKIE) {
        let digest = token::digest(c.value());
        db.write(move |tx| sessions::delete(tx, &digest)).await?;
    }
    cookies.remove_private(Cookie::build(STAFF_COOKIE).path("/admin"));
    Ok(Redirect::to("/admin/login"))
}
