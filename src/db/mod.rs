//! `SQLite` access: one writer connection (`BEGIN IMMEDIATE`) and a pool of readers.
//!
//! rusqlite is blocking, so every call runs on Tokio's blocking pool via [`Db::read`] and
//! [`Db::write`]; a connection is never held across an `.await` of network I/O.
//!
//! Pragmas are applied in this order on every connection (the order matters: `busy_timeout`
//! first so that the following statements wait instead of failing while another process holds a
//! lock): `busy_timeout`, `journal_mode=WAL`, `foreign_keys=ON`, `synchronous=FULL`.
//! `docs/ARCHITECTURE.md` explains why FULL rather than NORMAL.

pub mod airline_stats;
pub mod assignment;
pub mod audit;
pub mod chasers;
pub mod claim_admin;
pub mod claim_queue;
pub mod claim_signals;
pub mod claims;
pub mod documents;
pub mod drafts;
pub mod escalation_documents;
pub mod exports;
pub mod invitations;
pub mod invoices;
pub mod ledger;
pub mod mandates;
pub mod messages;
pub mod migrate;
pub mod outbox;
pub mod payout_batches;
pub mod payout_changes;
pub mod sessions;
pub mod settlements;
pub mod staff_totp;
pub mod stats;
pub mod tokens;
pub mod user_search;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

/// How long a statement waits for a lock before giving up with `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const READ_POOL_SIZE: u32 = 8;

const PRAGMAS: &str = "PRAGMA busy_timeout = 5000;
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = FULL;";

/// Database failures. Handlers map them to `AppError`.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
    #[error("pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("schema: {0}")]
    Schema(String),
    #[error("mail: {0}")]
    Mail(String),
    #[error("blocking task failed: {0}")]
    Join(String),
}

impl DbError {
    /// Whether the write failed for lack of disk space (`SQLITE_FULL`: `SQLite` reports `ENOSPC`
    /// that way), which passengers see as "temporarily unavailable" rather than a server error.
    pub fn is_disk_full(&self) -> bool {
        matches!(
            self,
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DiskFull
        )
    }
}

/// Whether an I/O error means the file system is full (`ENOSPC`, or `EDQUOT` for a quota).
pub fn is_disk_full_io(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::StorageFull
        || err.kind() == std::io::ErrorKind::QuotaExceeded
        || matches!(err.raw_os_error(), Some(28 | 122))
}

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        match err {
            rusqlite::Error::QueryReturnedNoRows => DbError::NotFound,
            rusqlite::Error::SqliteFailure(e, msg)
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                DbError::Conflict(msg.unwrap_or_default())
            }
            other => DbError::Sqlite(other),
        }
    }
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: r2d2::Pool<SqliteConnectionManager>,
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

/// Pool usage numbers for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}

fn apply_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(PRAGMAS)
}

impl Db {
    /// Opens (creating if needed) the database file. Does not migrate.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        if let Some(parent) = path.parent() {
            crate::fsperm::create_private_dir(parent)
                .map_err(|e| DbError::Schema(format!("cannot create {}: {e}", parent.display())))?;
        }
        // Created 0600 before SQLite sees it: SQLite gives `-wal` and `-shm` the mode of the
        // database file.
        crate::fsperm::touch_private(path)
            .map_err(|e| DbError::Schema(format!("cannot create {}: {e}", path.display())))?;
        let writer = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        apply_pragmas(&writer)?;
        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_init(|c| {
                c.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;")
            });
        let readers = r2d2::Pool::builder()
            .max_size(READ_POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on a pooled read-only connection, off the async executor.
    pub async fn read<F, T>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f))
            .await
            .map_err(|e| DbError::Join(e.to_string()))?
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction on the writer, committing on `Ok`.
    pub async fn write<F, T>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|e| DbError::Join(e.to_string()))?
    }

    /// Runs a use case inside one `BEGIN IMMEDIATE` transaction on the writer: committed on
    /// `Ok`, rolled back on any `Err`, a refusal (`E`'s business variants) included, so that a
    /// refused use case leaves nothing behind.
    pub async fn transact<F, T, E>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.transact_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Join(e.to_string())))?
    }

    /// [`Db::transact`] on the calling thread.
    pub fn transact_blocking<F, T, E>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E>,
        E: From<DbError>,
    {
        let mut conn = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(DbError::from)?;
        // Dropping `tx` on the error path rolls it back.
        let out = f(&tx)?;
        tx.commit().map_err(DbError::from)?;
        Ok(out)
    }

    pub fn read_blocking<F, T>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&Connection) -> Result<T, DbError>,
    {
        let conn = self.inner.readers.get()?;
        f(&conn)
    }

    pub fn write_blocking<F, T>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, DbError>,
    {
        // A panic inside `f` poisons the mutex; the connection itself is still sound (the
        // transaction was rolled back when dropped), so recover it instead of failing forever.
        let mut conn = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` with the writer connection itself (migrations, checkpoints).
    pub fn with_writer<F, T>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut Connection) -> Result<T, DbError>,
    {
        let mut conn = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut conn)
    }

    /// `SELECT 1` on a reader: does the database answer?
    pub async fn ping(&self) -> bool {
        self.read(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await
            .is_ok()
    }

    pub fn pool_stats(&self) -> PoolStats {
        let state = self.inner.readers.state();
        PoolStats {
            connections: state.connections,
            idle: state.idle_connections,
            max: READ_POOL_SIZE,
        }
    }

    /// Sizes of the database and WAL files in bytes.
    pub fn file_sizes(&self) -> (u64, u64) {
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let mut wal = self.inner.path.clone().into_os_string();
        wal.push("-wal");
        (size(&self.inner.path), size(Path::new(&wal)))
    }
}

/// A `LIKE … ESCAPE '\'` pattern matching `text` anywhere: `%`, `_` and `\` in the text are
/// literal characters, not wildcards (a search for `%` must not list every row).
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// An FTS5 query matching `text` as one phrase (trigram tables: as a substring), with no
/// query syntax: quotes are doubled inside the phrase, so `OR`, `*`, `NEAR` are plain text.
pub fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// A time as the text `SQLite` stores (`YYYY-MM-DDTHH:MM:SSZ`, UTC); sorts like the instant.
pub fn time_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Current time as the text `SQLite` stores (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
pub fn now_text() -> String {
    time_text(chrono::Utc::now())
}
