//! Passenger sessions: a random token in an encrypted, `HttpOnly`, `SameSite=Lax` cookie; the
//! database keeps its SHA-256, the account and a sliding expiry, capped by an absolute lifetime
//! counted from sign-in (OWASP ASVS 3.3.1/3.3.3): however active, a session ends
//! [`SESSION_ABSOLUTE_DAYS`] after it started. Signing in rotates the token (and the CSRF
//! token), signing out deletes the row, "sign out everywhere" deletes them all.

use chrono::Utc;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::time::Duration as CookieDuration;

use super::guards::CSRF_COOKIE;
use crate::accounts::token;
use crate::config::AppConfig;
use crate::db::sessions::{self, SessionKind, SessionUser};
use crate::db::{Db, DbError, time_text};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "fc_session";
/// A session ends after this many days without a visit.
pub const SESSION_IDLE_DAYS: i64 = 30;
/// A session ends this many days after sign-in, however active (ASVS 3.3): a stolen cookie
/// does not live forever by being used.
pub const SESSION_ABSOLUTE_DAYS: i64 = 90;
/// The expiry slides at most this often, so that reading pages does not write every time.
const TOUCH_EVERY_MINUTES: i64 = 10;

fn expiry() -> String {
    time_text(Utc::now() + chrono::Duration::days(SESSION_IDLE_DAYS))
}

/// The end of the absolute lifetime of a session started at `created_at` (RFC 3339 text); an
/// unreadable time counts as already over.
fn absolute_end(created_at: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(created_at).map_or(chrono::DateTime::UNIX_EPOCH, |t| {
        t.with_timezone(&Utc) + chrono::Duration::days(SESSION_ABSOLUTE_DAYS)
    })
}

/// The next sliding expiry of a session, never past its absolute end.
fn slid_expiry(created_at: &str) -> String {
    let idle = Utc::now() + chrono::Duration::days(SESSION_IDLE_DAYS);
    time_text(idle.min(absolute_end(created_at)))
}

/// Starts a session for `user_id`: ends the browser's previous one, issues a new token and a
/// fresh CSRF token (so nothing an attacker planted before sign-in survives it).
pub async fn start(
    db: &Db,
    cookies: &CookieJar<'_>,
    cfg: &AppConfig,
    user_id: i64,
    user_agent: &str,
) -> Result<(), DbError> {
    let old = cookies
        .get_private(SESSION_COOKIE)
        .map(|c| token::digest(c.value()));
    let (token, digest) = token::generate();
    let agent: String = user_agent.chars().take(200).collect();
    db.write(move |tx| {
        if let Some(old) = old {
            sessions::delete(tx, &old)?;
        }
        sessions::insert(
            tx,
            &digest,
            user_id,
            SessionKind::Passenger,
            &expiry(),
            &agent,
        )
    })
    .await?;
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(cfg.is_https())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(SESSION_IDLE_DAYS));
    cookies.add_private(cookie);
    cookies.remove_private(Cookie::build(CSRF_COOKIE).path("/"));
    Ok(())
}

/// What [`start`] does to the browser — its previous session ends, a new session cookie and no
/// CSRF cookie — but with a token that opens nothing: the answer to a registration with an
/// address that already has an account looks like the answer to a new one.
pub async fn start_decoy(db: &Db, cookies: &CookieJar<'_>, cfg: &AppConfig) -> Result<(), DbError> {
    let old = cookies
        .get_private(SESSION_COOKIE)
        .map(|c| token::digest(c.value()));
    let (token, _digest) = token::generate();
    db.write(move |tx| match old {
        Some(old) => sessions::delete(tx, &old),
        None => Ok(()),
    })
    .await?;
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(cfg.is_https())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(SESSION_IDLE_DAYS));
    cookies.add_private(cookie);
    cookies.remove_private(Cookie::build(CSRF_COOKIE).path("/"));
    Ok(())
}

/// Ends this browser's session.
pub async fn end(db: &Db, cookies: &CookieJar<'_>) -> Result<(), DbError> {
    if let Some(c) = cookies.get_private(SESSION_COOKIE) {
        let digest = token::digest(c.value());
        db.write(move |tx| sessions::delete(tx, &digest)).await?;
    }
    cookies.remove_private(Cookie::build(SESSION_COOKIE).path("/"));
    Ok(())
}

/// Whether the browser carries a session cookie (cheap, for the header's "my account" link;
/// handlers that need the account use [`UserSession`]).
pub fn has_session_cookie(req: &Request<'_>) -> bool {
    req.cookies().get_private(SESSION_COOKIE).is_some()
}

/// A signed-in user. As a guard it fails with 401, which the catcher turns into a redirect to
/// the sign-in page (HTML) or a JSON error (API).
#[derive(Debug, Clone)]
pub struct UserSession {
    pub user: SessionUser,
    pub token_hash: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for UserSession {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let cached = req
            .local_cache_async(async {
                let cookie = req.cookies().get_private(SESSION_COOKIE)?;
                let digest = token::digest(cookie.value());
                let db = req.rocket().state::<Db>()?;
                let lookup = digest.clone();
                let user = db
                    .read(move |c| sessions::find_user(c, &lookup, SessionKind::Passenger))
                    .await
                    .ok()??;
                if absolute_end(&user.created_at) <= Utc::now() {
                    let gone = digest.clone();
                    let _ = db.write(move |tx| sessions::delete(tx, &gone)).await;
                    return None;
                }
                let stale =
                    chrono::DateTime::parse_from_rfc3339(&user.last_seen_at).map_or(true, |t| {
                        Utc::now().signed_duration_since(t)
                            > chrono::Duration::minutes(TOUCH_EVERY_MINUTES)
                    });
                if stale {
                    let touch = digest.clone();
                    let until = slid_expiry(&user.created_at);
                    let _ = db
                        .write(move |tx| sessions::touch(tx, &touch, &until))
                        .await;
                }
                Some(UserSession {
                    user,
                    token_hash: digest,
                })
            })
            .await;
        match cached {
            Some(session) => Outcome::Success(session.clone()),
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}
