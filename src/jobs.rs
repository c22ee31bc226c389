//! Periodic background work that stops when the server shuts down.

use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;
use crate::documents::DocumentStore;
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

/// Runs [`clean_up_drafts`] an hour after start, then daily, until shutdown.
pub async fn clean_up_drafts_daily(db: Db, documents: DocumentStore, shutdown: rocket::Shutdown) {
    tokio::pin!(shutdown);
    let mut wait = Duration::from_hours(1);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(wait) => {
                if let Err(e) = clean_up_drafts(&db, &documents, chrono::Utc::now()).await {
                    tracing::warn!(error = %e, "claim draft clean-up failed");
                }
                wait = CLEANUP_EVERY;
            }
        }
    }
}

/// The mail worker, the outbox watchdog and the draft clean-up, each until `shutdown`.
pub fn spawn_housekeeping(
    db: &Db,
    mailer: &Arc<crate::mail::Mailer>,
    documents: DocumentStore,
    shutdown: &rocket::Shutdown,
) {
    mailer.spawn_worker(db.clone(), shutdown.clone());
    tokio::spawn(crate::mail::watchdog::run(
        db.clone(),
        mailer.clone(),
        shutdown.clone(),
    ));
    tokio::spawn(clean_up_drafts_daily(
        db.clone(),
        documents,
        shutdown.clone(),
    ));
}
