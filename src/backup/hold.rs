//! The replicator's own `SQLite` connections: the read transactions that keep unshipped WAL
//! frames from being checkpointed, and the write lock taken for full images and WAL restarts
//! (see the module documentation of [`super`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use super::BackupError;
use super::snapshot::Image;
use super::wal::{self, WalPos};

/// The replicator's own `SQLite` connections (see the module documentation).
pub(super) struct Sqlite {
    pub(super) db_path: PathBuf,
    pub(super) holds: [Connection; 2],
    pub(super) holding: [bool; 2],
    pub(super) active: Option<usize>,
    /// Takes the write lock (`BEGIN IMMEDIATE`) for full images and WAL restarts.
    pub(super) ctl: Connection,
}

/// What one look at the WAL found.
pub(super) enum Found {
    /// Transactions (maybe none) after the position, and the new position.
    Batch(wal::Batch, WalPos),
    /// The WAL cannot be followed: ship the whole database.
    Resync,
}

pub(super) fn open_conn(path: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.execute_batch("PRAGMA busy_timeout = 5000;")?;
    Ok(c)
}

impl Sqlite {
    pub(super) fn open(db_path: &Path) -> rusqlite::Result<Sqlite> {
        Ok(Sqlite {
            db_path: db_path.to_path_buf(),
            holds: [open_conn(db_path)?, open_conn(db_path)?],
            holding: [false, false],
            active: None,
            ctl: open_conn(db_path)?,
        })
    }

    pub(super) fn idle(&self) -> usize {
        self.active.map_or(0, |a| 1 - a)
    }

    /// Opens a read transaction on `i` (its snapshot is the latest commit).
    pub(super) fn begin_hold(&mut self, i: usize) -> rusqlite::Result<()> {
        self.end_hold(i);
        self.holds[i].execute_batch("BEGIN DEFERRED")?;
        self.holding[i] = true;
        self.holds[i].query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(())
    }

    pub(super) fn end_hold(&mut self, i: usize) {
        if self.holding[i] {
            let _ = self.holds[i].execute_batch("ROLLBACK");
            self.holding[i] = false;
        }
    }

    /// `i` becomes the read transaction that protects the WAL; the other one closes.
    pub(super) fn promote(&mut self, i: usize) {
        if let Some(a) = self.active
            && a != i
        {
            self.end_hold(a);
        }
        self.active = Some(i);
    }

    pub(super) fn wal_path(&self) -> PathBuf {
        wal::wal_path(&self.db_path)
    }

    /// Opens a new read transaction on the idle connection, then reads the WAL after `pos`.
    pub(super) fn look(&mut self, pos: Option<&WalPos>) -> Result<(Found, usize), BackupError> {
        let i = self.idle();
        self.begin_hold(i)?;
        let found = match wal::read_header(&self.wal_path())? {
            None => match pos {
                Some(p) => Found::Batch(wal::Batch::default(), *p),
                None => Found::Resync,
            },
            Some(h) => match pos {
                // Shipped while there was no WAL: the first WAL holds only later commits (our
                // read transaction on the database file alone lets no checkpoint run).
                Some(p) if p.is_empty() => {
                    let (batch, end) = wal::read_after(&self.wal_path(), &WalPos::start(h))?;
                    Found::Batch(batch, end)
                }
                Some(p) if p.header == h => {
                    let (batch, end) = wal::read_after(&self.wal_path(), p)?;
                    Found::Batch(batch, end)
                }
                // A restart sets salt1 to the previous salt1 + 1 (from the shared wal-index);
                // the checkpoint sequence number is per connection and not usable here.
                Some(p) if h.salt1 == p.header.salt1.wrapping_add(1) => {
                    let (batch, end) = wal::read_after(&self.wal_path(), &WalPos::start(h))?;
                    Found::Batch(batch, end)
                }
                _ => Found::Resync,
            },
        };
        Ok((found, i))
    }

    /// Captures the whole database under the write lock, with a read transaction left open
    /// on the idle connection at exactly that state.
    pub(super) fn capture(&mut self) -> Result<(Image, usize), BackupError> {
        self.ctl.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            let image = Image::capture(&self.db_path)?;
            let i = self.idle();
            self.begin_hold(i)?;
            Ok::<_, BackupError>((image, i))
        })();
        let _ = self.ctl.execute_batch("ROLLBACK");
        result
    }

    /// `PRAGMA wal_checkpoint(PASSIVE)`: (log frames, checkpointed frames).
    pub(super) fn checkpoint_passive(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(1)?, r.get(2)?))
        })
    }

    /// Lets the WAL restart without losing a frame (see the module documentation). Returns
    /// whether every frame was copied.
    pub(super) fn restart_wal(&mut self, pos: &WalPos) -> Result<bool, BackupError> {
        self.ctl.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            let h = wal::read_header(&self.wal_path())?;
            if h != Some(pos.header) {
                return Ok(false);
            }
            let (batch, _) = wal::read_after(&self.wal_path(), pos)?;
            if batch.transactions > 0 {
                return Ok(false); // new commits: ship them first
            }
            // The write lock's own snapshot (the shipped end) now bounds the checkpoint.
            if let Some(a) = self.active.take() {
                self.end_hold(a);
            }
            let i = usize::from(self.holding[0]);
            let mut full = false;
            for _ in 0..20 {
                let (log, done) = Self::checkpoint_passive(&self.holds[i])?;
                if log == done {
                    full = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            self.begin_hold(i)?;
            self.active = Some(i);
            Ok(full)
        })();
        let _ = self.ctl.execute_batch("ROLLBACK");
        if self.active.is_none() {
            // Never leave the WAL unprotected.
            let i = self.idle();
            self.begin_hold(i)?;
            self.active = Some(i);
        }
        result
    }
}

/// Runs `f` while holding the app's writer mutex (when there is an app).
pub(super) fn gated<T>(gate: Option<&crate::db::Db>, f: impl FnOnce() -> T) -> T {
    match gate {
        Some(db) => {
            let mut out = None;
            let mut f = Some(f);
            let _ = db.with_writer(|_| {
                out = f.take().map(|f| f());
                Ok(())
            });
            out.unwrap_or_else(|| (f.take().expect("not run"))())
        }
        None => f(),
    }
}
