//! Operations endpoints: `/health` (liveness), `/ready` (readiness JSON), `/metrics`.

use std::sync::Arc;

use rocket::http::{ContentType, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get};

use super::guards::ClientIp;
use crate::backup::{ReplicationStatus, StatusHandle};
use crate::config::AppConfig;
use crate::db::outbox::OutboxStats;
use crate::db::{Db, migrate};
use crate::mail::Mailer;
use crate::metrics::{Gauges, Metrics, ReplicationGauges};
use crate::ratelimit::RateLimits;

/// 200 `ok` while the process serves and the database answers; 503 otherwise.
#[get("/health")]
pub async fn get_health(db: &State<Db>) -> (Status, &'static str) {
    if db.ping().await {
        (Status::Ok, "ok")
    } else {
        (Status::ServiceUnavailable, "database unavailable")
    }
}

/// Replication attempts failed in a row before `/ready` answers 503 (with the 1, 2, 4 s
/// backoff, about 7 s of failing): one transient error of the object store does not flap it.
pub const REPLICATION_FAILURES_UNREADY: u32 = 3;

/// What readiness is decided from, gathered by [`gather`].
#[derive(Debug, Clone)]
pub struct ReadyInputs {
    pub database_ok: bool,
    pub schema_current: i64,
    pub schema_latest: i64,
    pub replication: ReplicationStatus,
    pub outbox: Option<OutboxStats>,
    pub smtp_enabled: bool,
    pub disk_free_bytes: Option<u64>,
    pub disk_min_free_bytes: u64,
}

/// Why the instance is not ready; empty when it is. Each reason has a Prometheus alert in
/// `systemd/flightclaim-alerts.yml` and a section in docs/MAINTENANCE.md.
pub fn not_ready_reasons(i: &ReadyInputs) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    if !i.database_ok {
        reasons.push("database_unavailable");
    }
    if i.schema_current != i.schema_latest {
        reasons.push("migrations_pending");
    }
    let r = &i.replication;
    if r.enabled && r.conflict.is_some() {
        reasons.push("replica_conflict");
    }
    if r.enabled && r.verify_ok == Some(false) {
        reasons.push("replica_broken");
    }
    if r.enabled && r.consecutive_failures >= REPLICATION_FAILURES_UNREADY {
        reasons.push("replication_failing");
    }
    if r.enabled && r.lagging {
        reasons.push("replication_lagging");
    }
    if i.disk_free_bytes
        .is_some_and(|free| free < i.disk_min_free_bytes)
    {
        reasons.push("disk_nearly_full");
    }
    if i.outbox
        .as_ref()
        .is_some_and(|s| crate::mail::watchdog::is_stuck(s, i.smtp_enabled))
    {
        reasons.push("outbox_stuck");
    }
    reasons
}

/// Reads everything readiness depends on, now.
pub async fn gather(
    cfg: &AppConfig,
    db: &Db,
    mailer: &Mailer,
    replication: &StatusHandle,
) -> ReadyInputs {
    ReadyInputs {
        database_ok: db.ping().await,
        schema_current: db.read(migrate::user_version).await.unwrap_or(-1),
        schema_latest: migrate::latest_version(),
        replication: replication.snapshot(),
        outbox: crate::mail::stats(db).await.ok(),
        smtp_enabled: mailer.smtp_enabled(),
        disk_free_bytes: crate::metrics::disk_free_bytes(&cfg.data_dir),
        disk_min_free_bytes: cfg.disk_min_free_mb.saturating_mul(1024 * 1024),
    }
}

/// Readiness: database, migrations, replication (failing or lagging past
/// `replica_lag_alert_secs`), free disk space, outbox. Everyone gets the status (200/503,
/// `{"status":"ok"|"unavailable"}`); the details only a direct loopback client or a holder of
/// the metrics token (they name the replica, the outbox backlog and errors).
#[get("/ready")]
pub async fn get_ready(
    access: Option<MetricsAccess>,
    cfg: &State<AppConfig>,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    replication: &State<StatusHandle>,
) -> (Status, Json<Value>) {
    let inputs = gather(cfg, db, mailer, replication).await;
    let reasons = not_ready_reasons(&inputs);
    let ready = reasons.is_empty();
    let status = if ready {
        Status::Ok
    } else {
        Status::ServiceUnavailable
    };
    let word = if ready { "ok" } else { "unavailable" };
    if access.is_none() {
        return (status, Json(json!({ "status": word })));
    }
    let outbox = match &inputs.outbox {
        Some(s) => json!({
            "enabled": inputs.smtp_enabled, "queued": s.queued, "failed": s.failed,
            "oldest_pending_secs": s.oldest_pending_secs,
            "stuck": crate::mail::watchdog::is_stuck(s, inputs.smtp_enabled),
        }),
        None => json!({ "enabled": inputs.smtp_enabled, "error": "unavailable" }),
    };
    (
        status,
        Json(json!({
            "status": word,
            "reasons": reasons,
            "database": if inputs.database_ok { "ok" } else { "error" },
            "migrations": {
                "current": inputs.schema_current,
                "latest": inputs.schema_latest,
                "up_to_date": inputs.schema_current == inputs.schema_latest,
            },
            "replication": replication_json(&inputs.replication),
            "disk": {
                "free_bytes": inputs.disk_free_bytes,
                "min_free_bytes": inputs.disk_min_free_bytes,
            },
            "outbox": outbox,
        })),
    )
}

fn rfc3339(unix: Option<i64>) -> Option<String> {
    unix.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| t.to_rfc3339())
}

/// Replication lag, failures and last success; `"ok": false` (and `/ready` 503) when it lags
/// past `replica_lag_alert_secs` or failed [`REPLICATION_FAILURES_UNREADY`] times in a row.
fn replication_json(s: &ReplicationStatus) -> Value {
    if !s.enabled {
        return json!({ "enabled": false });
    }
    json!({
        "enabled": true,
        "ok": !s.lagging
            && s.consecutive_failures < REPLICATION_FAILURES_UNREADY
            && s.conflict.is_none()
            && s.verify_ok != Some(false),
        "conflict": s.conflict,
        "verify_ok": s.verify_ok,
        "verify_error": s.verify_error,
        "last_verify": rfc3339(s.last_verify_unix),
        "replica": s.replica,
        "txid": s.txid,
        "lag_seconds": s.lag_seconds,
        "lagging": s.lagging,
        "last_success": rfc3339(s.last_success_unix),
        "last_error": s.last_error,
        "consecutive_failures": s.consecutive_failures,
        "last_snapshot": rfc3339(s.last_snapshot_unix),
    })
}

/// Access to `/metrics`: a direct loopback client, or the configured bearer token.
pub struct MetricsAccess;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for MetricsAccess {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        if ClientIp::is_direct_loopback(req) {
            return Outcome::Success(MetricsAccess);
        }
        let token = req
            .rocket()
            .state::<AppConfig>()
            .and_then(|c| c.metrics_token.clone());
        let presented = req
            .headers()
            .get_one("Authorization")
            .and_then(|h| h.strip_prefix("Bearer "));
        match (token, presented) {
            (Some(t), Some(p))
                if !t.is_empty() && t.expose().len() == p.len() && {
                    use subtle::ConstantTimeEq as _;
                    bool::from(t.expose().as_bytes().ct_eq(p.as_bytes()))
                } =>
            {
                Outcome::Success(MetricsAccess)
            }
            _ => Outcome::Error((Status::Forbidden, ())),
        }
    }
}

#[get("/metrics")]
pub async fn get_metrics(
    _access: MetricsAccess,
    metrics: &State<Metrics>,
    cfg: &State<AppConfig>,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    limits: &State<Arc<RateLimits>>,
    replication: &State<StatusHandle>,
) -> (ContentType, String) {
    let inputs = gather(cfg, db, mailer, replication).await;
    let ready = not_ready_reasons(&inputs).is_empty();
    let pool = db.pool_stats();
    let (db_bytes, wal_bytes) = db.file_sizes();
    let gauges = Gauges {
        pool_connections: pool.connections,
        pool_idle: pool.idle,
        pool_max: pool.max,
        rate_limited: limits
            .rejections()
            .into_iter()
            .map(|(c, n)| (c.name(), n))
            .collect(),
        db_bytes,
        wal_bytes,
        replication: Some(&inputs.replication)
            .filter(|s| s.enabled)
            .map(|s| ReplicationGauges {
                lag_seconds: s.lag_seconds,
                last_success_unix: s.last_success_unix,
                txid: s.txid,
                consecutive_failures: s.consecutive_failures,
                last_snapshot_unix: s.last_snapshot_unix,
                verify_ok: s.verify_ok,
                last_verify_unix: s.last_verify_unix,
            }),
        disk_free_bytes: inputs.disk_free_bytes,
        disk_min_free_bytes: inputs.disk_min_free_bytes,
        ready,
        outbox_stuck: inputs
            .outbox
            .as_ref()
            .is_some_and(|s| crate::mail::watchdog::is_stuck(s, inputs.smtp_enabled)),
        outbox: inputs.outbox,
    };
    (
        ContentType::new("text", "plain").with_params(("version", "0.0.4")),
        metrics.render(&gauges),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> ReadyInputs {
        ReadyInputs {
            database_ok: true,
            schema_current: 7,
            schema_latest: 7,
            replication: ReplicationStatus {
                enabled: true,
                ..ReplicationStatus::default()
            },
            outbox: Some(OutboxStats {
                queued: 0,
                failed: 0,
                sent: 0,
                oldest_pending_secs: 0.0,
            }),
            smtp_enabled: true,
            disk_free_bytes: Some(10 << 30),
            disk_min_free_bytes: 512 << 20,
        }
    }

    type Break = fn(&mut ReadyInputs);

    #[test]
    fn ready_only_when_nothing_is_wrong() {
        assert!(not_ready_reasons(&healthy()).is_empty());
        let cases: [(&str, Break); 9] = [
            ("replica_broken", |i| i.replication.verify_ok = Some(false)),
            ("replica_conflict", |i| {
                i.replication.conflict = Some("another server".into());
            }),
            ("database_unavailable", |i| i.database_ok = false),
            ("migrations_pending", |i| i.schema_current = 6),
            ("replication_failing", |i| {
                i.replication.consecutive_failures = REPLICATION_FAILURES_UNREADY;
            }),
            ("replication_lagging", |i| i.replication.lagging = true),
            ("disk_nearly_full", |i| {
                i.disk_free_bytes = Some((512 << 20) - 1);
            }),
            ("outbox_stuck", |i| {
                i.outbox = Some(OutboxStats {
                    queued: 2,
                    failed: 0,
                    sent: 0,
                    oldest_pending_secs: 2.0 * 3600.0,
                });
            }),
            ("replication_failing", |i| {
                i.replication.consecutive_failures = 9;
            }),
        ];
        for (reason, break_it) in cases {
            let mut inputs = healthy();
            break_it(&mut inputs);
            assert_eq!(not_ready_reasons(&inputs), vec![reason]);
        }
    }

    #[test]
    fn tolerable_states_stay_ready() {
        let mut i = healthy();
        // One or two transient replica errors: retried within seconds.
        i.replication.consecutive_failures = REPLICATION_FAILURES_UNREADY - 1;
        // Without SMTP, mail waiting in the outbox is the configured behaviour.
        i.smtp_enabled = false;
        i.outbox = Some(OutboxStats {
            queued: 5,
            failed: 0,
            sent: 0,
            oldest_pending_secs: 86_400.0,
        });
        // Free space that cannot be read is not reported as full.
        i.disk_free_bytes = None;
        assert!(not_ready_reasons(&i).is_empty());
        // Replication off: its fields do not count.
        i.replication = ReplicationStatus {
            lagging: true,
            consecutive_failures: 10,
            ..ReplicationStatus::default()
        };
        assert!(not_ready_reasons(&i).is_empty());
    }
}
