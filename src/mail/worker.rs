//! The outbox worker: one task that sends due messages one at a time, then sleeps until it is
//! woken by an enqueue, the next retry is due, or the poll interval passes.
//!
//! Each message takes two short write transactions (claim, then outcome); the SMTP
//! conversation happens between them with no database connection held. Steps and failure
//! handling are described in the `mail` module doc.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use super::Mailer;
use super::smtp::{self, SendError};
use crate::db::outbox;
use crate::db::{Db, DbError};
use crate::logging::{mask_email, mask_emails_in};

/// How often the worker looks for due messages when nothing wakes it (rows enqueued by another
/// process, retries coming due).
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// How long a claimed message stays reserved for its worker before another may take it.
pub const LEASE: Duration = Duration::from_mins(10);
/// `.eml` copies written per round in development.
const EML_BATCH: u32 = 50;

/// Exponential backoff with jitter for temporary failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay after the first failed attempt (`mail_retry_base_secs`, default 30 s).
    pub base: Duration,
    /// Longest delay between two attempts.
    pub cap: Duration,
    /// Attempts before a temporary failure becomes `failed`.
    pub max_attempts: u32,
}

/// Default `mail_retry_base_secs`.
pub const DEFAULT_RETRY_BASE_SECS: u32 = 30;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::with_base(Duration::from_secs(u64::from(DEFAULT_RETRY_BASE_SECS)))
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    RetryIn(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// 30 s → 1 min → 2 min … capped at 1 h, 30 attempts: about 24 h before giving up. The cap
    /// scales with `base` (120 × base) so that short test settings stay short.
    pub fn with_base(base: Duration) -> RetryPolicy {
        RetryPolicy {
            base,
            cap: base.saturating_mul(120),
            max_attempts: 30,
        }
    }

    /// Delay after `attempts` failed attempts (≥ 1): `base × 2^(attempts-1)`, capped, minus up to
    /// 25 % of random jitter (`jitter` in `0.0..=1.0`) so that a burst does not retry in step.
    pub fn delay(&self, attempts: u32, jitter: f64) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let full = self
            .base
            .saturating_mul(1u32 << exponent.min(20))
            .min(self.cap);
        full.mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0))
    }

    /// Retry or give up after a failure of attempt number `attempts`.
    pub fn decide(&self, error: &SendError, attempts: u32, jitter: f64) -> Decision {
        if error.permanent || attempts >= self.max_attempts {
            Decision::GiveUp
        } else {
            Decision::RetryIn(self.delay(attempts, jitter))
        }
    }
}

/// Runs until `shutdown` completes. Spawn it once per process (the app does, on liftoff).
pub async fn run<S>(mailer: Arc<Mailer>, db: Db, shutdown: S)
where
    S: Future<Output = ()> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let mailer = mailer.clone();
        tokio::spawn(async move {
            shutdown.await;
            stop.store(true, Ordering::SeqCst);
            mailer.bell().notify_one();
        });
    }
    match db
        .write(|tx| outbox::recover_interrupted(tx, Utc::now()))
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            count = n,
            "outbox: messages were being sent when the previous process stopped; sending them again (some may arrive twice)"
        ),
        Err(e) => tracing::error!(error = %e, "outbox: cannot recover interrupted messages"),
    }
    let transport = mailer.smtp().map(smtp::SmtpSettings::transport);
    if let Some(s) = mailer.smtp() {
        tracing::info!(server = %s.server, "outbox worker started");
    } else {
        tracing::info!(
            "outbox worker started without SMTP (FLIGHTCLAIM_SMTP_URL unset): mail stays queued"
        );
    }
    while !stop.load(Ordering::SeqCst) {
        let result = match &transport {
            Some(transport) => drain(&mailer, &db, transport, &stop).await,
            None => write_eml_copies(&mailer, &db).await,
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "outbox: database error; retrying later");
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let sleep = match db.read(outbox::next_due_at).await {
            Ok(Some(due)) if transport.is_some() => (due - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(POLL_INTERVAL),
            _ => POLL_INTERVAL,
        };
        tokio::select! {
            () = mailer.bell().notified() => {}
            () = tokio::time::sleep(sleep.max(Duration::from_millis(50))) => {}
        }
    }
    tracing::info!("outbox worker stopped");
}

/// Sends due messages until none is due or the worker is stopping.
async fn drain(
    mailer: &Arc<Mailer>,
    db: &Db,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    stop: &AtomicBool,
) -> Result<(), DbError> {
    while !stop.load(Ordering::SeqCst) {
        if !send_next(mailer, db, transport).await? {
            break;
        }
    }
    Ok(())
}

/// Claims, sends and records one due message; `false` when nothing was due.
pub async fn send_next(
    mailer: &Arc<Mailer>,
    db: &Db,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
) -> Result<bool, DbError> {
    let Some(settings) = mailer.smtp() else {
        return Ok(false);
    };
    let now = Utc::now();
    let lease_until = now + LEASE;
    let Some(row) = db
        .write(move |tx| outbox::claim_next_due(tx, now, lease_until))
        .await?
    else {
        return Ok(false);
    };
    // No connection is held here: the claim committed, the outcome is another transaction.
    let outcome = smtp::send_row(transport, settings, mailer.from(), &mailer.reveal(&row)).await;
    let (id, attempts) = (row.id, row.attempts);
    match outcome {
        Ok(()) => {
            db.write(move |tx| outbox::mark_sent(tx, id, Utc::now()))
                .await?;
            tracing::info!(id, kind = %row.kind, to = %mask_email(&row.to_addr), message_id = %row.message_id, "mail sent");
        }
        Err(error) => {
            let decision = mailer
                .retry_policy()
                .decide(&error, attempts, rand::random::<f64>());
            let hint = error.hint.clone();
            match decision {
                Decision::RetryIn(delay) => {
                    let at = Utc::now() + delay;
                    tracing::warn!(id, kind = %row.kind, attempts, retry_in_secs = delay.as_secs(), hint = %mask_emails_in(&hint), "mail not sent; will retry");
                    db.write(move |tx| outbox::mark_retry(tx, id, at, &hint, Utc::now()))
                        .await?;
                }
                Decision::GiveUp => {
                    tracing::error!(id, kind = %row.kind, to = %mask_email(&row.to_addr), attempts, hint = %mask_emails_in(&hint), "mail failed; giving up");
                    db.write(move |tx| outbox::mark_failed(tx, id, &hint, Utc::now()))
                        .await?;
                }
            }
        }
    }
    Ok(true)
}

/// Development without SMTP: writes each waiting message once as `<eml_dir>/<id>-<kind>.eml`.
async fn write_eml_copies(mailer: &Arc<Mailer>, db: &Db) -> Result<(), DbError> {
    let Some(dir) = mailer.eml_dir().map(Path::to_path_buf) else {
        return Ok(());
    };
    // Through the writer, not a reader: `enqueue` rings the bell before its transaction
    // commits, and the writer lock makes this wait for that commit.
    let rows = db
        .write(|tx| outbox::list_without_eml(tx, EML_BATCH))
        .await?;
    for row in rows {
        let path = dir.join(format!("{}-{}.eml", row.id, row.kind));
        let written = mailer.raw_message(&row).and_then(|bytes| {
            crate::fsperm::create_private_dir(&dir)
                .and_then(|()| crate::fsperm::write_private(&path, &bytes))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        });
        let recorded = match written {
            Ok(()) => path.display().to_string(),
            Err(problem) => {
                tracing::warn!(id = row.id, problem = %mask_emails_in(&problem), "outbox: no .eml copy");
                format!("(not written: {problem})")
            }
        };
        let id = row.id;
        db.write(move |tx| outbox::set_eml_path(tx, id, &recorded))
            .await?;
        tracing::info!(id, kind = %row.kind, to = %mask_email(&row.to_addr), "mail kept in the outbox (no SMTP configured)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps_with_bounded_jitter() {
        let policy = RetryPolicy::default();
        let secs: Vec<u64> = (1..=10).map(|n| policy.delay(n, 0.0).as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(policy.delay(100, 0.0), Duration::from_hours(1));
        for n in 1..=40 {
            let full = policy.delay(n, 0.0);
            let least = policy.delay(n, 1.0);
            assert!(least >= full.mul_f64(0.75) && least <= full, "{n}");
        }
        // About a day of retries in all.
        let total: Duration = (1..policy.max_attempts).map(|n| policy.delay(n, 0.0)).sum();
        assert!(
            total > Duration::from_hours(20) && total < Duration::from_hours(28),
            "{total:?}"
        );
    }

    #[test]
    fn permanent_failures_give_up_at_once_temporary_ones_later() {
        let policy = RetryPolicy::with_base(Duration::from_secs(1));
        let permanent = SendError {
            permanent: true,
            hint: "recipient rejected".into(),
        };
        let temporary = SendError {
            permanent: false,
            hint: "connection refused".into(),
        };
        assert_eq!(policy.decide(&permanent, 1, 0.5), Decision::GiveUp);
        assert_eq!(
            policy.decide(&temporary, 1, 0.0),
            Decision::RetryIn(Duration::from_secs(1))
        );
        assert_eq!(
            policy.decide(&temporary, policy.max_attempts, 0.0),
            Decision::GiveUp
        );
        assert_eq!(policy.cap, Duration::from_mins(2));
    }
}
