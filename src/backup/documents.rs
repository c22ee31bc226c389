//! Uploaded documents (boarding passes, receipts): content-addressed copies in the replica under
//! `documents/<sha256 hex>`, beside the LTX files.
//!
//! The claim feature stores a document in `<data_dir>/documents/<sha256 hex>` and calls [`put`];
//! the replicator also runs [`sync_dir`] every minute, so a document saved during an object-store
//! outage is uploaded once the store is back. Objects are immutable: same name, same bytes.
//! `flightclaim restore` calls [`restore_all`] to bring them back into the data directory: it
//! goes on past a document it cannot restore, reports each, and resumes on a second run
//! (`flightclaim restore --documents-only`).

use std::path::Path;

use sha2::{Digest as _, Sha256};

use super::layout::document_key;
use super::store::{Replica, StoreError};

/// Directory of the documents inside the data directory.
pub const DIR: &str = "documents";

/// The content address of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn valid_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Uploads one document (skipped when the replica already has it); returns its SHA-256.
pub async fn put(replica: &Replica, bytes: &[u8]) -> Result<String, StoreError> {
    let sha = sha256_hex(bytes);
    let key = document_key(&sha);
    if !replica.exists(&key).await? {
        replica.put_raw(&key, bytes.to_vec()).await?;
    }
    Ok(sha)
}

/// Uploads every document of `dir` that the replica lacks; returns how many were uploaded.
pub async fn sync_dir(replica: &Replica, dir: &Path) -> Result<usize, StoreError> {
    let local = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| valid_name(n))
            .collect::<Vec<_>>(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    if local.is_empty() {
        return Ok(0);
    }
    let remote: std::collections::HashSet<String> =
        replica.list_names(DIR).await?.into_iter().collect();
    let mut uploaded = 0;
    for name in local.iter().filter(|n| !remote.contains(*n)) {
        let bytes = std::fs::read(dir.join(name))?;
        if sha256_hex(&bytes) != *name {
            tracing::error!(document = %name, "document content does not match its name; not replicated");
            continue;
        }
        replica.put_raw(&document_key(name), bytes).await?;
        uploaded += 1;
    }
    Ok(uploaded)
}

/// What [`restore_all`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Documents downloaded now.
    pub written: usize,
    /// Documents already in `dir` with the right content (an earlier, interrupted run).
    pub present: usize,
    /// Documents that could not be restored: name and why. The others are restored anyway.
    pub failed: Vec<(String, String)>,
}

/// Downloads every document into `dir`, verifying each hash. A document that fails (missing,
/// corrupted, a store error) is reported and skipped; documents already present with the right
/// content are kept, so running it again resumes where it failed.
pub async fn restore_all(replica: &Replica, dir: &Path) -> Result<Restored, StoreError> {
    let names = replica.list_names(DIR).await?;
    std::fs::create_dir_all(dir)?;
    let mut report = Restored::default();
    for name in names.iter().filter(|n| valid_name(n)) {
        let target = dir.join(name);
        if std::fs::read(&target).is_ok_and(|b| sha256_hex(&b) == *name) {
            report.present += 1;
            continue;
        }
        let fetched = async {
            let bytes = replica.get_raw(&document_key(name)).await?;
            if sha256_hex(&bytes) != *name {
                return Err(StoreError::Io(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "corrupted in the replica (hash mismatch)",
                )));
            }
            let tmp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &target)?;
            Ok(())
        }
        .await;
        match fetched {
            Ok(()) => report.written += 1,
            Err(e) => {
                tracing::error!(document = %name, error = %e, "document not restored");
                report.failed.push((name.clone(), e.to_string()));
            }
        }
    }
    Ok(report)
}
