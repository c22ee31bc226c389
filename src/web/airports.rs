//! Airport autocomplete JSON: `GET /api/v1/airports/search?q=&limit=` and
//! `GET /api/v1/airports/<IATA>`. Thin: validation here, matching in `search::airports`.

use std::sync::Arc;

use rocket::http::Header;
use rocket::serde::json::Json;
use rocket::{Responder, State, get};

use super::api_error::ApiError;
use crate::i18n::{self, Locale};
use crate::ratelimit::{RateLimit, Typing};
use crate::search::airports::{AirportIndex, MAX_QUERY_CHARS, Suggestion};

/// Largest `limit` the API accepts.
pub const MAX_API_LIMIT: usize = 20;
const DEFAULT_LIMIT: usize = 8;

/// A JSON body that browsers and proxies may cache for an hour: airports rarely move.
#[derive(Responder)]
pub struct Cacheable<T> {
    body: Json<T>,
    cache: Header<'static>,
}

impl<T> Cacheable<T> {
    fn new(body: T) -> Self {
        Cacheable {
            body: Json(body),
            cache: Header::new("Cache-Control", "public, max-age=3600"),
        }
    }
}

fn lang_of(lang: Option<&str>, locale: Locale) -> &'static str {
    lang.and_then(Locale::from_tag).unwrap_or(locale).as_str()
}

/// Checks `q` and `limit` as typed by a client; errors name the parameter.
pub fn validate_query(
    q: Option<&str>,
    limit: Option<&str>,
    lang: &str,
) -> Result<(String, usize), ApiError> {
    let q = q.unwrap_or("");
    if q.chars().count() > MAX_QUERY_CHARS {
        let max = MAX_QUERY_CHARS.to_string();
        let message = i18n::translate(lang, "api.error.query_too_long", &[("max", &max)]);
        return Err(ApiError::bad_request("query_too_long", "q", message));
    }
    if q.chars().any(char::is_control) {
        let message = i18n::translate(lang, "api.error.query_control_chars", &[]);
        return Err(ApiError::bad_request("invalid_query", "q", message));
    }
    let limit = match limit {
        None | Some("") => DEFAULT_LIMIT,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_API_LIMIT).contains(&n) => n,
            _ => {
                let max = MAX_API_LIMIT.to_string();
                let message = i18n::translate(lang, "api.error.limit_range", &[("max", &max)]);
                return Err(ApiError::bad_request("invalid_limit", "limit", message));
            }
        },
    };
    Ok((q.to_string(), limit))
}

#[get("/api/v1/airports/search?<q>&<limit>&<lang>")]
pub fn get_airport_search_json(
    q: Option<&str>,
    limit: Option<&str>,
    lang: Option<&str>,
    locale: Locale,
    _quota: RateLimit<Typing>,
    index: &State<Arc<AirportIndex>>,
) -> Result<Cacheable<Vec<Suggestion>>, ApiError> {
    let lang = lang_of(lang, locale);
    let (q, limit) = validate_query(q, limit, lang)?;
    Ok(Cacheable::new(index.suggest(&q, lang, limit)))
}

#[get("/api/v1/airports/<code>?<lang>", rank = 2)]
pub fn get_airport_json(
    code: &str,
    lang: Option<&str>,
    locale: Locale,
    _quota: RateLimit<Typing>,
    index: &State<Arc<AirportIndex>>,
) -> Result<Cacheable<Suggestion>, ApiError> {
    let lang = lang_of(lang, locale);
    let valid = code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic());
    valid
        .then(|| index.get(code, lang))
        .flatten()
        .map(Cacheable::new)
        .ok_or_else(|| {
            ApiError::not_found(i18n::translate(
                lang,
                "api.error.airport_not_found",
                &[("code", code)],
            ))
        })
}
