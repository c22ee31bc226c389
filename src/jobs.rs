//! Periodic background work that stops when the server shuts down.

use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;
use crate::documents::DocumentStore;
use crate::domain::deadlines::{ChaserMode, Rules};
use crate::ratelimit::RateLimits;
use crate::services::daily_jobs::{Report, RunOptions};

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

/// How long an unsent claim draft of a signed-in passenger is kept (the privacy page promises
/// six months).
pub const DRAFT_RETENTION: Duration = Duration::from_hours(24 * 183);
/// How long an anonymous draft (no account) is kept after its last change: its documents are
/// on our disk for nobody, and anyone can start one (`documents::quota`).
pub const ANONYMOUS_DRAFT_RETENTION: Duration = Duration::from_hours(24 * 7);
/// A stored file younger than this is never removed (its row may not be committed yet).
const FILE_GRACE: Duration = Duration::from_hours(24);
const CLEANUP_EVERY: Duration = Duration::from_hours(24);

/// Deletes drafts untouched for [`DRAFT_RETENTION`], anonymous ones untouched for
/// [`ANONYMOUS_DRAFT_RETENTION`] (their documents and mandate rows go with them), then the
/// stored files no row points at any more. Returns (drafts, files) removed.
pub async fn clean_up_drafts(
    db: &Db,
    documents: &DocumentStore,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(usize, usize), Box<dyn std::error::Error + Send + Sync>> {
    let cutoff = |keep: Duration| {
        crate::db::time_text(now - chrono::Duration::from_std(keep).unwrap_or_default())
    };
    let (owned, anonymous) = (cutoff(DRAFT_RETENTION), cutoff(ANONYMOUS_DRAFT_RETENTION));
    let drafts = db
        .write(move |tx| crate::db::drafts::delete_untouched_since(tx, &owned, &anonymous))
        .await?;
    let referenced = db.read(crate::db::documents::referenced_hashes).await?;
    let store = documents.clone();
    let files =
        tokio::task::spawn_blocking(move || store.remove_unreferenced(&referenced, FILE_GRACE))
            .await??;
    if drafts > 0 || files > 0 {
        tracing::info!(
            drafts,
            files,
            "old claim drafts and unused documents removed"
        );
    }
    Ok((drafts, files))
}

/// What one run of the daily job did: the chasers' report and the clean-up.
#[derive(Debug, Clone)]
pub struct DailyReport {
    pub at: chrono::DateTime<chrono::Utc>,
    pub options: RunOptions,
    pub chasers: Report,
    /// Drafts and files removed; `None` in a dry run.
    pub cleaned: Option<(usize, usize)>,
}

impl std::fmt::Display for DailyReport {
    /// What `flightclaim daily-jobs` prints: one line per action, then totals.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = &self.options;
        writeln!(
            f,
            "daily-jobs at {} (chasers: {}, airline reply {} days){}",
            crate::db::time_text(self.at),
            o.mode.as_str(),
            o.rules.airline_reply_days,
            if o.dry_run {
                " — dry run, nothing written"
            } else {
                ""
            }
        )?;
        for line in &self.chasers.lines {
            let outcome = match (o.dry_run, line.executed) {
                (false, true) => "done",
                (false, false) => "proposed",
                (true, true) => "would be done",
                (true, false) => "would be proposed",
            };
            writeln!(f, "{} {}: {outcome}", line.claim_ref, line.action)?;
        }
        writeln!(
            f,
            "chasers: {} action(s) on {} claim(s) due",
            self.chasers.lines.len(),
            self.chasers.candidates
        )?;
        match self.cleaned {
            Some((drafts, files)) => writeln!(
                f,
                "clean-up: {drafts} old draft(s), {files} unused file(s) removed"
            ),
            None => writeln!(f, "clean-up: skipped (dry run)"),
        }
    }
}

/// The daily job once: the chasers ([`crate::services::daily_jobs::run`]) then, unless a dry
/// run, the draft clean-up ([`clean_up_drafts`]).
pub async fn daily(
    db: &Db,
    mailer: &Arc<crate::mail::Mailer>,
    documents: &DocumentStore,
    options: RunOptions,
) -> Result<DailyReport, Box<dyn std::error::Error + Send + Sync>> {
    let chasers = crate::services::daily_jobs::run(db, mailer, documents, options).await?;
    let cleaned = if options.dry_run {
        None
    } else {
        Some(clean_up_drafts(db, documents, options.now).await?)
    };
    Ok(DailyReport {
        at: options.now,
        options,
        chasers,
        cleaned,
    })
}

/// Runs [`daily`] an hour after start, then every day, until shutdown.
pub async fn run_daily(
    db: Db,
    mailer: Arc<crate::mail::Mailer>,
    documents: DocumentStore,
    settings: (Rules, ChaserMode),
    shutdown: rocket::Shutdown,
) {
    tokio::pin!(shutdown);
    let mut wait = Duration::from_hours(1);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(wait) => {
                let options = RunOptions {
                    now: chrono::Utc::now(),
                    dry_run: false,
                    mode: settings.1,
                    rules: settings.0,
                };
                match daily(&db, &mailer, &documents, options).await {
                    Ok(report) => tracing::info!(
                        actions = report.chasers.lines.len(),
                        claims = report.chasers.candidates,
                        "daily job done"
                    ),
                    Err(e) => tracing::warn!(error = %e, "daily job failed"),
                }
                wait = CLEANUP_EVERY;
            }
        }
    }
}

/// The mail worker, the outbox watchdog and the daily job (chasers and draft clean-up), each
/// until `shutdown`.
pub fn spawn_housekeeping(
    db: &Db,
    mailer: &Arc<crate::mail::Mailer>,
    documents: DocumentStore,
    settings: (Rules, ChaserMode),
    shutdown: &rocket::Shutdown,
) {
    mailer.spawn_worker(db.clone(), shutdown.clone());
    tokio::spawn(crate::mail::watchdog::run(
        db.clone(),
        mailer.clone(),
        shutdown.clone(),
    ));
    tokio::spawn(run_daily(
        db.clone(),
        mailer.clone(),
        documents,
        settings,
        shutdown.clone(),
    ));
}
