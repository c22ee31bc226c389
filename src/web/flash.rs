//! One-shot messages across a redirect ("Your password was changed."): a translation key in an
//! encrypted cookie, read and removed when the next page renders.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::Request;

const FLASH_COOKIE: &str = "fc_flash";

/// Shows the message with translation key `key` on the next page.
pub fn set(cookies: &CookieJar<'_>, key: &'static str) {
    cookies.add_private(
        Cookie::build((FLASH_COOKIE, key))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax),
    );
}

/// The pending message's key, removed so it shows once.
pub fn take(req: &Request<'_>) -> Option<String> {
    let cookies = req.cookies();
    let key = cookies.get_private(FLASH_COOKIE)?.value().to_string();
    cookies.remove_private(Cookie::build(FLASH_COOKIE).path("/"));
    // Only our own keys are ever written; refuse anything else defensively.
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        .then_some(key)
}
