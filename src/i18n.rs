//! Languages: per-request negotiation and translation with an explicit locale.
//!
//! `rust_i18n::set_locale` is process-global, so it is never called per request: the [`Locale`]
//! guard resolves `?lang=` (which also sets a cookie) → the `lang` cookie → `Accept-Language` →
//! French, and every lookup passes that locale explicitly.

use std::borrow::Cow;

use rocket::http::{Cookie, SameSite};
use rocket::request::{FromRequest, Outcome, Request};

/// Languages with a complete translation, default first.
pub const SUPPORTED: &[&str] = &["fr", "en"];
pub const DEFAULT: &str = "fr";
/// Name of the cookie that remembers the chosen language.
pub const COOKIE: &str = "lang";

/// The language of the current request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale(pub &'static str);

impl Locale {
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// A supported locale from a tag such as `en-GB` or `FR`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        SUPPORTED.iter().find(|l| **l == primary).map(|l| Locale(l))
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (index, part) in header.split(',').take(32).enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("");
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 || !q.is_finite() {
                continue;
            }
            if let Some(locale) = Locale::from_tag(tag) {
                let better = best.is_none_or(|(bq, _, _)| q > bq);
                if better {
                    best = Some((q, index, locale));
                }
            }
        }
        best.map(|(_, _, l)| l)
    }
}

impl Default for Locale {
    fn default() -> Self {
        Locale(DEFAULT)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Locale {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(*req.local_cache(|| negotiate(req)))
    }
}

/// Resolves the request's locale; `?lang=` also stores the choice in a cookie.
pub fn negotiate(req: &Request<'_>) -> Locale {
    if let Some(Ok(tag)) = req.query_value::<&str>("lang")
        && let Some(locale) = Locale::from_tag(tag)
    {
        {
            let secure = req
                .rocket()
                .state::<crate::config::AppConfig>()
                .is_some_and(crate::config::AppConfig::is_https);
            let cookie = Cookie::build((COOKIE, locale.as_str()))
                .path("/")
                .same_site(SameSite::Lax)
                .http_only(true)
                .secure(secure)
                .max_age(rocket::time::Duration::days(365));
            req.cookies().add(cookie);
            return locale;
        }
    }
    if let Some(locale) = req
        .cookies()
        .get(COOKIE)
        .and_then(|c| Locale::from_tag(c.value()))
    {
        return locale;
    }
    req.headers()
        .get_one("Accept-Language")
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}

/// The translation of `key` in `locale`, or `None` when the key does not exist.
pub fn lookup(locale: &str, key: &str) -> Option<Cow<'static, str>> {
    crate::_rust_i18n_try_translate(locale, key)
}

/// The translation of `key`, with `%{name}` placeholders replaced; the key itself when missing
/// (and a warning in the log, since a test guarantees every key exists).
pub fn translate(locale: &str, key: &str, args: &[(&str, &str)]) -> String {
    let Some(text) = lookup(locale, key) else {
        tracing::warn!(key, locale, "missing translation");
        return key.to_string();
    };
    interpolate(&text, args)
}

/// A date as people read it: "24 Oct 2020", "24 oct. 2020" (words and order from
/// `locales/app.*.yml`).
pub fn date_words(d: chrono::NaiveDate, lang: &str) -> String {
    use chrono::Datelike;
    let month = translate(lang, &format!("app.month.{}", d.month()), &[]);
    let (day, year) = (d.day().to_string(), d.year().to_string());
    translate(
        lang,
        "app.date",
        &[("day", &day), ("month", &month), ("year", &year)],
    )
}

/// Replaces `%{name}` by the value of `name`.
pub fn interpolate(text: &str, args: &[(&str, &str)]) -> String {
    if args.is_empty() || !text.contains("%{") {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (name, value) in args {
        out = out.replace(&format!("%{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_negotiation() {
        let cases = [
            ("en-GB,en;q=0.9", Some("en")),
            ("de-DE,de;q=0.9,en;q=0.8,fr;q=0.7", Some("en")),
            ("de;q=1, fr;q=0.5, en;q=0.4", Some("fr")),
            ("en;q=0, fr;q=0.1", Some("fr")),
            ("de, it", None),
            ("", None),
            (";;;,,q=abc", None),
            ("FR-ca", Some("fr")),
        ];
        for (header, want) in cases {
            assert_eq!(
                Locale::from_accept_language(header).map(Locale::as_str),
                want,
                "{header}"
            );
        }
    }

    #[test]
    fn interpolation() {
        assert_eq!(
            interpolate("%{n} results for %{q}", &[("n", "3"), ("q", "cdg")]),
            "3 results for cdg"
        );
        assert_eq!(
            interpolate("no placeholder", &[("n", "3")]),
            "no placeholder"
        );
    }

    #[test]
    fn lookup_works_in_both_languages() {
        assert_eq!(lookup("fr", "app.name").as_deref(), Some("FlightClaim"));
        assert!(lookup("en", "home.title").is_some());
        assert!(lookup("en", "no.such.key").is_none());
    }
}
