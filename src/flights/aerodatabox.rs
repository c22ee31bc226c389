//! AeroDataBox flight status over HTTP: `GET /flights/number/{number}/{dateLocal}`.
//!
//! # Why AeroDataBox
//!
//! Of the two public APIs considered (AeroDataBox, AviationStack), AeroDataBox answers one
//! flight on one *local* date with both scheduled and actual (gate and runway) times, each in
//! local time with the airport's offset and in UTC; its key travels in a header, not in the URL
//! (AviationStack's `access_key=` query parameter ends up in proxy logs), and its free and small
//! plans include historical dates, which is what claims are about (flights up to a few years old).
//!
//! # Request
//!
//! `GET {base}/flights/number/AF1234/2024-03-01?dateLocalRole=Departure&withAircraftImage=false&withLocation=false`
//! with `X-RapidAPI-Key` (RapidAPI, the default base `https://aerodatabox.p.rapidapi.com`,
//! plus `X-RapidAPI-Host`) or `x-api-market-key` when the base URL is API.market's
//! (`https://prod.api.market/api/v1/aedbx/aerodatabox`). `dateLocalRole=Departure` because a
//! flight number and its departure date are what a boarding pass shows.
//!
//! # Answer (AeroDataBox OpenAPI 1.x, `FlightContract`)
//!
//! 200 with a JSON array of flights (one per leg); 204 (or 404) when nothing is known. Per leg:
//! `number`, `status` (`Expected`, `CheckIn`, `Boarding`, `GateClosed`, `Departed`, `EnRoute`,
//! `Approaching`, `Delayed`, `Arrived`, `Canceled`, `Diverted`, `CanceledUncertain`, `Unknown`),
//! `airline.name`, and `departure`/`arrival` movements: `airport{iata,icao,name}`,
//! `scheduledTime`, `revisedTime` (actual or estimated gate time), `runwayTime`, each
//! `{"utc": "2024-03-01 06:55Z", "local": "2024-03-01 07:55+01:00"}`. We keep the leg that
//! departs on the asked date (the first one when several do). Other fields are ignored.
//!
//! Status mapping to [`LookupError`]: 204/404 → `Ok(None)`; 429 → `RateLimited` with
//! `Retry-After` (seconds; 60 s when absent or a date, capped at an hour); 401/403 →
//! `Unauthorized`; any other non-2xx → `Upstream`; a body that is not that JSON → `Malformed`;
//! no answer within the timeout → `Timeout`.

// Product names (AeroDataBox, RapidAPI, OpenAPI) are prose here, not code.
#![allow(clippy::doc_markdown)]

use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Deserialize;

use super::{FlightNumber, FlightState, FlightStatus, FlightStatusProvider, LookupError, Movement};
use crate::config::Secret;

/// RapidAPI's endpoint, used when `flight_status_base_url` is unset.
pub const DEFAULT_BASE_URL: &str = "https://aerodatabox.p.rapidapi.com";
/// Wait after a 429 without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_mins(1);
/// Longest back-off we accept from a `Retry-After`.
const MAX_RETRY_AFTER: Duration = Duration::from_hours(1);
/// A flight answer is a few KB; anything much larger is not one.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The AeroDataBox client. Cheap to share: `reqwest::Client` pools connections.
pub struct AeroDataBox {
    client: reqwest::Client,
    base_url: String,
    headers: HeaderMap,
    timeout: Duration,
}

impl AeroDataBox {
    /// A client for `base_url` (trailing `/` allowed) with `api_key`; every request, body
    /// included, is abandoned after `timeout`.
    pub fn new(
        base_url: Option<&str>,
        api_key: &Secret,
        timeout: Duration,
    ) -> Result<AeroDataBox, String> {
        let base_url = base_url
            .unwrap_or(DEFAULT_BASE_URL)
            .trim_end_matches('/')
            .to_string();
        let host = reqwest::Url::parse(&base_url)
            .map_err(|e| format!("invalid base URL {base_url}: {e}"))?
            .host_str()
            .unwrap_or_default()
            .to_string();
        let mut key =
            HeaderValue::from_str(api_key.expose()).map_err(|_| "the API key is not ASCII")?;
        key.set_sensitive(true);
        let mut headers = HeaderMap::new();
        if host.ends_with("api.market") {
            headers.insert("x-api-market-key", key);
        } else {
            headers.insert("x-rapidapi-key", key);
            if host.ends_with("rapidapi.com")
                && let Ok(value) = HeaderValue::from_str(&host)
            {
                headers.insert("x-rapidapi-host", value);
            }
        }
        headers.insert("accept", HeaderValue::from_static("application/json"));
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("flightclaim/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(AeroDataBox {
            client,
            base_url,
            headers,
            timeout,
        })
    }

    fn url(&self, flight: &FlightNumber, date: NaiveDate) -> String {
        format!(
            "{}/flights/number/{flight}/{}?dateLocalRole=Departure&withAircraftImage=false&withLocation=false",
            self.base_url,
            date.format("%Y-%m-%d")
        )
    }

    fn transport_error(&self, err: reqwest::Error) -> LookupError {
        if err.is_timeout() {
            LookupError::Timeout(self.timeout)
        } else if err.is_decode() || err.is_body() {
            LookupError::Malformed(err.without_url().to_string())
        } else {
            LookupError::Network(err.without_url().to_string())
        }
    }
}

#[rocket::async_trait]
impl FlightStatusProvider for AeroDataBox {
    fn name(&self) -> &'static str {
        super::AERODATABOX
    }

    async fn lookup(
        &self,
        flight: &FlightNumber,
        date: NaiveDate,
    ) -> Result<Option<FlightStatus>, LookupError> {
        let response = self
            .client
            .get(self.url(flight, date))
            .headers(self.headers.clone())
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        let status = response.status();
        match status {
            StatusCode::OK => {}
            StatusCode::NO_CONTENT | StatusCode::NOT_FOUND => return Ok(None),
            StatusCode::TOO_MANY_REQUESTS => {
                return Err(LookupError::RateLimited {
                    retry_after: retry_after(response.headers()),
                });
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(LookupError::Unauthorized(status.as_u16()));
            }
            other => return Err(LookupError::Upstream(other.as_u16())),
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
        {
            return Err(LookupError::Malformed("answer too large".into()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(e))?;
        if body.len() > MAX_BODY_BYTES {
            return Err(LookupError::Malformed("answer too large".into()));
        }
        parse(&body, flight, date)
    }
}

/// The wait a 429 asks for: `Retry-After` in seconds, else [`DEFAULT_RETRY_AFTER`].
fn retry_after(headers: &HeaderMap) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_RETRY_AFTER, Duration::from_secs)
        .clamp(Duration::from_secs(1), MAX_RETRY_AFTER)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdbFlight {
    #[serde(default)]
    status: Option<String>,
    departure: Option<AdbMovement>,
    arrival: Option<AdbMovement>,
    airline: Option<AdbAirline>,
}

#[derive(Deserialize)]
struct AdbAirline {
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdbMovement {
    airport: Option<AdbAirport>,
    scheduled_time: Option<AdbTime>,
    revised_time: Option<AdbTime>,
    runway_time: Option<AdbTime>,
}

#[derive(Deserialize)]
struct AdbAirport {
    iata: Option<String>,
    icao: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct AdbTime {
    local: Option<String>,
}

/// Reads an AeroDataBox answer (a JSON array of legs) into the leg departing on `date`.
pub fn parse(
    body: &[u8],
    flight: &FlightNumber,
    date: NaiveDate,
) -> Result<Option<FlightStatus>, LookupError> {
    let legs: Vec<AdbFlight> =
        serde_json::from_slice(body).map_err(|e| LookupError::Malformed(e.to_string()))?;
    let legs: Vec<(FlightState, Option<String>, Movement, Movement)> = legs
        .into_iter()
        .map(|leg| {
            (
                state(leg.status.as_deref().unwrap_or("Unknown")),
                leg.airline.and_then(|a| a.name),
                movement(leg.departure),
                movement(leg.arrival),
            )
        })
        .collect();
    let departs_on_date = |dep: &Movement| dep.scheduled.is_some_and(|t| t.date_naive() == date);
    let chosen = legs
        .iter()
        .position(|(_, _, dep, _)| departs_on_date(dep))
        .or(if legs.is_empty() { None } else { Some(0) });
    let Some(index) = chosen else {
        return Ok(None);
    };
    let (status, airline_name, departure, arrival) = legs.into_iter().nth(index).expect("index");
    Ok(Some(FlightStatus {
        number: flight.to_string(),
        date,
        status,
        airline_name,
        arrival_delay_minutes: arrival.delay_minutes(),
        departure,
        arrival,
        source: super::AERODATABOX,
    }))
}

fn state(status: &str) -> FlightState {
    match status {
        "Expected" | "CheckIn" | "Boarding" | "GateClosed" => FlightState::Scheduled,
        "Delayed" => FlightState::Delayed,
        "Departed" | "EnRoute" | "Approaching" => FlightState::Departed,
        "Arrived" => FlightState::Landed,
        "Canceled" | "Cancelled" => FlightState::Cancelled,
        "Diverted" => FlightState::Diverted,
        // "CanceledUncertain", "Unknown" and anything new: let the passenger say.
        _ => FlightState::Unknown,
    }
}

fn movement(m: Option<AdbMovement>) -> Movement {
    let Some(m) = m else {
        return Movement {
            airport: None,
            icao: None,
            airport_name: None,
            scheduled: None,
            actual: None,
            runway: None,
        };
    };
    let time = |t: Option<AdbTime>| t.and_then(|t| t.local).and_then(|s| local_time(&s));
    let airport = m.airport;
    let code = |c: Option<String>| {
        c.map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
    };
    Movement {
        airport: code(airport.as_ref().and_then(|a| a.iata.clone())),
        icao: code(airport.as_ref().and_then(|a| a.icao.clone())),
        airport_name: airport.and_then(|a| a.name),
        scheduled: time(m.scheduled_time),
        actual: time(m.revised_time),
        runway: time(m.runway_time),
    }
}

/// `2024-03-01 07:55+01:00` (AeroDataBox's format) or RFC 3339.
fn local_time(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim().replacen(' ', "T", 1);
    DateTime::parse_from_rfc3339(&text)
        .or_else(|_| DateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M%:z"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::flight::parse_flight_number;

    const ANSWER: &str = r#"[{
        "number": "AF 1234", "status": "Arrived", "codeshareStatus": "IsOperator", "isCargo": false,
        "lastUpdatedUtc": "2024-03-01 12:00Z",
        "airline": {"name": "Air France", "iata": "AF", "icao": "AFR"},
        "departure": {"airport": {"iata": "CDG", "icao": "LFPG", "name": "Paris Charles de Gaulle"},
            "scheduledTime": {"utc": "2024-03-01 06:55Z", "local": "2024-03-01 07:55+01:00"},
            "revisedTime": {"utc": "2024-03-01 09:40Z", "local": "2024-03-01 10:40+01:00"},
            "runwayTime": {"utc": "2024-03-01 09:52Z", "local": "2024-03-01 10:52+01:00"},
            "quality": ["Basic", "Live"]},
        "arrival": {"airport": {"iata": "LIS", "icao": "LPPT", "name": "Lisbon"},
            "scheduledTime": {"utc": "2024-03-01 09:35Z", "local": "2024-03-01 09:35+00:00"},
            "revisedTime": {"utc": "2024-03-01 12:50Z", "local": "2024-03-01 12:50+00:00"},
            "quality": ["Basic", "Live"]}
    }]"#;

    fn af() -> FlightNumber {
        parse_flight_number("AF1234").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reads_a_landed_flight() {
        let status = parse(ANSWER.as_bytes(), &af(), day("2024-03-01"))
            .unwrap()
            .unwrap();
        assert_eq!(status.status, FlightState::Landed);
        assert_eq!(status.airline_name.as_deref(), Some("Air France"));
        assert_eq!(status.departure.airport.as_deref(), Some("CDG"));
        assert_eq!(
            status.departure.scheduled.unwrap().to_rfc3339(),
            "2024-03-01T07:55:00+01:00"
        );
        assert_eq!(status.arrival.airport.as_deref(), Some("LIS"));
        assert_eq!(status.arrival_delay_minutes, Some(195));
        assert_eq!(status.number, "AF1234");
    }

    #[test]
    fn empty_array_is_not_found_and_garbage_is_malformed() {
        assert_eq!(parse(b"[]", &af(), day("2024-03-01")), Ok(None));
        for bad in [
            &b"not json"[..],
            b"{\"message\": \"x\"}",
            b"[{\"status\": 3}]",
        ] {
            assert!(
                matches!(
                    parse(bad, &af(), day("2024-03-01")),
                    Err(LookupError::Malformed(_))
                ),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn statuses_and_times() {
        assert_eq!(state("Canceled"), FlightState::Cancelled);
        assert_eq!(state("EnRoute"), FlightState::Departed);
        assert_eq!(state("CanceledUncertain"), FlightState::Unknown);
        assert_eq!(state("Boarding"), FlightState::Scheduled);
        assert!(local_time("2024-03-01 07:55+01:00").is_some());
        assert!(local_time("2024-03-01T07:55:00-05:00").is_some());
        assert!(local_time("07:55").is_none());
    }

    #[test]
    fn retry_after_is_bounded() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), DEFAULT_RETRY_AFTER);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Duration::from_secs(7));
        h.insert(RETRY_AFTER, HeaderValue::from_static("999999"));
        assert_eq!(retry_after(&h), MAX_RETRY_AFTER);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), DEFAULT_RETRY_AFTER);
    }
}
