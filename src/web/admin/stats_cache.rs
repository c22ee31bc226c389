//! Keeps the dashboard's heavy aggregates (medians, outcome sums, analytics over a date range)
//! in memory. At 100,000 claims one computation takes a few hundred milliseconds (debug build);
//! pages serve the kept value and, once it is older than [`REFRESH_AFTER`], recompute it in the
//! background, so only the very first request (or the first after [`FORGET_AFTER`] without any)
//! waits. Figures are therefore about a minute old at most while the page is in use. Cheap counts
//! (claims by status, "needs attention") are never kept.

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;
use rusqlite::Connection;

use crate::db::stats::{Money, Outcomes};
use crate::db::{Db, DbError};

/// A kept value older than this is recomputed in the background.
pub const REFRESH_AFTER: Duration = Duration::from_mins(1);
/// A value nobody asked for during this long is dropped.
pub const FORGET_AFTER: Duration = Duration::from_mins(10);

/// All-time money and outcomes, and median times over the recent window.
#[derive(Debug, Clone)]
pub struct Heavy {
    pub money: Vec<Money>,
    pub outcomes: Outcomes,
    pub median_answer_hours: Option<f64>,
    pub median_payment_days: Option<f64>,
}

struct Kept<T> {
    at: Instant,
    value: Arc<T>,
}

/// One kind of aggregate, by key.
pub struct Slot<K, T> {
    cache: Cache<K, Arc<Kept<T>>>,
    refreshing: Arc<Mutex<HashSet<K>>>,
}

impl<K, T> Slot<K, T>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    fn new(capacity: u64) -> Slot<K, T> {
        Slot {
            cache: Cache::builder()
                .time_to_idle(FORGET_AFTER)
                .max_capacity(capacity)
                .build(),
            refreshing: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    /// The kept value for `key` (refreshed in the background when old), or `compute` now.
    pub async fn get<F>(&self, key: K, db: &Db, compute: F) -> Result<Arc<T>, DbError>
    where
        F: Fn(&Connection) -> Result<T, DbError> + Send + Sync + Clone + 'static,
    {
        if let Some(kept) = self.cache.get(&key) {
            let start = kept.at.elapsed() > REFRESH_AFTER
                && self
                    .refreshing
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(key.clone());
            if start {
                let (cache, refreshing, db) =
                    (self.cache.clone(), Arc::clone(&self.refreshing), db.clone());
                tokio::spawn(async move {
                    let at = Instant::now();
                    if let Ok(value) = db.read(compute).await {
                        let value = Arc::new(value);
                        cache.insert(key.clone(), Arc::new(Kept { at, value }));
                    }
                    refreshing
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .remove(&key);
                });
            }
            return Ok(Arc::clone(&kept.value));
        }
        let at = Instant::now();
        let value = Arc::new(db.read(compute).await?);
        self.cache.insert(
            key,
            Arc::new(Kept {
                at,
                value: Arc::clone(&value),
            }),
        );
        Ok(value)
    }
}

/// Managed state: one slot per kind of aggregate.
pub struct StatsCache {
    pub overview: Slot<(), Heavy>,
    pub analytics: Slot<(String, String), super::analytics::AnalyticsData>,
    /// Every airline's figures (`/admin/airlines`).
    pub airlines: Slot<(), Vec<crate::domain::airline_stats::AirlineFigures>>,
    /// One airline's figures (`/admin/airlines/<IATA>`), by code (`None`: no claims).
    pub airline: Slot<String, Option<crate::domain::airline_stats::AirlineFigures>>,
    /// The median days per claim stage (`db::stats::stage_medians`, the passenger's "what
    /// happens next"), by the number of closed claims: a claim that ends recomputes it.
    pub stage_medians: Slot<i64, std::collections::BTreeMap<String, (f64, usize)>>,
}

impl StatsCache {
    pub fn new() -> StatsCache {
        StatsCache {
            overview: Slot::new(1),
            analytics: Slot::new(64),
            airlines: Slot::new(1),
            airline: Slot::new(256),
            stage_medians: Slot::new(4),
        }
    }
}

impl Default for StatsCache {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_value_is_computed_once_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        let slot: Slot<u8, usize> = Slot::new(4);
        let calls = Arc::new(AtomicUsize::new(0));
        let compute = {
            let calls = Arc::clone(&calls);
            move |_: &Connection| Ok(calls.fetch_add(1, Ordering::SeqCst) + 1)
        };
        assert_eq!(*slot.get(1, &db, compute.clone()).await.unwrap(), 1);
        assert_eq!(*slot.get(1, &db, compute.clone()).await.unwrap(), 1, "kept");
        assert_eq!(
            *slot.get(2, &db, compute.clone()).await.unwrap(),
            2,
            "per key"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
