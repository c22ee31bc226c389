//! Periodic background work that stops when the server shuts down.

use std::sync::Arc;
use std::time::Duration;

use crate::ratelimit::RateLimits;

/// How often idle rate-limit buckets are dropped.
const RATE_LIMIT_SWEEP: Duration = Duration::from_mins(1);

/// Forgets full rate-limit buckets every minute so memory stays bounded under a scan.
pub async fn sweep_rate_limits(limits: Arc<RateLimits>, shutdown: rocket::Shutdown) {
    let mut tick = tokio::time::interval(RATE_LIMIT_SWEEP);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = tick.tick() => limits.shrink(),
        }
    }
}
