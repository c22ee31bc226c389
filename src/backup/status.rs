//! What the replicator tells the rest of the app: [`ReplicationStatus`] behind a
//! [`StatusHandle`] (read by `/ready`, `/metrics` and the admin system page), and the emails to
//! the admins.

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use serde::Serialize;

/// What `/ready`, `/metrics` and the admin system page show.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplicationStatus {
    pub enabled: bool,
    /// Replica URL without query parameters.
    pub replica: String,
    /// Last TXID shipped.
    pub txid: u64,
    /// Seconds since the oldest change that is not yet in the replica (0 when caught up).
    pub lag_seconds: f64,
    /// Unix seconds of the last successful sync.
    pub last_success_unix: Option<i64>,
    pub last_error: Option<String>,
    pub consecutive_failures: u32,
    pub last_snapshot_unix: Option<i64>,
    /// Whether the lag exceeds the alert threshold.
    pub lagging: bool,
    /// Another server writes the replica: this one stopped shipping (see [`lease`]).
    pub conflict: Option<String>,
    /// Result of the last verification of the replica ([`verify`]); `None` before the first.
    pub verify_ok: Option<bool>,
    /// What the last failed verification found.
    pub verify_error: Option<String>,
    /// Unix seconds of the last verification (chain check or full) that concluded.
    pub last_verify_unix: Option<i64>,
}

#[derive(Debug, Default)]
pub(super) struct StatusInner {
    pub(super) status: ReplicationStatus,
    pub(super) dirty_since: Option<SystemTime>,
    pub(super) lag_alert: Duration,
}

/// Shared, cheap to clone; `Default` is "replication off".
#[derive(Debug, Clone, Default)]
pub struct StatusHandle(Arc<RwLock<StatusInner>>);

pub(super) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl StatusHandle {
    /// The current status, with the lag computed now.
    pub fn snapshot(&self) -> ReplicationStatus {
        let inner = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut s = inner.status.clone();
        s.lag_seconds = inner
            .dirty_since
            .and_then(|t| t.elapsed().ok())
            .map_or(0.0, |d| d.as_secs_f64());
        s.lagging = s.enabled && s.lag_seconds > inner.lag_alert.as_secs_f64();
        s
    }

    pub(super) fn update(&self, f: impl FnOnce(&mut StatusInner)) {
        let mut inner = self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut inner);
    }
}

/// Enqueues `message` to every enabled admin, each in their language.
pub(super) async fn email_admins<E: crate::mail::Email + Send + 'static>(
    db: crate::db::Db,
    mailer: std::sync::Arc<crate::mail::Mailer>,
    message: E,
) {
    let result = db
        .write(move |tx| {
            for admin in crate::db::users::list_admins(tx)? {
                let locale = crate::i18n::Locale::from_tag(&admin.locale).unwrap_or_default();
                let to = crate::mail::Recipient::new(admin.email, admin.name, locale);
                crate::mail::queue(tx, &mailer, &to, &message)?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, kind = E::KIND, "could not email the admins");
    }
}

/// Enqueues an "backup is failing" email to every enabled admin, each in their language.
pub(super) async fn email_admins_about_lag(
    db: crate::db::Db,
    mailer: std::sync::Arc<crate::mail::Mailer>,
    status: ReplicationStatus,
) {
    use crate::mail::messages::AdminBackupFailed;
    let message = AdminBackupFailed {
        error: status
            .last_error
            .clone()
            .unwrap_or_else(|| format!("replication lag {:.0} s", status.lag_seconds)),
        destination: status.replica.clone(),
        last_success_at: status
            .last_success_unix
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.to_rfc3339()),
    };
    email_admins(db, mailer, message).await;
}

/// Called once when the lag first exceeds the threshold: logs, and (when the app runs) the
/// replicator also emails the admins.
pub fn alert_replication_lag(status: &ReplicationStatus) {
    tracing::error!(
        lag_seconds = status.lag_seconds,
        last_error = status.last_error.as_deref().unwrap_or(""),
        replica = %status.replica,
        "replication is lagging: recent changes are not in the backup yet"
    );
}
