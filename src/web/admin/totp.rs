//! Optional TOTP second factor for staff (RFC 6238: SHA-1, 6 digits, 30-second steps — what
//! every authenticator app speaks), with the `totp-rs` crate.
//!
//! * `/admin/profile`: enrol (a QR code of the `otpauth://` URI, with the secret as text for
//!   apps without a camera), confirm with a first code, or remove the factor (with a current
//!   code; refused when `staff_totp_required`).
//!
//! Secrets are stored sealed with a key derived from the secret key ([`crate::crypto`]), so a
//! copy of the database or the replica does not give anyone the staff's second factor.
//! * `/admin/login/totp`: the second sign-in step. The password step leaves an encrypted
//!   `fc_staff_pending` cookie (user id + expiry, five minutes); a right code opens the session.
//!   Codes are checked one step either side for clock drift, a step is never accepted twice,
//!   and attempts are rate-limited per IP and per account.

use chrono::Utc;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::response::Redirect;
use rocket::{State, get, post};
use subtle::ConstantTimeEq as _;
use totp_rs::{Algorithm, Secret, TOTP};

use super::auth::{StaffSession, safe_admin_next, start_staff_session};
use crate::config::AppConfig;
use crate::crypto::{Sealer, Sealers};
use crate::db::staff_totp::StaffTotp;
use crate::db::{Db, DbError, audit, staff_totp};
use crate::i18n::Locale;
use crate::ratelimit::{Auth, RateLimit, RateLimits};
use crate::web::AppError;
use crate::web::flash;
use crate::web::forms::FormState;
use crate::web::guards::{ClientIp, CsrfForm, CsrfOnly, UserAgent};
use crate::web::render::Page;

const PENDING_COOKIE: &str = "fc_staff_pending";
const PENDING_SECS: i64 = 300;
const STEP_SECS: u64 = 30;
const ISSUER: &str = "FlightClaim";

/// The TOTP of a base32 secret for an account.
pub fn totp(secret_base32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    // `otpauth` account names may not contain ':'.
    let account = account.replace(':', "_");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        bytes,
        Some(ISSUER.into()),
        account,
    )
    .ok()
}

/// A new random 160-bit secret, base32.
pub fn new_secret() -> String {
    Secret::Raw(rand::random::<[u8; 20]>().to_vec())
        .to_encoded()
        .to_string()
}

/// The stored factor with its secret opened; a legacy secret stored in clear (base32) is used
/// as it is until [`seal_legacy_secrets`] runs.
fn load(
    conn: &rusqlite::Connection,
    user_id: i64,
    sealer: &Sealer,
) -> Result<Option<StaffTotp>, DbError> {
    Ok(staff_totp::find(conn, user_id)?.map(|mut t| {
        if Sealer::is_sealed(&t.secret) {
            t.secret = sealer
                .open(&t.secret)
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
        }
        t
    }))
}

/// Seals the secrets stored in clear by versions before sealing (start-up; a no-op after).
pub fn seal_legacy_secrets(db: &Db, sealer: &Sealer) -> Result<usize, DbError> {
    db.write_blocking(|tx| {
        let mut count = 0;
        for (user_id, secret) in staff_totp::all_secrets(tx)? {
            if !Sealer::is_sealed(&secret) {
                staff_totp::set_secret(tx, user_id, &sealer.seal(secret.as_bytes()))?;
                count += 1;
            }
        }
        Ok(count)
    })
}

/// Seals again under the current key every second-factor secret that only the former key opens
/// (a secret-key rotation, [`Sealer::reseal`]).
pub fn reseal_rotated_secrets(db: &Db, sealer: &Sealer) -> Result<usize, DbError> {
    db.write_blocking(|tx| {
        let mut count = 0;
        for (user_id, secret) in staff_totp::all_secrets(tx)? {
            if let Some(resealed) = sealer.reseal(&secret) {
                staff_totp::set_secret(tx, user_id, &resealed)?;
                count += 1;
            }
        }
        Ok(count)
    })
}

/// The enrolment URI as an inline SVG QR code, labelled for screen readers.
fn qr_svg(uri: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    let start = svg.find("<svg")?;
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    Some(svg[start..].replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"totp-qr\" "),
        1,
    ))
}

/// The time step a code matches (now, or one step either side), if newer than `last_step`.
pub fn matching_step(totp: &TOTP, code: &str, now_unix: u64, last_step: i64) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now_step = now_unix / STEP_SECS;
    for step in [now_step.saturating_sub(1), now_step, now_step + 1] {
        let expected = totp.generate(step * STEP_SECS);
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        if step > last_step && bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            return Some(step);
        }
    }
    None
}

fn unix_now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

/// Remembers, for five minutes, that `user_id` passed the password step.
pub fn set_pending(cookies: &CookieJar<'_>, cfg: &AppConfig, user_id: i64) {
    let expires = Utc::now().timestamp() + PENDING_SECS;
    cookies.add_private(
        Cookie::build((PENDING_COOKIE, format!("{user_id}:{expires}")))
            .path("/admin")
            .http_only(true)
            .secure(cfg.is_https())
            .same_site(SameSite::Strict)
            .max_age(rocket::time::Duration::seconds(PENDING_SECS)),
    );
}

fn pending(cookies: &CookieJar<'_>) -> Option<i64> {
    let value = cookies.get_private(PENDING_COOKIE)?.value().to_string();
    let (id, expires) = value.split_once(':')?;
    let expires: i64 = expires.parse().ok()?;
    (expires > Utc::now().timestamp()).then(|| id.parse().ok())?
}

#[derive(Debug, FromForm)]
pub struct CodeForm {
    #[field(default = String::new())]
    pub code: String,
    #[field(default = String::new())]
    pub next: String,
}

fn code_page(state: &FormState) -> Page {
    Page::new("admin/login_totp.html").with("form", state)
}

#[get("/admin/login/totp?<next>")]
pub fn get_admin_login_totp(
    next: Option<&str>,
    cookies: &CookieJar<'_>,
) -> Result<Page, Box<Redirect>> {
    if pending(cookies).is_none() {
        return Err(Box::new(Redirect::to("/admin/login")));
    }
    Ok(code_page(&FormState::with_values(&[(
        "next",
        &safe_admin_next(next),
    )])))
}

#[post("/admin/login/totp", data = "<form>")]
pub async fn post_admin_login_totp(
    form: CsrfForm<CodeForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    locale: Locale,
    agent: UserAgent,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    limits: &State<std::sync::Arc<RateLimits>>,
    sealers: &State<Sealers>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let lang = locale.as_str();
    let sealer = sealers.totp.clone();
    let Some(user_id) = pending(cookies) else {
        return Ok(Ok(Redirect::to("/admin/login")));
    };
    let next = safe_admin_next(Some(&form.0.next));
    let mut state = FormState::with_values(&[("next", &next)]);
    let (email, stored) = db
        .read(move |c| {
            let email = crate::db::users::find_account(c, user_id)?.email;
            Ok((email, load(c, user_id, &sealer)?))
        })
        .await?;
    if limits.check_account(&format!("totp:{email}")).is_err() {
        state.error("code", lang, "account.login.error.account_locked");
        return Ok(Err(code_page(&state).status(Status::TooManyRequests)));
    }
    let step = stored
        .filter(|t| t.enabled)
        .and_then(|t| totp(&t.secret, &email).map(|otp| (otp, t.last_step)))
        .and_then(|(otp, last)| matching_step(&otp, &form.0.code, unix_now(), last));
    let Some(step) = step else {
        state.error("code", lang, "admin.totp.error.wrong");
        return Ok(Err(code_page(&state)));
    };
    db.write(move |tx| staff_totp::accept(tx, user_id, step))
        .await?;
    cookies.remove_private(Cookie::build(PENDING_COOKIE).path("/admin"));
    start_staff_session(db, cfg, cookies, user_id, email, agent.0, Some(client.0)).await?;
    Ok(Ok(Redirect::to(next)))
}

fn profile_page(
    staff: &StaffSession,
    enabled: bool,
    pending_secret: Option<&str>,
    state: &FormState,
    required: bool,
    locale: Locale,
) -> Page {
    let (secret, uri) =
        match pending_secret.and_then(|s| totp(s, &staff.user.email).map(|t| (s, t))) {
            Some((s, t)) => (Some(s.to_string()), Some(t.get_url())),
            None => (None, None),
        };
    let qr = uri.as_deref().and_then(|u| {
        qr_svg(
            u,
            &crate::i18n::translate(locale.as_str(), "admin.totp.qr_label", &[]),
        )
    });
    Page::new("admin/profile.html")
        .with("qr_svg", &qr)
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("email", &staff.user.email)
        .with("totp_enabled", &enabled)
        .with("totp_required", &required)
        .with("secret", &secret)
        .with("otpauth_uri", &uri)
        .with("form", state)
}

#[get("/admin/profile")]
pub async fn get_admin_profile(
    staff: StaffSession,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    sealers: &State<Sealers>,
) -> Result<Page, AppError> {
    let id = staff.user.user_id;
    let sealer = sealers.totp.clone();
    let stored = db.read(move |c| load(c, id, &sealer)).await?;
    let enabled = stored.as_ref().is_some_and(|t| t.enabled);
    let pending_secret = stored.filter(|t| !t.enabled).map(|t| t.secret);
    Ok(profile_page(
        &staff,
        enabled,
        pending_secret.as_deref(),
        &FormState::default(),
        cfg.staff_totp_required,
        locale,
    ))
}

#[post("/admin/profile/totp/start", data = "<_form>")]
pub async fn post_admin_totp_start(
    staff: StaffSession,
    _form: CsrfForm<CsrfOnly>,
    db: &State<Db>,
    sealers: &State<Sealers>,
) -> Result<Redirect, AppError> {
    let id = staff.user.user_id;
    let secret = sealers.totp.seal(new_secret().as_bytes());
    db.write(move |tx| {
        if staff_totp::is_enabled(tx, id)? {
            return Err(DbError::Conflict("already enabled".into()));
        }
        staff_totp::start(tx, id, &secret)
    })
    .await
    .or_else(|e| match e {
        DbError::Conflict(_) => Ok(()),
        other => Err(other),
    })?;
    Ok(Redirect::to("/admin/profile"))
}

#[post("/admin/profile/totp/confirm", data = "<form>")]
pub async fn post_admin_totp_confirm(
    staff: StaffSession,
    form: CsrfForm<CodeForm>,
    _quota: RateLimit<Auth>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    sealers: &State<Sealers>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let id = staff.user.user_id;
    let sealer = sealers.totp.clone();
    let stored = db.read(move |c| load(c, id, &sealer)).await?;
    let Some(stored) = stored.filter(|t| !t.enabled) else {
        return Ok(Ok(Redirect::to("/admin/profile")));
    };
    let step = totp(&stored.secret, &staff.user.email)
        .and_then(|otp| matching_step(&otp, &form.0.code, unix_now(), stored.last_step));
    let Some(step) = step else {
        let mut state = FormState::default();
        state.error("code", locale.as_str(), "admin.totp.error.wrong");
        return Ok(Err(profile_page(
            &staff,
            false,
            Some(&stored.secret),
            &state,
            cfg.staff_totp_required,
            locale,
        )));
    };
    let actor = staff.user.email.clone();
    db.write(move |tx| {
        staff_totp::accept(tx, id, step)?;
        audit::record(
            tx,
            Some(id),
            &actor,
            "staff.totp_enabled",
            &format!("user:{id}"),
            Some("off"),
            Some("on"),
        )
    })
    .await?;
    flash::set(cookies, "admin.totp.flash.enabled");
    Ok(Ok(Redirect::to("/admin/profile")))
}

#[post("/admin/profile/totp/disable", data = "<form>")]
pub async fn post_admin_totp_disable(
    staff: StaffSession,
    form: CsrfForm<CodeForm>,
    _quota: RateLimit<Auth>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    sealers: &State<Sealers>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    if cfg.staff_totp_required {
        return Err(AppError::Forbidden);
    }
    let id = staff.user.user_id;
    let sealer = sealers.totp.clone();
    let stored = db.read(move |c| load(c, id, &sealer)).await?;
    let Some(stored) = stored.filter(|t| t.enabled) else {
        return Ok(Ok(Redirect::to("/admin/profile")));
    };
    let ok = totp(&stored.secret, &staff.user.email)
        .and_then(|otp| matching_step(&otp, &form.0.code, unix_now(), stored.last_step))
        .is_some();
    if !ok {
        let mut state = FormState::default();
        state.error("disable_code", locale.as_str(), "admin.totp.error.wrong");
        return Ok(Err(profile_page(&staff, true, None, &state, false, locale)));
    }
    let actor = staff.user.email.clone();
    db.write(move |tx| {
        staff_totp::delete(tx, id)?;
        audit::record(
            tx,
            Some(id),
            &actor,
            "staff.totp_disabled",
            &format!("user:{id}"),
            Some("on"),
            Some("off"),
        )
    })
    .await?;
    flash::set(cookies, "admin.totp.flash.disabled");
    Ok(Ok(Redirect::to("/admin/profile")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_once_within_a_step_of_drift() {
        let secret = new_secret();
        let otp = totp(&secret, "a:b@example.com").unwrap();
        let now = 1_800_000_000;
        let code = otp.generate(now);
        let step = matching_step(&otp, &code, now, 0).unwrap();
        assert_eq!(step, i64::try_from(now / 30).unwrap());
        // Replayed: refused.
        assert_eq!(matching_step(&otp, &code, now, step), None);
        // Previous step's code still accepted (drift), the one before not.
        let old = otp.generate(now - 30);
        assert!(matching_step(&otp, &old, now, 0).is_some());
        let older = otp.generate(now - 90);
        assert_eq!(matching_step(&otp, &older, now, 0), None);
        for junk in ["", "12345", "abcdef", "1234567", "<script>"] {
            assert_eq!(matching_step(&otp, junk, now, 0), None, "{junk}");
        }
        assert!(otp.get_url().starts_with("otpauth://totp/FlightClaim:"));
    }
}
