//! Compaction into higher levels, snapshots built from the replica, and retention.
//!
//! * **Compaction** of level *n*: the contiguous run of level *n-1* files after the last TXID
//!   already in level *n* (restarted at any snapshot `1-N` among them) is merged (newest page wins, pages beyond the final size dropped) into
//!   one file `<first min>-<last max>` with the newest input's timestamp. A run that starts at
//!   TXID 1 merges into a snapshot (every page), which the encoder checks.
//! * **Snapshot from the replica**: the restore chain up to the newest TXID, merged into a
//!   level-9 `1-<max>` file. It needs no lock on the live database, so `flightclaim backup` uses
//!   it while a server is replicating.
//! * **Retention**: level-9 snapshots older than the retention are deleted (the newest is always
//!   kept); any file whose `TXIDs` end at or before the oldest kept snapshot is no longer needed
//!   by any restore and goes too. Below that, a file of level 0, 1 or 2 is deleted once the next
//!   level covers it and it is older than 5 minutes, 1 hour or 1 day respectively: point-in-time
//!   restores are exact to the second for 5 minutes, to 30 s for an hour, to 5 minutes for a day
//!   and to the hour for the rest of the retention.

use std::collections::BTreeMap;
use std::time::Duration;

use super::layout::SNAPSHOT_LEVEL;
use super::ltx;
use super::restore::{self, RestoreError};
use super::store::{FileInfo, Replica};

/// How long a file of levels 0, 1, 2 stays after the next level covers it.
pub const LEVEL_KEEP: [Duration; 3] = [
    Duration::from_mins(5),
    Duration::from_hours(1),
    Duration::from_hours(24),
];

/// Merges decoded files (in TXID order) into one.
fn merge(inputs: &[(FileInfo, ltx::Decoded)]) -> Result<Vec<u8>, ltx::LtxError> {
    let first = &inputs[0].1.header;
    let last = &inputs[inputs.len() - 1].1.header;
    let mut pages: BTreeMap<u32, &[u8]> = BTreeMap::new();
    for (_, d) in inputs {
        for (pgno, page) in &d.pages {
            pages.insert(*pgno, page);
        }
    }
    pages.retain(|p, _| *p <= last.commit);
    let ts = inputs
        .iter()
        .map(|(_, d)| d.header.timestamp_ms)
        .max()
        .unwrap_or(last.timestamp_ms);
    let header = ltx::Header::new(
        last.page_size,
        last.commit,
        first.min_txid,
        last.max_txid,
        ts,
    );
    ltx::encode(header, pages)
}

async fn download(
    replica: &Replica,
    files: &[FileInfo],
) -> Result<Vec<(FileInfo, ltx::Decoded)>, RestoreError> {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let bytes = replica.get_ltx(f).await?;
        let d = ltx::decode(&bytes).map_err(|source| RestoreError::Ltx {
            file: format!(
                "level {} {}",
                f.level,
                super::layout::file_name(f.min, f.max)
            ),
            source,
        })?;
        out.push((*f, d));
    }
    Ok(out)
}

/// Compacts level `level - 1` into `level`; returns the file written, if any.
pub async fn compact(replica: &Replica, level: u8) -> Result<Option<FileInfo>, RestoreError> {
    assert!((1..SNAPSHOT_LEVEL).contains(&level));
    let below = replica.list_level(level - 1).await?;
    let done = replica.list_level(level).await?.last().map_or(0, |f| f.max);
    // The contiguous run of files that starts right after this level's last TXID. A snapshot
    // (`1-N`: shipped at start-up, or to heal a chain with a hole) supersedes everything before
    // it, so it starts the run afresh; the merge is then a snapshot too.
    let mut run: Vec<FileInfo> = Vec::new();
    for f in below.into_iter().filter(|f| f.max > done) {
        if f.min == 1 {
            run.clear();
            run.push(f);
            continue;
        }
        let expected = run.last().map_or(done + 1, |p| p.max + 1);
        if f.min != expected && !(run.is_empty() && done == 0) {
            break;
        }
        run.push(f);
    }
    if run.is_empty() {
        return Ok(None);
    }
    let inputs = download(replica, &run).await?;
    let bytes = merge(&inputs).map_err(|source| RestoreError::Ltx {
        file: format!("compaction into level {level}"),
        source,
    })?;
    let header = ltx::decode(&bytes[..])
        .map(|d| d.header)
        .map_err(|source| RestoreError::Ltx {
            file: format!("compaction into level {level}"),
            source,
        })?;
    let size = bytes.len() as u64;
    replica.put_ltx(level, &header, bytes).await?;
    Ok(Some(FileInfo {
        level,
        min: header.min_txid,
        max: header.max_txid,
        size,
        modified_ms: header.timestamp_ms,
    }))
}

/// Writes a level-9 snapshot of the newest state in the replica; returns its TXID.
pub async fn snapshot_from_replica(replica: &Replica) -> Result<Option<u64>, RestoreError> {
    let chain = restore::plan(replica, None).await?;
    let Some(last) = chain.last() else {
        return Ok(None);
    };
    if chain.len() == 1 && last.level == SNAPSHOT_LEVEL {
        return Ok(Some(last.max));
    }
    let inputs = download(replica, &chain).await?;
    let bytes = merge(&inputs).map_err(|source| RestoreError::Ltx {
        file: "snapshot".into(),
        source,
    })?;
    let d = ltx::decode(&bytes).map_err(|source| RestoreError::Ltx {
        file: "snapshot".into(),
        source,
    })?;
    replica.put_ltx(SNAPSHOT_LEVEL, &d.header, bytes).await?;
    Ok(Some(d.header.max_txid))
}

/// Deletes what no restore within `retention` needs; returns how many files went.
pub async fn enforce_retention(
    replica: &Replica,
    now_ms: i64,
    retention: Duration,
) -> Result<usize, RestoreError> {
    let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let mut deleted = 0;
    let snapshots = replica.list_level(SNAPSHOT_LEVEL).await?;
    let mut kept: Vec<FileInfo> = Vec::new();
    for (i, s) in snapshots.iter().enumerate() {
        let newest = i + 1 == snapshots.len();
        if newest || now_ms - s.modified_ms <= ms(retention) {
            kept.push(*s);
        } else {
            replica.delete_ltx(s).await?;
            deleted += 1;
        }
    }
    let floor = kept.first().map_or(0, |s| s.max);
    let mut levels = Vec::new();
    for level in 0..=3u8 {
        levels.push(replica.list_level(level).await?);
    }
    for level in 0..=3usize {
        let covered_by = levels
            .get(level + 1)
            .and_then(|l| l.last())
            .map_or(0, |f| f.max);
        for f in &levels[level] {
            let obsolete = f.max <= floor;
            let compacted =
                level < 3 && f.max <= covered_by && now_ms - f.modified_ms > ms(LEVEL_KEEP[level]);
            if obsolete || compacted {
                replica.delete_ltx(f).await?;
                deleted += 1;
            }
        }
    }
    Ok(deleted)
}
