//! Airport autocomplete JSON: `GET /api/v1/airports/search?q=&limit=` and
//! `GET /api/v1/airports/<IATA>`. Thin: validation here, matching in `search::airports`.
//! Search answers are kept, already serialized, in a small in-process cache
//! ([`SearchCache`]): autocomplete prefixes repeat a lot across users and the index is
//! read-only, so a cached answer never goes stale within a process.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use rocket::http::Header;
use rocket::response::content::RawJson;
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

/// The same, for a body that is already JSON text (a [`SearchCache`] hit or miss).
#[derive(Responder)]
pub struct CacheableRaw {
    body: RawJson<String>,
    cache: Header<'static>,
}

/// Recent search answers: `(normalised query, lang, limit)` → serialized JSON. Bounded in
/// entries and time; validation and the rate limit run before it is consulted.
pub struct SearchCache {
    entries: Cache<(String, &'static str, usize), Arc<str>>,
}

impl SearchCache {
    /// Entries kept at most (a few hundred bytes each: about 5 MB when full).
    pub const CAPACITY: u64 = 10_000;
    /// Time an entry lives; only bounds memory, the index never changes in a process.
    pub const TTL: Duration = Duration::from_mins(10);

    pub fn new() -> Self {
        SearchCache {
            entries: Cache::builder()
                .max_capacity(Self::CAPACITY)
                .time_to_live(Self::TTL)
                .build(),
        }
    }

    /// The JSON answer for an already validated query, from the cache or from the index.
    pub fn search_json(
        &self,
        index: &AirportIndex,
        q: &str,
        lang: &'static str,
        limit: usize,
    ) -> Arc<str> {
        let key = (AirportIndex::query_key(q), lang, limit);
        self.entries.get_with(key, || {
            let hits = index.suggest(q, lang, limit);
            serde_json::to_string(&hits)
                .unwrap_or_else(|_| "[]".to_owned())
                .into()
        })
    }

    /// Whether an answer for this query is cached (tests).
    pub fn contains(&self, q: &str, lang: &'static str, limit: usize) -> bool {
        self.entries
            .contains_key(&(AirportIndex::query_key(q), lang, limit))
    }
}

impl Default for SearchCache {
    fn default() -> Self {
        Self::new()
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
    cache: &State<SearchCache>,
) -> Result<CacheableRaw, ApiError> {
    let lang = lang_of(lang, locale);
    let (q, limit) = validate_query(q, limit, lang)?;
    let body = cache.search_json(index, &q, lang, limit);
    Ok(CacheableRaw {
        body: RawJson(body.to_string()),
        cache: Header::new("Cache-Control", "public, max-age=3600"),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_answer_equals_the_uncached_one() {
        let index = crate::app::airport_index();
        let cache = SearchCache::new();
        for (q, lang, limit) in [
            ("nice", "fr", 8),
            ("Paris", "en", 5),
            ("char", "fr", 20),
            ("zürich", "en", 8),
            ("", "fr", 8),
            ("qqqqzzzz", "en", 3),
        ] {
            let uncached = serde_json::to_string(&index.suggest(q, lang, limit)).expect("json");
            assert!(!cache.contains(q, lang, limit), "{q}");
            let first = cache.search_json(&index, q, lang, limit);
            assert!(cache.contains(q, lang, limit), "{q}");
            let second = cache.search_json(&index, q, lang, limit);
            assert_eq!(&*first, uncached, "{q} {lang} {limit}");
            assert_eq!(&*second, uncached, "{q} {lang} {limit}");
        }
        // Queries that fold to the same words share one entry, and the same answer.
        let hit = cache.search_json(&index, "  NICE ", "fr", 8);
        assert_eq!(
            &*hit,
            serde_json::to_string(&index.suggest("  NICE ", "fr", 8)).expect("json")
        );
        // Language and limit are part of the key.
        assert!(!cache.contains("nice", "en", 8) && !cache.contains("nice", "fr", 7));
    }
}
