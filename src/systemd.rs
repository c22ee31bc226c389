//! systemd integration: `READY=1` once the server listens, `WATCHDOG=1` pings only while the
//! database answers (a wedged database gets the service restarted), `STOPPING=1` on shutdown.
//! Outside systemd (`NOTIFY_SOCKET` unset) every call is a no-op.

use std::time::Duration;

use sd_notify::NotifyState;

use crate::db::Db;

pub fn notify_ready() {
    if let Err(e) = sd_notify::notify(false, &[NotifyState::Ready]) {
        tracing::warn!(error = %e, "sd_notify READY failed");
    }
}

pub fn notify_stopping() {
    let _ = sd_notify::notify(false, &[NotifyState::Stopping]);
}

/// The interval at which to ping the watchdog (half of `WatchdogSec`), if it is enabled.
pub fn watchdog_interval() -> Option<Duration> {
    let mut usec = 0;
    sd_notify::watchdog_enabled(false, &mut usec).then(|| Duration::from_micros(usec / 2))
}

/// Pings the watchdog while the database answers, until `shutdown` resolves.
pub async fn run_watchdog(db: Db, interval: Duration, shutdown: rocket::Shutdown) {
    let mut tick = tokio::time::interval(interval);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = tick.tick() => {
                if db.ping().await {
                    let _ = sd_notify::notify(false, &[NotifyState::Watchdog]);
                } else {
                    tracing::error!("database does not answer: withholding the watchdog ping");
                }
            }
        }
    }
}
