//! Tells the admins when mail stops leaving: a message waiting for more than [`STUCK_AFTER`]
//! while SMTP is configured means the server refuses us, the credentials changed or the
//! network is down, and passengers are not hearing from us.
//!
//! The alert goes through the outbox like every other message, so it reaches the admins as
//! soon as mail flows again (and is visible on `/admin/emails` meanwhile). It is sent at most
//! once per [`REALERT_AFTER`]: the outbox itself remembers the last one, so a restart does not
//! repeat it. Without SMTP, waiting is the configured behaviour and never alerts.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::messages::{AdminOutboxStuck, Email};
use super::{Mailer, Recipient, queue};
use crate::db::outbox::{self, OutboxStats};
use crate::db::{Db, DbError};
use crate::i18n::Locale;

/// A message pending longer than this means mail is stuck.
pub const STUCK_AFTER: Duration = Duration::from_hours(1);
/// At most one alert per period.
pub const REALERT_AFTER: Duration = Duration::from_hours(24);
/// How often the outbox is looked at.
const CHECK_EVERY: Duration = Duration::from_mins(5);

/// Whether these numbers call for an alert.
pub fn is_stuck(stats: &OutboxStats, smtp_enabled: bool) -> bool {
    smtp_enabled && stats.queued > 0 && stats.oldest_pending_secs >= STUCK_AFTER.as_secs_f64()
}

/// Looks at the outbox once; enqueues one alert per enabled admin when mail is stuck and no
/// alert went out in the last [`REALERT_AFTER`]. Returns how many alerts were enqueued.
pub async fn check_once(
    db: &Db,
    mailer: Arc<Mailer>,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let smtp_enabled = mailer.smtp_enabled();
    db.write(move |tx| {
        let stats = outbox::stats(tx, now)?;
        if !is_stuck(&stats, smtp_enabled) || alerted_since(tx, now)? {
            return Ok(0);
        }
        let message = AdminOutboxStuck {
            queued: stats.queued,
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            oldest_pending_minutes: (stats.oldest_pending_secs / 60.0) as u64,
            last_error: outbox::latest_pending_error(tx)?,
        };
        let admins = crate::db::users::list_admins(tx)?;
        for admin in &admins {
            let locale = Locale::from_tag(&admin.locale).unwrap_or_default();
            let to = Recipient::new(admin.email.clone(), admin.name.clone(), locale);
            queue(tx, &mailer, &to, &message)?;
        }
        if !admins.is_empty() {
            tracing::error!(
                queued = stats.queued,
                oldest_pending_secs = stats.oldest_pending_secs,
                "mail is not leaving the outbox; the admins were alerted"
            );
        }
        Ok(admins.len())
    })
    .await
}

fn alerted_since(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<bool, DbError> {
    let since = now - chrono::Duration::from_std(REALERT_AFTER).unwrap_or_default();
    outbox::has_kind_since(tx, AdminOutboxStuck::KIND, since)
}

/// Checks every few minutes until shutdown.
pub async fn run<S>(db: Db, mailer: Arc<Mailer>, shutdown: S)
where
    S: std::future::Future<Output = ()> + Send + 'static,
{
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = tick.tick() => {
                match check_once(&db, mailer.clone(), Utc::now()).await {
                    Ok(n) if n > 0 => mailer.wake(),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "outbox watchdog could not read the outbox"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(queued: u64, oldest_minutes: f64) -> OutboxStats {
        OutboxStats {
            queued,
            failed: 0,
            sent: 0,
            oldest_pending_secs: oldest_minutes * 60.0,
        }
    }

    #[test]
    fn stuck_only_with_smtp_and_an_old_pending_message() {
        let table = [
            (stats(3, 61.0), true, true),
            (stats(1, 60.0), true, true),
            (stats(1, 59.0), true, false),
            (stats(0, 0.0), true, false),
            (stats(5, 600.0), false, false),
        ];
        for (s, smtp, expected) in table {
            assert_eq!(is_stuck(&s, smtp), expected, "{s:?} smtp={smtp}");
        }
    }
}
