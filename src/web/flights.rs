//! Flight JSON for the claim wizard:
//!
//! * `GET /api/v1/flights/<number>/<date>` — scheduled and actual times of one flight (`api`
//!   rate-limit class). 200 with a [`FlightStatus`]; 400 for a bad number or date; 404 when the
//!   provider does not know the flight; 503 with a translated message when the feature is off
//!   or the provider fails (plus `Retry-After` while it rate-limits us). Never a 500: the
//!   wizard then lets the passenger type the times.
//! * `GET /api/v1/flight-numbers/<input>` — the normalised number and its airline's name, with a
//!   warning for an airline code we do not know (`typing` class: called as the passenger types).

use chrono::{Days, NaiveDate};
use rocket::http::{Header, Status};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Request, State, get};
use serde::Serialize;

use super::api_error::ApiError;
use crate::flights::numbers::describe;
use crate::flights::{FlightStatus, FlightStatusService, LookupError};
use crate::i18n::{self, Locale};
use crate::ratelimit::{Api, RateLimit, Typing};

/// Oldest departure date accepted, in days before today: the longest limitation period
/// (6 years, England and Wales) plus a margin.
const MAX_AGE_DAYS: u64 = 7 * 366;
/// Latest departure date accepted, in days after today.
const MAX_AHEAD_DAYS: u64 = 366;

/// A JSON body with its own `Cache-Control`.
#[derive(rocket::Responder)]
pub struct CachedJson<T> {
    body: Json<T>,
    cache: Header<'static>,
}

impl<T> CachedJson<T> {
    fn new(body: T, cache_control: &'static str) -> Self {
        CachedJson {
            body: Json(body),
            cache: Header::new("Cache-Control", cache_control),
        }
    }
}

/// An [`ApiError`] that may ask the client to wait (`Retry-After`, seconds).
#[derive(Debug)]
pub struct FlightApiError {
    pub error: ApiError,
    pub retry_after: Option<u64>,
}

impl From<ApiError> for FlightApiError {
    fn from(error: ApiError) -> Self {
        FlightApiError {
            error,
            retry_after: None,
        }
    }
}

impl<'r> Responder<'r, 'static> for FlightApiError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut response = self.error.respond_to(req)?;
        if let Some(secs) = self.retry_after {
            response.set_raw_header("Retry-After", secs.to_string());
        }
        Ok(response)
    }
}

fn lang_of(lang: Option<&str>, locale: Locale) -> &'static str {
    lang.and_then(Locale::from_tag).unwrap_or(locale).as_str()
}

fn unavailable(code: &'static str, message: String) -> ApiError {
    ApiError {
        status: Status::ServiceUnavailable,
        code,
        field: None,
        message,
    }
}

/// Parses `YYYY-MM-DD` within the accepted window around `today`.
pub fn parse_date(text: &str, today: NaiveDate, lang: &str) -> Result<NaiveDate, ApiError> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        let message = i18n::translate(lang, "flights.api.error.date", &[]);
        ApiError::bad_request("invalid_date", "date", message)
    })?;
    let oldest = today.checked_sub_days(Days::new(MAX_AGE_DAYS));
    let latest = today.checked_add_days(Days::new(MAX_AHEAD_DAYS));
    if oldest.is_some_and(|d| date < d) || latest.is_some_and(|d| date > d) {
        let message = i18n::translate(lang, "flights.api.error.date_range", &[]);
        return Err(ApiError::bad_request("date_out_of_range", "date", message));
    }
    Ok(date)
}

#[get("/api/v1/flights/<number>/<date>?<lang>")]
pub async fn get_flight_status_json(
    number: &str,
    date: &str,
    lang: Option<&str>,
    locale: Locale,
    _quota: RateLimit<Api>,
    flights: &State<FlightStatusService>,
) -> Result<CachedJson<FlightStatus>, FlightApiError> {
    let lang = lang_of(lang, locale);
    let flight = describe(number).map_err(|e| {
        let message = i18n::translate(lang, e.message_key(), &[]);
        ApiError::bad_request("invalid_flight_number", "number", message)
    })?;
    let date = parse_date(date, chrono::Utc::now().date_naive(), lang)?;
    match flights.lookup(&flight.number, date).await {
        Ok(Some(status)) => {
            let mut status = (*status).clone();
            if status.airline_name.is_none() {
                status.airline_name = flight.airline_name.map(str::to_string);
            }
            Ok(CachedJson::new(status, "private, max-age=300"))
        }
        Ok(None) => {
            let (number, date) = (flight.number.to_string(), date.to_string());
            let message = i18n::translate(
                lang,
                "flights.api.error.not_found",
                &[("number", &number), ("date", &date)],
            );
            Err(ApiError::not_found(message).into())
        }
        Err(LookupError::Disabled) => {
            let message = i18n::translate(lang, "flights.api.error.disabled", &[]);
            Err(unavailable("flight_status_disabled", message).into())
        }
        Err(err) => {
            let retry_after = match err {
                LookupError::RateLimited { retry_after } => Some(retry_after.as_secs().max(1)),
                _ => None,
            };
            let message = i18n::translate(lang, "flights.api.error.unavailable", &[]);
            Err(FlightApiError {
                error: unavailable("flight_status_unavailable", message),
                retry_after,
            })
        }
    }
}

/// Answer of `GET /api/v1/flight-numbers/<input>`.
#[derive(Debug, Serialize)]
pub struct FlightNumberJson {
    pub normalised: String,
    pub carrier: String,
    pub airline_name: Option<&'static str>,
    /// Translated, for an airline designator the reference data does not know.
    pub warning: Option<String>,
}

#[get("/api/v1/flight-numbers/<input>?<lang>")]
pub fn get_flight_number_json(
    input: &str,
    lang: Option<&str>,
    locale: Locale,
    _quota: RateLimit<Typing>,
) -> Result<CachedJson<FlightNumberJson>, ApiError> {
    let lang = lang_of(lang, locale);
    let flight = describe(input).map_err(|e| {
        let message = i18n::translate(lang, e.message_key(), &[]);
        ApiError::bad_request("invalid_flight_number", "input", message)
    })?;
    let carrier = flight.number.carrier.clone();
    let warning = flight.airline_name.is_none().then(|| {
        i18n::translate(
            lang,
            "flights.number.warning.unknown_airline",
            &[("carrier", &carrier)],
        )
    });
    Ok(CachedJson::new(
        FlightNumberJson {
            normalised: flight.number.to_string(),
            carrier,
            airline_name: flight.airline_name,
            warning,
        },
        "public, max-age=3600",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        let today: NaiveDate = "2026-01-15".parse().unwrap();
        assert!(parse_date("2025-12-24", today, "fr").is_ok());
        assert_eq!(
            parse_date("24/12/2025", today, "fr").unwrap_err().code,
            "invalid_date"
        );
        for far in ["2010-01-01", "2030-01-01"] {
            assert_eq!(
                parse_date(far, today, "en").unwrap_err().code,
                "date_out_of_range"
            );
        }
    }
}
