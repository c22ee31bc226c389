//! In-process counters rendered in the Prometheus text format at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default, Clone)]
struct RouteStats {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counters and latency histograms by method, route and status.
pub struct Metrics {
    started: Instant,
    routes: Mutex<BTreeMap<(String, String, u16), RouteStats>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            routes: Mutex::new(BTreeMap::new()),
        }
    }
}

/// Other numbers the text includes, gathered by the caller.
pub struct Gauges {
    pub pool_connections: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    pub rate_limited: Vec<(&'static str, u64)>,
    pub db_bytes: u64,
    pub wal_bytes: u64,
    /// `None` when the database did not answer.
    pub outbox: Option<crate::db::outbox::OutboxStats>,
    /// `None` when replication is off.
    pub replication: Option<ReplicationGauges>,
    /// Free bytes on the data directory's file system (`None`: could not be read).
    pub disk_free_bytes: Option<u64>,
    /// `disk_min_free_mb` in bytes: below it `/ready` answers 503.
    pub disk_min_free_bytes: u64,
    /// 1 when `/ready` would answer 200.
    pub ready: bool,
    /// Whether mail is stuck (`mail::watchdog::is_stuck`: SMTP on, a message waiting > 1 h).
    pub outbox_stuck: bool,
}

/// Replication numbers for `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplicationGauges {
    pub lag_seconds: f64,
    pub last_success_unix: Option<i64>,
    pub txid: u64,
    pub consecutive_failures: u32,
    pub last_snapshot_unix: Option<i64>,
    /// Last verification of the replica: `Some(false)` when it does not restore.
    pub verify_ok: Option<bool>,
    pub last_verify_unix: Option<i64>,
}

/// Version and git revision of this binary, for `flightclaim_build_info`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const REVISION: &str = env!("BUILD_GIT_REVISION");

/// Free bytes available to this (unprivileged) process on the file system holding `path`.
pub fn disk_free_bytes(path: &std::path::Path) -> Option<u64> {
    let st = rustix::fs::statvfs(path).ok()?;
    st.f_bavail.checked_mul(st.f_frsize)
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let route_stats = routes
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        route_stats.count += 1;
        route_stats.sum_seconds += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                route_stats.buckets[i] += 1;
            }
        }
    }

    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// The whole exposition text.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::with_capacity(4096);
        let routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        out.push_str(
            "# HELP flightclaim_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE flightclaim_http_requests_total counter\n");
        for ((method, route, status), s) in &routes {
            let _ = writeln!(
                out,
                "flightclaim_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP flightclaim_http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE flightclaim_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in &routes {
            let labels = format!(
                "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                escape(route)
            );
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "flightclaim_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "flightclaim_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "flightclaim_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "flightclaim_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        self.render_gauges(&mut out, gauges);
        out
    }

    fn render_gauges(&self, out: &mut String, gauges: &Gauges) {
        render_build_info(out);
        out.push_str(
            "# HELP flightclaim_rate_limited_total Requests refused by a rate limit, by class.\n",
        );
        out.push_str("# TYPE flightclaim_rate_limited_total counter\n");
        for (class, n) in &gauges.rate_limited {
            let _ = writeln!(
                out,
                "flightclaim_rate_limited_total{{class=\"{class}\"}} {n}"
            );
        }
        let mut rows: Vec<(&str, &str, f64)> = vec![
            (
                "flightclaim_db_pool_connections",
                "Open read connections.",
                f64::from(gauges.pool_connections),
            ),
            (
                "flightclaim_db_pool_idle",
                "Idle read connections.",
                f64::from(gauges.pool_idle),
            ),
            (
                "flightclaim_db_pool_max",
                "Maximum read connections.",
                f64::from(gauges.pool_max),
            ),
            (
                "flightclaim_db_size_bytes",
                "Database file size.",
                as_f64(gauges.db_bytes),
            ),
            (
                "flightclaim_db_wal_size_bytes",
                "WAL file size.",
                as_f64(gauges.wal_bytes),
            ),
        ];
        if let Some(r) = &gauges.replication {
            rows.extend(replication_rows(r));
        }
        rows.extend(readiness_rows(gauges));
        if let Some(outbox) = &gauges.outbox {
            rows.extend([
                (
                    "flightclaim_outbox_queued",
                    "Mail waiting to be sent.",
                    as_f64(outbox.queued),
                ),
                (
                    "flightclaim_outbox_failed",
                    "Mail given up on (see /admin/emails).",
                    as_f64(outbox.failed),
                ),
                (
                    "flightclaim_outbox_oldest_pending_seconds",
                    "Age of the oldest mail waiting to be sent, 0 when none waits.",
                    outbox.oldest_pending_secs,
                ),
                (
                    "flightclaim_outbox_stuck",
                    "1 when SMTP is configured and a mail has waited more than an hour.",
                    if gauges.outbox_stuck { 1.0 } else { 0.0 },
                ),
            ]);
        }
        if let Some(rss) = resident_memory_bytes() {
            rows.push((
                "process_resident_memory_bytes",
                "Resident memory size.",
                as_f64(rss),
            ));
        }
        rows.push((
            "flightclaim_uptime_seconds",
            "Seconds since start.",
            self.uptime().as_secs_f64(),
        ));
        for (name, help, value) in rows {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
    }
}

fn render_build_info(out: &mut String) {
    out.push_str("# HELP flightclaim_build_info Version and git revision of the running binary.\n");
    out.push_str("# TYPE flightclaim_build_info gauge\n");
    let _ = writeln!(
        out,
        "flightclaim_build_info{{version=\"{}\",revision=\"{}\"}} 1",
        escape(VERSION),
        escape(REVISION)
    );
}

fn replication_rows(r: &ReplicationGauges) -> [(&'static str, &'static str, f64); 7] {
    [
        (
            "flightclaim_replication_lag_seconds",
            "Age of the oldest change not yet in the replica.",
            r.lag_seconds,
        ),
        (
            "flightclaim_replication_last_success_timestamp_seconds",
            "Unix time of the last successful replication sync (0: never).",
            as_f64(u64::try_from(r.last_success_unix.unwrap_or(0)).unwrap_or(0)),
        ),
        (
            "flightclaim_replication_txid",
            "Last TXID shipped to the replica.",
            as_f64(r.txid),
        ),
        (
            "flightclaim_replication_consecutive_failures",
            "Replication attempts failed in a row.",
            f64::from(r.consecutive_failures),
        ),
        (
            "flightclaim_replication_last_snapshot_timestamp_seconds",
            "Unix time of the last full snapshot shipped to the replica (0: none since start).",
            as_f64(u64::try_from(r.last_snapshot_unix.unwrap_or(0)).unwrap_or(0)),
        ),
        (
            "flightclaim_replica_verify_ok",
            "0 when the last verification found that the replica does not restore (1 otherwise).",
            if r.verify_ok == Some(false) { 0.0 } else { 1.0 },
        ),
        (
            "flightclaim_replica_last_verify_timestamp_seconds",
            "Unix time of the last verification of the replica that concluded (0: none since start).",
            as_f64(u64::try_from(r.last_verify_unix.unwrap_or(0)).unwrap_or(0)),
        ),
    ]
}

fn readiness_rows(gauges: &Gauges) -> Vec<(&'static str, &'static str, f64)> {
    let mut rows = Vec::with_capacity(3);
    if let Some(free) = gauges.disk_free_bytes {
        rows.push((
            "flightclaim_disk_free_bytes",
            "Free bytes on the data directory's file system.",
            as_f64(free),
        ));
    }
    rows.extend([
        (
            "flightclaim_disk_min_free_bytes",
            "Free space below which /ready answers 503 (disk_min_free_mb).",
            as_f64(gauges.disk_min_free_bytes),
        ),
        (
            "flightclaim_ready",
            "1 when /ready answers 200, 0 when it answers 503.",
            if gauges.ready { 1.0 } else { 0.0 },
        ),
    ]);
    rows
}

/// Counters as gauge values; exact below 2^53, which byte and message counts stay under.
#[allow(clippy::cast_precision_loss)]
fn as_f64(n: u64) -> f64 {
    n as f64
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Resident set size from `/proc/self/statm` (Linux); `None` elsewhere.
pub fn resident_memory_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.observe("GET", "/", 200, Duration::from_millis(3));
        m.observe("GET", "/", 200, Duration::from_millis(300));
        let text = m.render(&Gauges {
            pool_connections: 2,
            pool_idle: 1,
            pool_max: 8,
            rate_limited: vec![("auth", 4)],
            db_bytes: 1,
            wal_bytes: 2,
            outbox: None,
            replication: Some(ReplicationGauges {
                lag_seconds: 1.5,
                last_snapshot_unix: Some(1_700_000_000),
                verify_ok: Some(false),
                ..ReplicationGauges::default()
            }),
            disk_free_bytes: Some(1 << 30),
            disk_min_free_bytes: 512 << 20,
            ready: true,
            outbox_stuck: false,
        });
        assert!(text.contains(
            "flightclaim_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("flightclaim_rate_limited_total{class=\"auth\"} 4"));
        assert!(text.contains("flightclaim_replication_lag_seconds 1.5"));
        assert!(
            text.contains("flightclaim_replication_last_snapshot_timestamp_seconds 1700000000")
        );
        assert!(text.contains("flightclaim_replica_verify_ok 0"));
        assert!(text.contains("flightclaim_disk_free_bytes 1073741824"));
        assert!(text.contains("flightclaim_disk_min_free_bytes 536870912"));
        assert!(text.contains("flightclaim_ready 1"));
        assert!(text.contains(&format!(
            "flightclaim_build_info{{version=\"{VERSION}\",revision=\"{REVISION}\"}} 1"
        )));
    }
}
