//! Does the replica still restore? Two checks, run by the replicator off the request path:
//!
//! * [`check_chain`] (every minute, or every `replica_verify_interval_secs` when shorter): lists
//!   the replica, plans a restore of the latest state and compares its end with the TXID the
//!   replicator believes it shipped. A missing file (a gap) or a chain that stops short is
//!   found without downloading anything: a few LIST requests.
//! * [`restore_and_check`] (every `replica_verify_interval_secs`, 6 hours by default): restores
//!   the latest state into `<data_dir>/replica-verify.sqlite3` and runs `PRAGMA
//!   integrity_check`, then deletes the file. It downloads the whole chain (about the size of
//!   the database, so the interval bounds the I/O) and verifies every file's checksum.
//!
//! Either finding `Broken` makes `/ready` answer 503 (`replica_broken`), emails the admins and
//! has the replicator ship a fresh snapshot; the next full verification after it clears the
//! state. A store that cannot be reached is not a broken replica: those checks are skipped
//! (the failing syncs already show on `/ready`).

use std::path::{Path, PathBuf};

use super::layout::file_name;
use super::restore::{self, RestoreError};
use super::store::Replica;

/// File the full verification restores into, in the data directory.
pub const VERIFY_FILE: &str = "replica-verify.sqlite3";

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The replica restores; the TXID its chain reaches.
    Ok(u64),
    /// It does not (why, with TXIDs in the hex of the file names).
    Broken(String),
    /// The check could not run (store unreachable, local I/O): nothing is concluded.
    Unknown(String),
}

fn classify(e: RestoreError) -> Finding {
    match e {
        RestoreError::Store(_) | RestoreError::Io(_) | RestoreError::Exists(_) => {
            Finding::Unknown(e.to_string())
        }
        RestoreError::Empty(_)
        | RestoreError::Chain(_)
        | RestoreError::Ltx { .. }
        | RestoreError::Integrity(_) => Finding::Broken(e.to_string()),
    }
}

/// The restore chain of the latest state must exist and reach `shipped`.
pub async fn check_chain(replica: &Replica, shipped: u64) -> Finding {
    match restore::plan(replica, None).await {
        Ok(chain) => {
            let end = chain.last().map_or(0, |f| f.max);
            if end < shipped {
                let last = chain
                    .last()
                    .map_or_else(String::new, |f| format!(" ({})", file_name(f.min, f.max)));
                Finding::Broken(format!(
                    "the replica chain ends at TXID {end:016x}{last} but TXID {shipped:016x} was shipped: files are missing"
                ))
            } else {
                Finding::Ok(end)
            }
        }
        Err(e) => classify(e),
    }
}

fn leftovers(path: &Path) -> [PathBuf; 4] {
    let with = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    [
        path.to_path_buf(),
        with("-wal"),
        with("-shm"),
        with("-journal"),
    ]
}

/// Restores the latest state into `path` (a scratch file, deleted afterwards) and checks it.
pub async fn restore_and_check(replica: &Replica, path: &Path) -> Finding {
    for p in leftovers(path) {
        let _ = std::fs::remove_file(p);
    }
    let result = async {
        let chain = restore::plan(replica, None).await?;
        let summary = restore::apply(replica, &chain, path).await?;
        let check = path.to_path_buf();
        tokio::task::spawn_blocking(move || restore::integrity_check(&check))
            .await
            .map_err(|e| RestoreError::Io(std::io::Error::other(e)))??;
        Ok::<_, RestoreError>(summary.txid)
    }
    .await;
    for p in leftovers(path) {
        let _ = std::fs::remove_file(p);
    }
    match result {
        Ok(txid) => Finding::Ok(txid),
        Err(e) => classify(e),
    }
}
