//! A short-lived cache for the dashboard's heavy aggregates (medians, outcome sums, analytics
//! over a date range). At 100,000 claims these take tens of milliseconds; cached for
//! [`STATS_TTL`], the pages answer from memory and the numbers are at most that old. Cheap counts
//! (claims by status, "needs attention") are never cached.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use crate::db::stats::{Money, Outcomes};

/// How long an aggregate is reused.
pub const STATS_TTL: Duration = Duration::from_mins(1);

/// All-time money and outcomes, and median times over the recent window.
#[derive(Debug, Clone)]
pub struct Heavy {
    pub money: Vec<Money>,
    pub outcomes: Outcomes,
    pub median_answer_hours: Option<f64>,
    pub median_payment_days: Option<f64>,
}

/// Managed state: one cache per kind of aggregate.
pub struct StatsCache {
    pub overview: Cache<(), Arc<Heavy>>,
    pub analytics: Cache<(String, String), Arc<super::analytics::AnalyticsData>>,
}

impl StatsCache {
    pub fn new() -> StatsCache {
        StatsCache {
            overview: Cache::builder()
                .time_to_live(STATS_TTL)
                .max_capacity(1)
                .build(),
            analytics: Cache::builder()
                .time_to_live(STATS_TTL)
                .max_capacity(64)
                .build(),
        }
    }
}

impl Default for StatsCache {
    fn default() -> Self {
        Self::new()
    }
}
