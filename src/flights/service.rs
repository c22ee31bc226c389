//! [`FlightStatusService`]: the provider behind an in-process cache and a 429 back-off.
//!
//! # Cache
//!
//! A moka cache keyed by (flight number, date), whose time-to-live depends on the answer
//! ([`ttl`]):
//!
//! * found, departure date two or more days before today (UTC): [`SETTLED_TTL`] (30 days):
//!   the flight has landed and its times will not change any more;
//! * found, from yesterday to tomorrow: [`LIVE_TTL`] (5 minutes): it may be in the air;
//! * found, further in the future: [`SCHEDULE_TTL`] (1 hour): only the schedule is known;
//! * not found: [`NOT_FOUND_TTL`] (10 minutes): a typo is likely, but data may still arrive.
//!
//! Errors are never cached. "Today" is the UTC date; the one-day margin on each side absorbs
//! the time zones.
//!
//! # Back-off
//!
//! After a 429 the service does not call the provider again before the `Retry-After` delay has
//! passed: every lookup meanwhile fails at once with [`LookupError::RateLimited`] (cache hits
//! are still served). Concurrent misses for the same key are not coalesced: the wizard asks for
//! one flight once, and a double request costs one extra call, not an outage.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use moka::Expiry;
use moka::sync::Cache;

use super::aerodatabox::AeroDataBox;
use super::{AERODATABOX, FlightNumber, FlightStatus, FlightStatusProvider, LookupError};
use crate::config::{AppConfig, ConfigError};

pub const SETTLED_TTL: Duration = Duration::from_hours(24 * 30);
pub const LIVE_TTL: Duration = Duration::from_mins(5);
pub const SCHEDULE_TTL: Duration = Duration::from_hours(1);
pub const NOT_FOUND_TTL: Duration = Duration::from_mins(10);
/// Most cached answers (a few KB each).
const CACHE_ENTRIES: u64 = 20_000;

type Key = (FlightNumber, NaiveDate);

#[derive(Clone)]
struct Cached {
    status: Option<Arc<FlightStatus>>,
    ttl: Duration,
}

/// Each entry lives as long as its own `ttl` says.
struct PerEntry;

impl Expiry<Key, Cached> for PerEntry {
    fn expire_after_create(&self, _key: &Key, value: &Cached, _at: Instant) -> Option<Duration> {
        Some(value.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &Key,
        value: &Cached,
        _at: Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// How long an answer about a flight on `date` stays cached, seen on `today`.
pub fn ttl(date: NaiveDate, today: NaiveDate, found: bool) -> Duration {
    if !found {
        return NOT_FOUND_TTL;
    }
    match (today - date).num_days() {
        2.. => SETTLED_TTL,
        -1..=1 => LIVE_TTL,
        _ => SCHEDULE_TTL,
    }
}

/// Flight status lookups for the whole application (held in Rocket's managed state).
pub struct FlightStatusService {
    provider: Option<Arc<dyn FlightStatusProvider>>,
    cache: Cache<Key, Cached>,
    blocked_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for FlightStatusService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlightStatusService")
            .field("provider", &self.provider.as_ref().map(|p| p.name()))
            .field("cached", &self.cache.entry_count())
            .finish_non_exhaustive()
    }
}

impl FlightStatusService {
    /// A service over `provider`.
    pub fn new(provider: Arc<dyn FlightStatusProvider>) -> FlightStatusService {
        Self::with(Some(provider))
    }

    /// The feature turned off: every lookup is [`LookupError::Disabled`].
    pub fn disabled() -> FlightStatusService {
        Self::with(None)
    }

    fn with(provider: Option<Arc<dyn FlightStatusProvider>>) -> FlightStatusService {
        FlightStatusService {
            provider,
            cache: Cache::builder()
                .max_capacity(CACHE_ENTRIES)
                .expire_after(PerEntry)
                .build(),
            blocked_until: Mutex::new(None),
        }
    }

    /// The provider `flight_status_*` configure, or [`disabled`](Self::disabled) without one.
    pub fn from_config(cfg: &AppConfig) -> Result<FlightStatusService, ConfigError> {
        let key = cfg.flight_status_api_key.as_ref().filter(|k| !k.is_empty());
        match (cfg.flight_status_provider.as_deref(), key) {
            (Some(AERODATABOX), Some(key)) => {
                let provider = AeroDataBox::new(
                    cfg.flight_status_base_url.as_deref(),
                    key,
                    Duration::from_millis(cfg.flight_status_timeout_ms),
                )
                .map_err(|e| {
                    ConfigError(format!(
                        "flight status provider: {e}. Fix: check flight_status_base_url (FLIGHTCLAIM_FLIGHT_STATUS_BASE_URL) and flight_status_api_key"
                    ))
                })?;
                Ok(Self::new(Arc::new(provider)))
            }
            _ => Ok(Self::disabled()),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.provider.is_some()
    }

    /// The status of `flight` departing on `date`: from the cache, else from the provider.
    /// `Ok(None)`: the provider does not know this flight.
    pub async fn lookup(
        &self,
        flight: &FlightNumber,
        date: NaiveDate,
    ) -> Result<Option<Arc<FlightStatus>>, LookupError> {
        let Some(provider) = &self.provider else {
            return Err(LookupError::Disabled);
        };
        let key = (flight.clone(), date);
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit.status);
        }
        if let Some(retry_after) = self.backing_off() {
            return Err(LookupError::RateLimited { retry_after });
        }
        match provider.lookup(flight, date).await {
            Ok(status) => {
                let today = chrono::Utc::now().date_naive();
                let status = status.map(Arc::new);
                let ttl = ttl(date, today, status.is_some());
                self.cache.insert(
                    key,
                    Cached {
                        status: status.clone(),
                        ttl,
                    },
                );
                Ok(status)
            }
            Err(err) => {
                if let LookupError::RateLimited { retry_after } = &err {
                    self.back_off(*retry_after);
                }
                if matches!(err, LookupError::Unauthorized(_)) {
                    tracing::error!(provider = provider.name(), error = %err, "flight status lookup failed: check flight_status_api_key");
                } else {
                    tracing::warn!(provider = provider.name(), %flight, %date, error = %err, "flight status lookup failed");
                }
                Err(err)
            }
        }
    }

    fn backing_off(&self) -> Option<Duration> {
        let mut blocked = self
            .blocked_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = (*blocked)?;
        let left = until.checked_duration_since(Instant::now());
        if left.is_none() {
            *blocked = None;
        }
        left
    }

    fn back_off(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut blocked = self
            .blocked_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if blocked.is_none_or(|current| current < until) {
            *blocked = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn ttl_by_age() {
        let today = d("2024-03-10");
        for (date, found, want) in [
            ("2024-03-01", true, SETTLED_TTL),
            ("2024-03-08", true, SETTLED_TTL),
            ("2024-03-09", true, LIVE_TTL),
            ("2024-03-10", true, LIVE_TTL),
            ("2024-03-11", true, LIVE_TTL),
            ("2024-03-12", true, SCHEDULE_TTL),
            ("2024-03-01", false, NOT_FOUND_TTL),
            ("2024-03-10", false, NOT_FOUND_TTL),
        ] {
            assert_eq!(ttl(d(date), today, found), want, "{date} {found}");
        }
    }

    #[test]
    fn back_off_keeps_the_longest_wait() {
        let service = FlightStatusService::disabled();
        assert!(service.backing_off().is_none());
        service.back_off(Duration::from_secs(30));
        service.back_off(Duration::from_secs(5));
        assert!(service.backing_off().unwrap() > Duration::from_secs(25));
    }
}
