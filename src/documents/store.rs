//! Content-addressed storage of passenger documents on the local disk.
//!
//! Layout: `<data_dir>/documents/<sha256 hex>`, flat, no extension — exactly what
//! [`crate::backup::documents::sync_dir`] replicates and `restore_all` brings back, so a stored
//! document is replicated as is. The directory is outside every served directory: a document is
//! only ever read back through [`DocumentStore::open`], by its digest.
//!
//! Temporary files are named `.upload-<random>.tmp` in the same directory (same filesystem, so
//! the final rename is atomic); `sync_dir` ignores them because they are not 64 hex digits.

use std::path::{Path, PathBuf};

use rand::Rng as _;
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};

use super::DocumentError;
use super::sniff::{DocumentType, SNIFF_BYTES, sniff};

/// Largest document accepted: 10 MiB. The Rocket `file`/`data-form` limits (12 MiB, `app.rs`)
/// sit above it so a slightly larger upload reaches [`DocumentStore::save_stream`] and gets the
/// friendly `documents.error.too_large` message instead of a bare 413.
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

const CHUNK_BYTES: usize = 64 * 1024;

/// A document on disk, identified by the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredDocument {
    /// Lowercase hex SHA-256: the file name and the key to store in the database.
    pub sha256: String,
    pub size_bytes: u64,
    pub kind: DocumentType,
    pub content_type: &'static str,
}

/// The document directory of one data directory.
#[derive(Debug, Clone)]
pub struct DocumentStore {
    dir: PathBuf,
}

impl DocumentStore {
    /// The store of `data_dir` (files under `<data_dir>/documents/`, created on first save).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join(crate::backup::documents::DIR),
        }
    }

    /// Removes stored files that no row points at and that are older than `min_age` (a file
    /// just saved by an upload whose row is not committed yet is younger than that). Leftover
    /// `.upload-*.tmp` files of interrupted uploads go too. Returns how many files went.
    pub fn remove_unreferenced(
        &self,
        referenced: &std::collections::HashSet<String>,
        min_age: std::time::Duration,
    ) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().to_string();
            let is_digest = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
            let is_temp = name.starts_with(".upload-")
                && Path::new(&name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("tmp"));
            if !(is_digest || is_temp) || referenced.contains(&name) {
                continue;
            }
            let age = entry.metadata()?.modified()?.elapsed().unwrap_or_default();
            if age >= min_age {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// `<data_dir>/documents`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Streams `reader` into the store and returns what was stored.
    ///
    /// Steps:
    /// 1. create `.upload-<random>.tmp` (mode 0600) in the documents directory;
    /// 2. copy in 64 KiB chunks, hashing as it goes — never the whole file in memory;
    ///    refuse as soon as the first bytes are not an accepted type or the size passes
    ///    `max_bytes`;
    /// 3. refuse an empty stream;
    /// 4. fsync the file, rename it to its digest (or drop it when that digest is already
    ///    stored: same name, same bytes), fsync the directory.
    ///
    /// On any refusal or error the temporary file is removed.
    pub async fn save_stream(
        &self,
        reader: impl AsyncRead + Unpin,
        max_bytes: u64,
    ) -> Result<StoredDocument, DocumentError> {
        tokio::fs::DirBuilder::new()
            .recursive(true)
            .mode(crate::fsperm::DIR_MODE)
            .create(&self.dir)
            .await?;
        let tmp = self.dir.join(format!(
            ".upload-{}.tmp",
            hex::encode(rand::rng().random::<[u8; 12]>())
        ));
        let result = self.write_and_commit(reader, max_bytes, &tmp).await;
        if result.is_err() {
            // Best effort: the file may not exist (creation failed) or be gone already.
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    async fn write_and_commit(
        &self,
        mut reader: impl AsyncRead + Unpin,
        max_bytes: u64,
        tmp: &Path,
    ) -> Result<StoredDocument, DocumentError> {
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(tmp)
            .await?;
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        let mut kind = None;
        let mut size: u64 = 0;
        let mut buf = vec![0u8; CHUNK_BYTES];
        loop {
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > max_bytes {
                return Err(DocumentError::TooLarge { max_bytes });
            }
            let chunk = &buf[..n];
            if kind.is_none() {
                let take = (SNIFF_BYTES - head.len()).min(n);
                head.extend_from_slice(&chunk[..take]);
                if head.len() == SNIFF_BYTES {
                    kind = Some(sniff(&head).ok_or(DocumentError::WrongType)?);
                }
            }
            hasher.update(chunk);
            file.write_all(chunk).await?;
        }
        if size == 0 {
            return Err(DocumentError::Empty);
        }
        let kind = match kind {
            Some(k) => k,
            None => sniff(&head).ok_or(DocumentError::WrongType)?,
        };
        file.flush().await?;
        file.sync_all().await?;
        drop(file);

        let sha256 = hex::encode(hasher.finalize());
        let target = self.dir.join(&sha256);
        if tokio::fs::try_exists(&target).await? {
            tokio::fs::remove_file(tmp).await?;
        } else {
            tokio::fs::rename(tmp, &target).await?;
            sync_dir(&self.dir).await?;
        }
        Ok(StoredDocument {
            sha256,
            size_bytes: size,
            kind,
            content_type: kind.content_type(),
        })
    }

    /// Stores bytes the application generated (a PDF drawn by [`crate::pdf`]), synchronously:
    /// for use cases that run inside a database transaction on a blocking thread. Same checks
    /// and layout as [`Self::save_stream`]: sniffed type, size cap, temporary file, fsync,
    /// rename to the digest (kept when already there), fsync of the directory.
    pub fn save_bytes_blocking(&self, bytes: &[u8]) -> Result<StoredDocument, DocumentError> {
        use std::io::Write as _;
        use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
        if bytes.is_empty() {
            return Err(DocumentError::Empty);
        }
        if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
            return Err(DocumentError::TooLarge {
                max_bytes: MAX_DOCUMENT_BYTES,
            });
        }
        let kind = sniff(&bytes[..bytes.len().min(SNIFF_BYTES)]).ok_or(DocumentError::WrongType)?;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(crate::fsperm::DIR_MODE)
            .create(&self.dir)?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let target = self.dir.join(&sha256);
        if !target.exists() {
            let tmp = self.dir.join(format!(
                ".upload-{}.tmp",
                hex::encode(rand::rng().random::<[u8; 12]>())
            ));
            let written = (|| {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&tmp)?;
                file.write_all(bytes)?;
                file.sync_all()?;
                std::fs::rename(&tmp, &target)?;
                std::fs::File::open(&self.dir)?.sync_all()
            })();
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(e.into());
            }
        }
        Ok(StoredDocument {
            sha256,
            size_bytes: bytes.len() as u64,
            kind,
            content_type: kind.content_type(),
        })
    }

    /// Reads a whole stored document (generated PDFs are small).
    pub async fn read_all(&self, sha256: &str) -> Result<Vec<u8>, DocumentError> {
        let path = self.path_of(sha256)?;
        match tokio::fs::read(path).await {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(DocumentError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// The path of a stored document; `NotFound` unless `sha256` is 64 lowercase hex digits
    /// (so no `..`, `/` or absolute path can reach the filesystem).
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, DocumentError> {
        if is_digest(sha256) {
            Ok(self.dir.join(sha256))
        } else {
            Err(DocumentError::NotFound)
        }
    }

    /// Opens a stored document for reading (to stream it back to its owner or an admin).
    pub async fn open(&self, sha256: &str) -> Result<tokio::fs::File, DocumentError> {
        let path = self.path_of(sha256)?;
        match tokio::fs::File::open(path).await {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(DocumentError::NotFound),
            Err(e) => Err(e.into()),
        }
    }
}

fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Makes the rename durable (the directory entry, not only the file, must reach the disk).
async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(std::io::Error::other)?
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
