//! Operations endpoints: `/health` (liveness), `/ready` (readiness JSON), `/metrics`.

use std::sync::Arc;

use rocket::http::{ContentType, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get};

use super::guards::ClientIp;
use crate::backup::StatusHandle;
use crate::config::AppConfig;
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

/// Readiness: database, migrations, replication, outbox. Everyone gets the status (200/503,
/// `{"status":"ok"|"unavailable"}`); the details only a direct loopback client or a holder of
/// the metrics token (they name the replica, the outbox backlog and errors).
#[get("/ready")]
pub async fn get_ready(
    access: Option<MetricsAccess>,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    replication: &State<StatusHandle>,
) -> (Status, Json<Value>) {
    let database_ok = db.ping().await;
    let current = db.read(migrate::user_version).await.unwrap_or(-1);
    let latest = migrate::latest_version();
    let ready = database_ok && current == latest;
    let outbox = match crate::mail::stats(db).await {
        Ok(s) => json!({
            "enabled": mailer.smtp_enabled(), "queued": s.queued, "failed": s.failed,
            "oldest_pending_secs": s.oldest_pending_secs,
        }),
        Err(_) => json!({ "enabled": mailer.smtp_enabled(), "error": "unavailable" }),
    };
    let status = if ready {
        Status::Ok
    } else {
        Status::ServiceUnavailable
    };
    let word = if ready { "ok" } else { "unavailable" };
    if access.is_none() {
        return (status, Json(json!({ "status": word })));
    }
    (
        status,
        Json(json!({
            "status": word,
            "database": if database_ok { "ok" } else { "error" },
            "migrations": { "current": current, "latest": latest, "up_to_date": current == latest },
            "replication": replication_json(&replication.snapshot()),
            "outbox": outbox,
        })),
    )
}

/// Replication lag and last success; a lagging replica does not make the app unready (it still
/// serves correctly), it shows `"ok": false`.
fn replication_json(s: &crate::backup::ReplicationStatus) -> Value {
    if !s.enabled {
        return json!({ "enabled": false });
    }
    json!({
        "enabled": true,
        "ok": !s.lagging && s.consecutive_failures == 0,
        "replica": s.replica,
        "txid": s.txid,
        "lag_seconds": s.lag_seconds,
        "last_success": s.last_success_unix
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.to_rfc3339()),
        "last_error": s.last_error,
        "consecutive_failures": s.consecutive_failures,
        "last_snapshot": s.last_snapshot_unix
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.to_rfc3339()),
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
    db: &State<Db>,
    limits: &State<Arc<RateLimits>>,
    replication: &State<StatusHandle>,
) -> (ContentType, String) {
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
        outbox: crate::mail::stats(db).await.ok(),
        replication: Some(replication.snapshot()).filter(|s| s.enabled).map(|s| {
            ReplicationGauges {
                lag_seconds: s.lag_seconds,
                last_success_unix: s.last_success_unix,
                txid: s.txid,
                consecutive_failures: s.consecutive_failures,
            }
        }),
    };
    (
        ContentType::new("text", "plain").with_params(("version", "0.0.4")),
        metrics.render(&gauges),
    )
}
