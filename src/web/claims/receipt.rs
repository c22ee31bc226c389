//! The receipt of a claim filed while signed out: the browser that filed it may open that one
//! claim's page (and its documents and mandates) for a while, without a session.
//!
//! The account made for such a claim is inert until its address is verified (issue #12): no
//! session is created for it except by the emailed link, since anyone may type anyone's
//! address into the wizard. The receipt only shows the filer what they typed themselves.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::time::Duration as CookieDuration;

/// Name of the receipt cookie (encrypted: its value, a claim reference, cannot be forged).
pub const RECEIPT_COOKIE: &str = "fc_receipt";
/// How long the filing browser keeps access to the claim without signing in.
pub const RECEIPT_HOURS: i64 = 24;

/// Gives this browser access to the claim it just filed.
pub fn grant(cookies: &CookieJar<'_>, claim_ref: &str, secure: bool) {
    cookies.add_private(
        Cookie::build((RECEIPT_COOKIE, claim_ref.to_string()))
            .path("/claims")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::hours(RECEIPT_HOURS)),
    );
}

/// Whether this browser filed the claim `claim_ref` (canonical form) recently.
pub fn holds(cookies: &CookieJar<'_>, claim_ref: &str) -> bool {
    cookies
        .get_private(RECEIPT_COOKIE)
        .is_some_and(|c| c.value() == claim_ref)
}

/// Forgets the receipt (at sign-out).
pub fn forget(cookies: &CookieJar<'_>) {
    cookies.remove_private(Cookie::build(RECEIPT_COOKIE).path("/claims"));
}
