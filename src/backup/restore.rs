//! Restore: pick the chain of LTX files, verify every one, rebuild the database, check it.
//!
//! 1. **Plan** (as litestream's `CalcRestorePlan`): the latest level-9 snapshot before the
//!    target, then repeatedly, over levels 8..0, the file that starts at or before the next TXID
//!    and reaches furthest. The chain must start at TXID 1, and no eligible file may start beyond
//!    the end of the chain (a missing file) — both are errors, never a silently older database.
//! 2. **Apply**: download each file to `<out>.tmp.ltx`, decode it page by page (file checksum,
//!    LZ4 content checksums, page index, header/name agreement: any failure fails the restore),
//!    write its pages at their offsets in `<out>.tmp` in chain order (newest wins), then cut the
//!    file at the final commit size. Memory stays at a page whatever the database size.
//! 3. **Verify**: open the result with `SQLite` and require `PRAGMA integrity_check` = `ok`.
//! 4. **Swap**: rename `<out>.tmp` to `<out>`; an existing `<out>` (or its `-wal`) is refused
//!    before anything is downloaded, so a live database is never overwritten.

use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::layout::SNAPSHOT_LEVEL;
use super::ltx;
use super::store::{FileInfo, Replica, StoreError};

/// Why a restore failed.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "{0} already exists: refusing to overwrite a database. Fix: choose another -o path or move the file away"
    )]
    Exists(PathBuf),
    #[error("the replica holds no backup{0}")]
    Empty(String),
    #[error("the replica chain is broken: {0}")]
    Chain(String),
    #[error("LTX file {file} is invalid: {source}")]
    Ltx { file: String, source: ltx::LtxError },
    #[error("replica: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the restored database failed PRAGMA integrity_check: {0}")]
    Integrity(String),
}

/// What a restore produced.
#[derive(Debug, Clone)]
pub struct Summary {
    pub txid: u64,
    pub files: usize,
    pub pages: u32,
    pub page_size: u32,
    pub timestamp: Option<DateTime<Utc>>,
}

fn describe(f: &FileInfo) -> String {
    format!(
        "level {} {}",
        f.level,
        super::layout::file_name(f.min, f.max)
    )
}

/// Reads each file's header timestamp (only needed for point-in-time restores).
async fn timestamp_of(replica: &Replica, f: &FileInfo) -> Result<i64, RestoreError> {
    let bytes = replica.get_ltx_header(f).await?;
    // Only the header matters here; `apply` decodes and verifies the whole file later.
    if bytes.len() < ltx::HEADER_SIZE || &bytes[0..4] != b"LTX1" {
        return Err(RestoreError::Ltx {
            file: describe(f),
            source: ltx::LtxError::Magic,
        });
    }
    Ok(i64::from_be_bytes(
        bytes[32..40].try_into().expect("8 bytes"),
    ))
}

/// The chain of files that rebuilds the database as of `target` (latest when `None`).
pub async fn plan(
    replica: &Replica,
    target: Option<DateTime<Utc>>,
) -> Result<Vec<FileInfo>, RestoreError> {
    let target_ms = target.map(|t| t.timestamp_millis());
    let mut levels: Vec<Vec<FileInfo>> = Vec::new();
    for level in 0..=SNAPSHOT_LEVEL {
        let mut files = replica.list_level(level).await?;
        if let Some(t) = target_ms {
            let mut kept = Vec::with_capacity(files.len());
            for f in files {
                if timestamp_of(replica, &f).await? < t {
                    kept.push(f);
                }
            }
            files = kept;
        }
        levels.push(files);
    }
    let mut chain: Vec<FileInfo> = Vec::new();
    if let Some(snapshot) = levels[SNAPSHOT_LEVEL as usize].last() {
        chain.push(*snapshot);
    }
    let mut current = chain.last().map_or(0, |f| f.max);
    loop {
        let mut best: Option<FileInfo> = None;
        for level in (0..SNAPSHOT_LEVEL).rev() {
            for f in &levels[level as usize] {
                if f.min > current + 1 || f.max <= current {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some(b) => {
                        (f.max, std::cmp::Reverse(f.min), f.level)
                            > (b.max, std::cmp::Reverse(b.min), b.level)
                    }
                };
                if better {
                    best = Some(*f);
                }
            }
        }
        match best {
            Some(f) => {
                current = f.max;
                chain.push(f);
            }
            None => break,
        }
    }
    let Some(first) = chain.first() else {
        let when = target.map_or(String::new(), |t| format!(" before {}", t.to_rfc3339()));
        return Err(RestoreError::Empty(when));
    };
    if first.min != 1 {
        return Err(RestoreError::Chain(format!(
            "it starts at TXID {:016x} ({}), not at a snapshot",
            first.min,
            describe(first)
        )));
    }
    // A file that could extend the chain but starts after a hole means a file is missing.
    for files in &levels {
        if let Some(f) = files.iter().find(|f| f.min > current + 1) {
            return Err(RestoreError::Chain(format!(
                "TXIDs {:016x}..{:016x} are missing: the chain ends at {current:016x} but {} follows",
                current + 1,
                f.min - 1,
                describe(f)
            )));
        }
    }
    Ok(chain)
}

/// Downloads, verifies and applies `chain` into `path` (created); returns the summary. Each
/// file is downloaded to `<path>.ltx` and decoded from there page by page, so memory stays at a
/// page whatever the size of the files.
pub async fn apply(
    replica: &Replica,
    chain: &[FileInfo],
    path: &Path,
) -> Result<Summary, RestoreError> {
    let file = File::options().write(true).create_new(true).open(path)?;
    let download = sibling(path, ".ltx");
    let result = apply_files(replica, chain, &file, &download).await;
    let _ = std::fs::remove_file(&download);
    let (page_size, commit, ts) = result?;
    file.set_len(u64::from(commit) * u64::from(page_size))?;
    file.sync_all()?;
    Ok(Summary {
        txid: chain.last().map_or(0, |f| f.max),
        files: chain.len(),
        pages: commit,
        page_size,
        timestamp: ts,
    })
}

/// Applies each file of `chain` to `file`; returns the page size, the final size in pages and
/// the last file's time.
async fn apply_files(
    replica: &Replica,
    chain: &[FileInfo],
    file: &File,
    download: &Path,
) -> Result<(u32, u32, Option<DateTime<Utc>>), RestoreError> {
    let mut page_size = 0u32;
    let mut commit = 0u32;
    let mut ts = None;
    for f in chain {
        replica.download_ltx(f, download).await?;
        let reader = std::io::BufReader::with_capacity(1 << 20, File::open(download)?);
        let h = ltx::decode_from(reader, |h, pgno, page| {
            if page_size == 0 {
                page_size = h.page_size;
            } else if h.page_size != page_size {
                return Err(ltx::LtxError::Header("the page size changes".into()));
            }
            file.write_all_at(page, u64::from(pgno - 1) * u64::from(page_size))?;
            Ok(())
        })
        .map_err(|source| RestoreError::Ltx {
            file: describe(f),
            source,
        })?;
        if h.min_txid != f.min || h.max_txid != f.max {
            return Err(RestoreError::Chain(format!(
                "{} holds TXIDs {:016x}..{:016x}",
                describe(f),
                h.min_txid,
                h.max_txid
            )));
        }
        page_size = h.page_size;
        commit = h.commit;
        ts = DateTime::from_timestamp_millis(h.timestamp_ms);
    }
    Ok((page_size, commit, ts))
}

/// `PRAGMA integrity_check` on a closed database file; `Ok` only for `ok`.
pub fn integrity_check(path: &Path) -> Result<(), RestoreError> {
    let conn =
        rusqlite::Connection::open(path).map_err(|e| RestoreError::Integrity(e.to_string()))?;
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| RestoreError::Integrity(e.to_string()))?;
    drop(conn);
    if rows == ["ok"] {
        Ok(())
    } else {
        Err(RestoreError::Integrity(rows.join("; ")))
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    p.into()
}

/// Restores the database to `out` (see the module documentation for the steps).
pub async fn restore(
    replica: &Replica,
    out: &Path,
    target: Option<DateTime<Utc>>,
) -> Result<Summary, RestoreError> {
    for p in [out.to_path_buf(), sibling(out, "-wal")] {
        if p.exists() {
            return Err(RestoreError::Exists(p));
        }
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let chain = plan(replica, target).await?;
    let tmp = sibling(out, ".tmp");
    for p in [tmp.clone(), sibling(&tmp, "-wal"), sibling(&tmp, "-shm")] {
        let _ = std::fs::remove_file(p);
    }
    let result = async {
        let summary = apply(replica, &chain, &tmp).await?;
        integrity_check(&tmp)?;
        Ok::<_, RestoreError>(summary)
    }
    .await;
    match result {
        Ok(summary) => {
            std::fs::rename(&tmp, out)?;
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                File::open(parent)?.sync_all()?;
            }
            Ok(summary)
        }
        Err(e) => {
            for p in [tmp.clone(), sibling(&tmp, "-wal"), sibling(&tmp, "-shm")] {
                let _ = std::fs::remove_file(p);
            }
            Err(e)
        }
    }
}
