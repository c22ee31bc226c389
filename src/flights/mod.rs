//! Flight status: scheduled and actual times of one flight on one day, from a public flight-data
//! API, so that the claim wizard can pre-fill what the passenger would otherwise type.
//!
//! * [`FlightStatusProvider`] is the seam: one implementation per data source. The only one is
//!   [`aerodatabox::AeroDataBox`] (why: see its module doc).
//! * [`FlightStatusService`] is what the rest of the application uses (managed by Rocket, called
//!   by `web::flights` and, later, by the claim wizard server-side). It is *off* when no provider
//!   is configured, caches answers in process (TTL by the flight's age, see [`service`]) and
//!   backs off after a 429.
//! * Every failure is a [`LookupError`]: the caller falls back to manual entry; nothing here
//!   ever turns into a 500.
//! * [`numbers::describe`] normalises a typed flight number and names its airline from the
//!   embedded reference data (no network).

pub mod aerodatabox;
pub mod numbers;
pub mod service;

use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

pub use crate::domain::flight::FlightNumber;
pub use service::FlightStatusService;

/// `flight_status_provider` value selecting [`aerodatabox::AeroDataBox`].
pub const AERODATABOX: &str = "aerodatabox";

/// A source of flight status data.
#[rocket::async_trait]
pub trait FlightStatusProvider: Send + Sync {
    /// Short name shown in answers and logs (`aerodatabox`).
    fn name(&self) -> &'static str;

    /// The flight `flight` departing on `date` (local date at the departure airport):
    /// `Ok(None)` when the provider does not know it.
    async fn lookup(
        &self,
        flight: &FlightNumber,
        date: NaiveDate,
    ) -> Result<Option<FlightStatus>, LookupError>;
}

/// What happened to a flight, as far as the provider knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlightState {
    /// Not departed yet, on time as far as known (includes check-in, boarding).
    Scheduled,
    /// Not departed yet, announced late.
    Delayed,
    /// Took off, not landed yet.
    Departed,
    Landed,
    Cancelled,
    Diverted,
    /// The provider has no status (schedule data only), or an uncertain one.
    Unknown,
}

/// Departure or arrival of a flight. Times carry the airport's UTC offset, so they read as local
/// times (`2024-03-01T07:55:00+01:00`) and still compare correctly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    /// IATA code, when the provider gives one.
    pub airport: Option<String>,
    pub icao: Option<String>,
    pub airport_name: Option<String>,
    pub scheduled: Option<DateTime<FixedOffset>>,
    /// Best known actual time at the gate (off-block / in-block), else the estimate.
    pub actual: Option<DateTime<FixedOffset>>,
    /// Take-off or touch-down time on the runway.
    pub runway: Option<DateTime<FixedOffset>>,
}

impl Movement {
    /// Minutes between the scheduled and the actual (or, failing that, runway) time.
    pub fn delay_minutes(&self) -> Option<i64> {
        let actual = self.actual.or(self.runway)?;
        Some((actual - self.scheduled?).num_minutes())
    }
}

/// One flight on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlightStatus {
    /// Normalised designator (`AF1234`).
    pub number: String,
    /// Departure date (local), as asked.
    pub date: NaiveDate,
    pub status: FlightState,
    /// Airline name as the provider gives it.
    pub airline_name: Option<String>,
    pub departure: Movement,
    pub arrival: Movement,
    /// Arrival delay in minutes (negative when early), when both times are known.
    pub arrival_delay_minutes: Option<i64>,
    /// Which provider answered (`aerodatabox`).
    pub source: &'static str,
}

/// Why no status could be had. None of these is the passenger's fault or a server bug: the
/// web layer answers 503 and the passenger types the times.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// No provider configured.
    #[error("flight status lookups are disabled (no provider configured)")]
    Disabled,
    #[error("the flight-status provider did not answer within {0:?}")]
    Timeout(Duration),
    /// 429 from the provider, or still backing off after one.
    #[error("the flight-status provider rate-limits us; retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// 401/403: the API key is wrong or the plan does not cover this endpoint.
    #[error("the flight-status provider refused our API key (HTTP {0})")]
    Unauthorized(u16),
    /// 5xx or another unexpected status.
    #[error("the flight-status provider failed (HTTP {0})")]
    Upstream(u16),
    #[error("the flight-status provider sent an answer we cannot read: {0}")]
    Malformed(String),
    #[error("cannot reach the flight-status provider: {0}")]
    Network(String),
}
