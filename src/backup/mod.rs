//! Continuous, Litestream-compatible replication of the database (and documents) to a replica.
//!
//! Enabled by `replica_url` (`file:///path` or `s3://bucket/prefix`). The replica is what
//! `litestream restore` (0.5.x) reads: LTX files in levels (see [`layout`] and [`ltx`]); our own
//! `flightclaim restore` ([`restore`]) reads the same files.
//!
//! # Shipping
//! Every `replica_sync_interval_ms` (1 s) the replicator reads the WAL file after the last
//! shipped commit frame ([`wal`]), takes the latest version of each page changed by the complete
//! transactions it finds, and uploads them as one level-0 LTX file whose TXID is the previous
//! one plus one (`TXIDs` count syncs, not `SQLite` transactions, and are contiguous). If the upload
//! fails nothing advances: the next attempt (after a backoff of 1 s doubling up to 10 s) reads
//! from the same place and ships everything accumulated in one file, so an outage ends with one
//! catch-up upload. At start-up, and whenever the WAL cannot be followed (or the replica was
//! found broken), the whole database is shipped instead, as a snapshot `1-<next TXID>` in level
//! 0, copied within the store to level 9 when a snapshot is due (one upload, not two). It is
//! written page by page to `replica-upload.ltx` in the data directory and uploaded from there in
//! parts of 8 MiB ([`store::Replica::put_ltx_file`]), so memory stays bounded whatever the size
//! of the database and a slow link times out per part, not per object.
//!
//! A graceful stop records in the replica's lease the TXID shipped last and a checksum of the
//! database at that TXID ([`lease::Position`]); the next start of the same server compares it
//! with the database and, when nothing changed, continues the chain without uploading anything.
//!
//! # Why no WAL frame is checkpointed before it is shipped
//! `SQLite` loses WAL frames only when it *restarts* the WAL (new salts, writing again from the
//! start), and it restarts only once every frame has been copied into the database file
//! ("backfilled") by a checkpoint. A checkpoint never copies a frame newer than the snapshot of
//! an open read transaction (and copies nothing while a reader uses the database file alone).
//! So the replicator keeps a **read transaction open at all times on a dedicated connection**
//! whose snapshot is never newer than what has been shipped:
//!
//! * it has two such connections and alternates: each sync first opens a read transaction on the
//!   idle one (snapshot S), then ships the WAL up to its end E ≥ S, and only after a successful
//!   upload closes the old one. The oldest open snapshot is therefore always ≤ the shipped end,
//!   with no gap between the two, whatever other processes (`flightclaim create-admin`, the
//!   `sqlite3` shell) do with their own automatic checkpoints;
//! * the app's writer runs with `PRAGMA wal_autocheckpoint = 0` when replication is on: the
//!   replicator owns checkpointing. After each upload it runs a `PASSIVE` checkpoint (bounded by
//!   its own read transaction, so it only copies shipped frames);
//! * when the WAL reaches [`CHECKPOINT_FRAMES`] frames it lets the WAL restart: it takes `SQLite`'s
//!   write lock (`BEGIN IMMEDIATE` on a third connection, so nothing commits), checks that
//!   everything is shipped, releases its read transaction, runs a `PASSIVE` checkpoint that now
//!   copies every frame, opens a new read transaction (at the same, fully copied point: it does
//!   not block the restart) and releases the write lock. The next write of any connection then
//!   restarts the WAL, and the app's writer (`journal_size_limit`) truncates the file. This is
//!   the `RESTART`/`TRUNCATE` of Litestream, without the window in which a writer could slip in
//!   between the last upload and the checkpoint;
//! * a WAL restart is recognised by new salts in the WAL header. It is followed from the start
//!   of the new WAL only when the new salt1 is the previous one plus one, which is what one
//!   restart does (`walRestartHdr`); anything else (two restarts, our process restarted, the WAL
//!   deleted and created again) ships the whole database.
//!
//! # Compaction, snapshots, retention
//! Level 1 is compacted from level 0 every 30 s, level 2 from 1 every 5 minutes, level 3 from 2
//! every hour; a level-9 snapshot is written at start-up and every `replica_snapshot_interval_hours`
//! (built from the replica itself, [`compact::snapshot_from_replica`]); retention
//! ([`compact::enforce_retention`]) keeps `replica_retention_days` of snapshots.
//!
//! # Ownership
//! One writer per replica: the replicator takes the replica's lease ([`lease`]) before it ships
//! anything, renews it every 10 s and stops for good if another server took it over. `serve`
//! also holds the data directory's lock (`flightclaim.lock`, `app::lock_data_dir`), so two
//! servers never share a database, replication on or off.
//!
//! # Health
//! [`StatusHandle`] holds the lag (age of the oldest change not yet shipped), the last success
//! and the last error, read by `/ready`, `/metrics` and the admin system page. A lag above
//! `replica_lag_alert_secs` logs an error and calls [`alert_replication_lag`]. The replica is
//! verified continuously ([`verify`]: the chain every minute, a full restore and integrity check
//! every `replica_verify_interval_secs`); a broken replica makes `/ready` 503, emails the admins
//! and is healed by a fresh snapshot.

pub mod compact;
pub mod documents;
mod hold;
pub mod layout;
pub mod lease;
pub mod ltx;
pub mod restore;
pub mod snapshot;
mod status;
pub mod store;
mod task;
pub mod verify;
pub mod wal;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rusqlite::Connection;

use crate::config::AppConfig;
use hold::{Found, Sqlite, gated};
use layout::SNAPSHOT_LEVEL;
use snapshot::Image;
pub use status::{ReplicationStatus, StatusHandle, alert_replication_lag};
use status::{email_admins, email_admins_about_lag, unix_now};
pub use store::Replica;
pub use task::TaskSlot;
use wal::WalPos;

/// WAL size (frames) at which the replicator lets `SQLite` restart the WAL.
pub const CHECKPOINT_FRAMES: u64 = 1000;
/// `journal_size_limit` of the app's writer while replicating: the WAL file is cut back to this
/// size when it restarts.
pub const WAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;
/// Longest pause between two attempts while the replica is failing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// File in the data directory locked by the process that ships to the replica.
pub const LOCK_FILE: &str = "replicator.lock";
/// Temporary LTX file of a whole-database upload, in the data directory.
pub const UPLOAD_FILE: &str = "replica-upload.ltx";

/// Replication failures.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("replica: {0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Restore(#[from] restore::RestoreError),
    #[error("ltx: {0}")]
    Ltx(#[from] ltx::LtxError),
    #[error("{0}")]
    Owned(#[from] lease::Owned),
    #[error("{0}")]
    Other(String),
}

impl From<lease::LeaseError> for BackupError {
    fn from(e: lease::LeaseError) -> Self {
        match e {
            lease::LeaseError::Store(e) => BackupError::Store(e),
            lease::LeaseError::Owned(o) => BackupError::Owned(o),
        }
    }
}

/// Schedules and limits, from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub url: String,
    pub db_path: PathBuf,
    pub documents_dir: PathBuf,
    pub sync_interval: Duration,
    pub retention: Duration,
    pub lag_alert: Duration,
    pub snapshot_interval: Duration,
    /// Compaction interval of levels 1, 2, 3.
    pub compaction: [Duration; 3],
    /// Full verification of the replica ([`verify`]); the chain is checked every minute or
    /// at this interval when shorter.
    pub verify_interval: Duration,
}

impl Settings {
    /// `None` when replication is off.
    pub fn from_config(cfg: &AppConfig) -> Option<Settings> {
        let url = cfg.replica_url.clone()?;
        Some(Settings {
            url,
            db_path: cfg.database_path(),
            documents_dir: cfg.data_dir.join(documents::DIR),
            sync_interval: Duration::from_millis(cfg.replica_sync_interval_ms.max(50)),
            retention: Duration::from_hours(24 * u64::from(cfg.replica_retention_days.max(1))),
            lag_alert: Duration::from_secs(cfg.replica_lag_alert_secs.max(1)),
            snapshot_interval: Duration::from_hours(u64::from(
                cfg.replica_snapshot_interval_hours.max(1),
            )),
            compaction: {
                let l1 = Duration::from_secs(cfg.replica_compaction_secs.max(1));
                [
                    l1,
                    (l1 * 10).max(Duration::from_mins(5)),
                    (l1 * 120).max(Duration::from_hours(1)),
                ]
            },
            verify_interval: Duration::from_secs(cfg.replica_verify_interval_secs.max(1)),
        })
    }
}

/// Tries to lock the data directory's replicator lock file; `None` if another process has it.
pub fn try_lock(data_dir: &Path) -> std::io::Result<Option<std::fs::File>> {
    std::fs::create_dir_all(data_dir)?;
    let f = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(LOCK_FILE))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Alerts raised and not yet cleared (each is logged and emailed once per incident).
#[derive(Debug, Default, Clone, Copy)]
struct Alerted {
    /// The lag passed `replica_lag_alert_secs`.
    lag: bool,
    /// A verification found the replica broken.
    broken: bool,
}

/// Ships the database to the replica; owned by one task.
pub struct Replicator {
    settings: Settings,
    replica: Replica,
    sqlite: Arc<Mutex<Sqlite>>,
    status: StatusHandle,
    /// Last TXID in the replica (`None` until the replica answered once).
    txid: Option<u64>,
    /// Where shipping stands in the WAL (`None`: ship the whole database next).
    pos: Option<WalPos>,
    /// Whether the next whole-database shipment also writes a level-9 snapshot.
    snapshot_with_image: bool,
    last_snapshot: Instant,
    last_compaction: [Instant; 3],
    last_maintenance: Instant,
    /// Modification time of the local documents directory when it was last shipped: a new
    /// upload renames a file into it, which changes it, and is then shipped within a tick.
    documents_mtime: Option<std::time::SystemTime>,
    /// Which alerts were raised (and not yet cleared).
    alerted: Alerted,
    /// The app's database: its writer mutex is held while we take `SQLite`'s write lock, so the
    /// app's own writes queue behind us instead of starving our `BEGIN IMMEDIATE`.
    gate: Option<crate::db::Db>,
    /// Where a lag alert goes: the admins, through the outbox.
    alerts: Option<std::sync::Arc<crate::mail::Mailer>>,
    /// This server, as the replica's lease names it.
    identity: lease::Identity,
    /// Whether this process holds the replica's lease.
    leased: bool,
    /// Where the previous process of this server stopped (from the released lease).
    resume: Option<lease::Position>,
    last_lease: Instant,
    /// When the chain / the whole replica was last verified (`None`: due now).
    last_chain_check: Option<Instant>,
    last_verify: Option<Instant>,
    /// A full verification running in the background, with the epoch it started in.
    verify_task: Option<(u64, tokio::task::JoinHandle<verify::Finding>)>,
    /// Bumped whenever the replica is found broken: verifications started before are ignored.
    verify_epoch: u64,
    verify_path: PathBuf,
    _lock: std::fs::File,
}

impl Replicator {
    /// Opens the replica and the replicator's connections. Fails if another process already
    /// replicates this data directory.
    pub fn new(settings: Settings, data_dir: &Path) -> Result<Replicator, BackupError> {
        let lock = try_lock(data_dir)?.ok_or_else(|| {
            BackupError::Other(format!(
                "another flightclaim process is already replicating {} (it holds {}). Fix: stop that server first; two servers must never share a data directory or a replica",
                data_dir.display(),
                LOCK_FILE
            ))
        })?;
        let identity = lease::Identity::load(data_dir)?;
        let replica = Replica::open(&settings.url)?;
        let sqlite = Sqlite::open(&settings.db_path)?;
        let status = StatusHandle::default();
        status.update(|s| {
            s.status.enabled = true;
            s.status.replica = replica.display().to_string();
            s.lag_alert = settings.lag_alert;
            s.dirty_since = Some(SystemTime::now());
        });
        let now = Instant::now();
        Ok(Replicator {
            settings,
            replica,
            sqlite: Arc::new(Mutex::new(sqlite)),
            status,
            txid: None,
            pos: None,
            snapshot_with_image: true,
            last_snapshot: now,
            last_compaction: [now; 3],
            last_maintenance: now,
            documents_mtime: None,
            alerted: Alerted::default(),
            gate: None,
            alerts: None,
            identity,
            leased: false,
            resume: None,
            last_lease: now,
            last_chain_check: None,
            last_verify: Some(now),
            verify_task: None,
            verify_epoch: 0,
            verify_path: data_dir.join(verify::VERIFY_FILE),
            _lock: lock,
        })
    }

    /// Takes the replica's lease now, from a thread of its own (for `serve`, before the
    /// runtime starts): a second server gets the lease owner's message and does not start.
    pub fn claim_replica_blocking(&mut self) -> Result<(), BackupError> {
        let url = self.settings.url.clone();
        let identity = self.identity.clone();
        let resume = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            // A replica of its own: its HTTP connections belong to this thread's runtime.
            let replica = Replica::open(&url)?;
            rt.block_on(lease::acquire(&replica, &identity, now_ms()))
                .map_err(BackupError::from)
        })
        .join()
        .map_err(|_| BackupError::Other("lease thread panicked".into()))??;
        self.leased = true;
        self.resume = resume;
        self.last_lease = Instant::now();
        Ok(())
    }

    /// Takes the lease if not yet done; once another server holds it, always fails.
    async fn ensure_lease(&mut self) -> Result<(), BackupError> {
        if let Some(c) = self.status.snapshot().conflict {
            return Err(BackupError::Other(c));
        }
        let now = Instant::now();
        let result = if !self.leased {
            lease::acquire(&self.replica, &self.identity, now_ms())
                .await
                .map(|resume| {
                    self.resume = resume;
                })
        } else if now.duration_since(self.last_lease) >= lease::LEASE_RENEW {
            lease::renew(&self.replica, &self.identity, now_ms()).await
        } else {
            return Ok(());
        };
        match result {
            Ok(()) => {
                self.leased = true;
                self.last_lease = now;
                Ok(())
            }
            Err(lease::LeaseError::Owned(o)) => {
                tracing::error!(error = %o, "replication stopped: another server writes the replica");
                let msg = o.to_string();
                self.status.update(|s| s.status.conflict = Some(msg));
                Err(o.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Takes `SQLite`'s write lock through the app's writer (see [`Replicator`]'s `gate`).
    #[must_use]
    pub fn with_writer_gate(mut self, db: crate::db::Db) -> Self {
        self.gate = Some(db);
        self
    }

    /// Emails the admins (through the outbox) when the lag passes the threshold.
    #[must_use]
    pub fn with_lag_alerts(mut self, mailer: std::sync::Arc<crate::mail::Mailer>) -> Self {
        self.alerts = Some(mailer);
        self
    }

    pub fn status(&self) -> StatusHandle {
        self.status.clone()
    }

    pub fn replica(&self) -> &Replica {
        &self.replica
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Sqlite) -> Result<T, BackupError> + Send + 'static,
    ) -> Result<T, BackupError> {
        let sqlite = self.sqlite.clone();
        tokio::task::spawn_blocking(move || {
            let mut s = sqlite
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut s)
        })
        .await
        .map_err(|e| BackupError::Other(format!("replicator task: {e}")))?
    }

    fn release(&self, i: usize) {
        let mut s = self
            .sqlite
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if s.active != Some(i) {
            s.end_hold(i);
        }
    }

    fn promote(&self, i: usize) {
        self.sqlite
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .promote(i);
    }

    fn mark_dirty(&self) {
        self.status.update(|s| {
            s.dirty_since.get_or_insert_with(SystemTime::now);
        });
    }

    fn mark_shipped(&self, txid: u64) {
        self.status.update(|s| {
            s.dirty_since = None;
            s.status.txid = txid;
            s.status.last_success_unix = Some(unix_now());
            s.status.last_error = None;
            s.status.consecutive_failures = 0;
        });
    }

    /// Ships the whole database as the snapshot `1-<next TXID>` in level 0 (copied to level 9
    /// when a snapshot is due): written to a temporary file page by page and uploaded from it
    /// in parts, so memory stays bounded whatever the size of the database.
    async fn ship_image(&mut self, txid: u64) -> Result<(), BackupError> {
        let with_snapshot = self.snapshot_with_image;
        let gate = self.gate.clone();
        let tmp = self.upload_path();
        let file = tmp.clone();
        let (header, pos, hold) = self
            .blocking(move |s| {
                let (image, hold) = gated(gate.as_ref(), || s.capture())?;
                match image.write_ltx(1, txid + 1, now_ms(), &file) {
                    Ok((header, _)) => Ok((header, image.wal_pos, hold)),
                    Err(e) => {
                        s.end_hold(hold);
                        Err(e.into())
                    }
                }
            })
            .await?;
        let upload = async {
            self.replica.put_ltx_file(0, &header, &tmp).await?;
            if with_snapshot {
                self.replica.copy_ltx(0, SNAPSHOT_LEVEL, &header).await?;
                self.status
                    .update(|s| s.status.last_snapshot_unix = Some(unix_now()));
            }
            Ok::<_, BackupError>(())
        }
        .await;
        let _ = std::fs::remove_file(&tmp);
        if let Err(e) = upload {
            self.release(hold);
            return Err(e);
        }
        self.promote(hold);
        self.txid = Some(txid + 1);
        self.pos = Some(pos.unwrap_or_else(WalPos::empty));
        if with_snapshot {
            self.snapshot_with_image = false;
            self.last_snapshot = Instant::now();
        }
        if self.status.snapshot().verify_ok == Some(false) {
            // A heal: check it at once.
            self.last_chain_check = None;
            self.last_verify = None;
        }
        self.mark_shipped(txid + 1);
        tracing::info!(txid = txid + 1, replica = %self.replica.display(), "shipped the whole database");
        Ok(())
    }

    /// The temporary LTX file of whole-database uploads, beside the database.
    fn upload_path(&self) -> PathBuf {
        self.settings.db_path.with_file_name(UPLOAD_FILE)
    }

    /// At start-up: when this server stopped gracefully at the replica's last TXID and the
    /// database is still what it shipped then, continue the chain without uploading anything.
    async fn try_resume(&mut self, replica_txid: u64) -> Result<bool, BackupError> {
        let Some(p) = self.resume.take() else {
            return Ok(false);
        };
        if p.txid != replica_txid {
            tracing::info!(
                stopped_at = p.txid,
                replica_txid,
                "the replica moved on since this server stopped; shipping the whole database"
            );
            return Ok(false);
        }
        let gate = self.gate.clone();
        let (same, pos, hold) = self
            .blocking(move |s| {
                let (image, hold) = gated(gate.as_ref(), || s.capture())?;
                let same = (image.page_size == p.page_size && image.commit == p.pages)
                    .then(|| image.checksum())
                    .transpose();
                match same {
                    Ok(same) => Ok((same == Some(p.checksum), image.wal_pos, hold)),
                    Err(e) => {
                        s.end_hold(hold);
                        Err(e.into())
                    }
                }
            })
            .await?;
        if !same {
            self.release(hold);
            tracing::info!(
                txid = replica_txid,
                "the database changed since this server stopped; shipping the whole database"
            );
            return Ok(false);
        }
        self.promote(hold);
        self.pos = Some(pos.unwrap_or_else(WalPos::empty));
        self.snapshot_with_image = false;
        self.mark_shipped(replica_txid);
        tracing::info!(
            txid = replica_txid,
            "resumed the replica where this server stopped: nothing to upload"
        );
        Ok(true)
    }

    /// Where shipping stands, when the database is exactly what was shipped last (checked
    /// under the write lock); recorded in the lease at a graceful stop.
    async fn position(&self) -> Result<Option<lease::Position>, BackupError> {
        let (Some(txid), Some(pos)) = (self.txid, self.pos) else {
            return Ok(None);
        };
        let gate = self.gate.clone();
        self.blocking(move |s| {
            gated(gate.as_ref(), || {
                s.ctl.execute_batch("BEGIN IMMEDIATE")?;
                let position = (|| {
                    let image = Image::capture(&s.db_path)?;
                    if image.wal_pos.unwrap_or_else(WalPos::empty) != pos {
                        return Ok(None);
                    }
                    Ok::<_, BackupError>(Some(lease::Position {
                        txid,
                        checksum: image.checksum()?,
                        page_size: image.page_size,
                        pages: image.commit,
                    }))
                })();
                let _ = s.ctl.execute_batch("ROLLBACK");
                position
            })
        })
        .await
    }

    /// One sync: ship what the WAL holds after the last position.
    pub async fn sync(&mut self) -> Result<(), BackupError> {
        self.ensure_lease().await?;
        let txid = if let Some(t) = self.txid {
            t
        } else {
            let t = self.replica.max_txid().await?;
            self.txid = Some(t);
            if self.try_resume(t).await? {
                return Ok(());
            }
            t
        };
        let Some(pos) = self.pos else {
            self.mark_dirty();
            return self.ship_image(txid).await;
        };
        let (found, hold) = self.blocking(move |s| s.look(Some(&pos))).await?;
        let (batch, end) = match found {
            Found::Resync => {
                self.release(hold);
                tracing::warn!("the WAL restarted out of sequence; shipping the whole database");
                self.pos = None;
                self.mark_dirty();
                return self.ship_image(txid).await;
            }
            Found::Batch(batch, end) => (batch, end),
        };
        if batch.transactions == 0 {
            self.promote(hold);
            self.pos = Some(end);
            self.mark_shipped(txid);
            return Ok(());
        }
        self.mark_dirty();
        let start = if end.header == pos.header {
            pos.offset
        } else {
            wal::WAL_HEADER_SIZE
        };
        let mut header = ltx::Header::new(
            end.header.page_size,
            batch.commit,
            txid + 1,
            txid + 1,
            now_ms(),
        );
        header.wal_offset = i64::try_from(start).unwrap_or(0);
        header.wal_size = i64::try_from(end.offset - start).unwrap_or(0);
        header.wal_salt1 = end.header.salt1;
        header.wal_salt2 = end.header.salt2;
        let bytes = match ltx::encode(header, batch.pages.iter().map(|(p, d)| (*p, &d[..]))) {
            Ok(b) => b,
            Err(e) => {
                self.release(hold);
                return Err(e.into());
            }
        };
        if let Err(e) = self.replica.put_ltx(0, &header, bytes).await {
            self.release(hold);
            return Err(e.into());
        }
        self.promote(hold);
        self.txid = Some(txid + 1);
        self.pos = Some(end);
        self.mark_shipped(txid + 1);
        tracing::debug!(txid = txid + 1, pages = batch.pages.len(), "shipped");
        self.checkpoint(end).await
    }

    /// PASSIVE checkpoint after shipping; lets the WAL restart when it grew large.
    async fn checkpoint(&mut self, end: WalPos) -> Result<(), BackupError> {
        let gate = self.gate.clone();
        let restarted = self
            .blocking(move |s| {
                Sqlite::checkpoint_passive(&s.ctl)?;
                if end.frames() >= CHECKPOINT_FRAMES {
                    return gated(gate.as_ref(), || s.restart_wal(&end));
                }
                Ok(false)
            })
            .await?;
        if restarted {
            tracing::debug!(
                frames = end.frames(),
                "WAL fully checkpointed; the next write restarts it"
            );
        }
        Ok(())
    }

    /// Compaction, daily snapshot, retention and documents, each when due.
    async fn maintenance(&mut self) -> Result<(), BackupError> {
        let now = Instant::now();
        // New uploads go out on the next tick, like the database rows that point at them (the
        // full listing below, once a minute, catches anything else).
        let mtime = std::fs::metadata(&self.settings.documents_dir)
            .and_then(|m| m.modified())
            .ok();
        if mtime.is_some() && mtime != self.documents_mtime {
            documents::sync_dir(&self.replica, &self.settings.documents_dir).await?;
            self.documents_mtime = mtime;
        }
        for (i, interval) in self.settings.compaction.iter().enumerate() {
            if now.duration_since(self.last_compaction[i]) >= *interval {
                #[allow(clippy::cast_possible_truncation)]
                let level = i as u8 + 1;
                compact::compact(&self.replica, level).await?;
                self.last_compaction[i] = now;
            }
        }
        if now.duration_since(self.last_snapshot) >= self.settings.snapshot_interval {
            if let Some(txid) = compact::snapshot_from_replica(&self.replica).await? {
                tracing::info!(txid, "wrote a snapshot");
                self.status
                    .update(|s| s.status.last_snapshot_unix = Some(unix_now()));
            }
            self.last_snapshot = now;
        }
        if now.duration_since(self.last_maintenance) >= Duration::from_mins(1) {
            let deleted =
                compact::enforce_retention(&self.replica, now_ms(), self.settings.retention)
                    .await?;
            if deleted > 0 {
                tracing::info!(deleted, "retention removed old replica files");
            }
            documents::sync_dir(&self.replica, &self.settings.documents_dir).await?;
            self.last_maintenance = now;
        }
        self.verify_replica().await;
        Ok(())
    }

    /// The chain check and the full verification, each when due (see [`verify`]).
    async fn verify_replica(&mut self) {
        let now = Instant::now();
        if let Some((epoch, handle)) = self.verify_task.take_if(|(_, h)| h.is_finished()) {
            let finding = handle
                .await
                .unwrap_or_else(|e| verify::Finding::Unknown(e.to_string()));
            if epoch == self.verify_epoch {
                self.record_finding(finding, true);
            }
        }
        let due = |last: Option<Instant>, every: Duration| {
            last.is_none_or(|t| now.duration_since(t) >= every)
        };
        let chain_every = self.settings.verify_interval.min(Duration::from_mins(1));
        if due(self.last_chain_check, chain_every) {
            self.last_chain_check = Some(now);
            let finding = verify::check_chain(&self.replica, self.txid.unwrap_or(0)).await;
            // A chain that checks out does not clear a breakage: only a full verification does.
            if matches!(finding, verify::Finding::Broken(_)) {
                self.record_finding(finding, false);
            }
        }
        if self.verify_task.is_none() && due(self.last_verify, self.settings.verify_interval) {
            self.last_verify = Some(now);
            let replica = self.replica.clone();
            let path = self.verify_path.clone();
            let task =
                tokio::spawn(async move { verify::restore_and_check(&replica, &path).await });
            self.verify_task = Some((self.verify_epoch, task));
        }
    }

    /// Records what a verification found; a broken replica alerts (once) and heals.
    fn record_finding(&mut self, finding: verify::Finding, full: bool) {
        match finding {
            verify::Finding::Ok(txid) => {
                let was_broken = self.status.snapshot().verify_ok == Some(false);
                self.status.update(|s| {
                    s.status.verify_ok = Some(true);
                    s.status.verify_error = None;
                    s.status.last_verify_unix = Some(unix_now());
                });
                self.alerted.broken = false;
                if was_broken {
                    tracing::info!(txid, "the replica restores again");
                } else {
                    tracing::debug!(txid, full, "replica verified");
                }
            }
            verify::Finding::Unknown(why) => {
                tracing::warn!(error = %why, full, "could not verify the replica");
            }
            verify::Finding::Broken(why) => {
                self.verify_epoch += 1;
                let problem = why.clone();
                self.status.update(|s| {
                    s.status.verify_ok = Some(false);
                    s.status.verify_error = Some(problem);
                    s.status.last_verify_unix = Some(unix_now());
                });
                tracing::error!(
                    problem = %why, full, replica = %self.replica.display(),
                    "the replica does not restore; shipping a fresh snapshot"
                );
                if !self.alerted.broken {
                    self.alerted.broken = true;
                    if let (Some(db), Some(mailer)) = (self.gate.clone(), self.alerts.clone()) {
                        let message = crate::mail::messages::AdminReplicaBroken {
                            problem: why,
                            destination: self.replica.display().to_string(),
                        };
                        tokio::spawn(email_admins(db, mailer, message));
                    }
                }
                // Heal: the whole database again, as a snapshot; verified right after.
                self.pos = None;
                self.snapshot_with_image = true;
            }
        }
    }

    fn record_failure(&mut self, e: &BackupError) -> Duration {
        let mut failures = 0;
        self.status.update(|s| {
            s.status.consecutive_failures += 1;
            s.status.last_error = Some(e.to_string());
            failures = s.status.consecutive_failures;
        });
        let backoff = Duration::from_secs(1 << failures.min(4).saturating_sub(1)).min(MAX_BACKOFF);
        tracing::warn!(error = %e, failures, retry_in_secs = backoff.as_secs(), "replication failed");
        backoff
    }

    fn check_lag(&mut self) {
        let s = self.status.snapshot();
        if s.lagging && !self.alerted.lag {
            self.alerted.lag = true;
            alert_replication_lag(&s);
            if let (Some(db), Some(mailer)) = (self.gate.clone(), self.alerts.clone()) {
                tokio::spawn(email_admins_about_lag(db, mailer, s));
            }
        } else if !s.lagging && self.alerted.lag && s.lag_seconds == 0.0 {
            self.alerted.lag = false;
            tracing::info!("replication caught up");
        }
    }

    /// Runs until `shutdown` resolves, then tries one last sync.
    pub async fn run(mut self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut next_attempt = Instant::now();
        loop {
            if Instant::now() >= next_attempt {
                let result = match self.sync().await {
                    Ok(()) => self.maintenance().await,
                    Err(e) => Err(e),
                };
                next_attempt = match result {
                    Ok(()) => Instant::now() + self.settings.sync_interval,
                    Err(e) => Instant::now() + self.record_failure(&e),
                };
            }
            self.check_lag();
            let wait = next_attempt
                .saturating_duration_since(Instant::now())
                .min(self.settings.sync_interval);
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(wait) => {}
            }
        }
        let synced = match tokio::time::timeout(Duration::from_secs(5), self.sync()).await {
            Ok(Ok(())) => {
                tracing::info!(
                    txid = self.txid.unwrap_or(0),
                    "replication stopped after a final sync"
                );
                true
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "final sync failed");
                false
            }
            Err(_) => {
                tracing::warn!("final sync timed out");
                false
            }
        };
        if self.leased && self.status.snapshot().conflict.is_none() {
            // Lets the next start of this server resume instead of shipping the database again.
            let position = if synced {
                match tokio::time::timeout(Duration::from_secs(10), self.position()).await {
                    Ok(Ok(p)) => p,
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "could not record the replica position");
                        None
                    }
                    Err(_) => None,
                }
            } else {
                None
            };
            let release = lease::release(&self.replica, &self.identity, position, now_ms());
            match tokio::time::timeout(Duration::from_secs(3), release).await {
                Ok(Ok(())) => tracing::info!("released the replica's lease"),
                Ok(Err(e)) => tracing::warn!(error = %e, "could not release the replica's lease"),
                Err(_) => tracing::warn!("releasing the replica's lease timed out"),
            }
        }
    }
}

/// Prepares the app's writer connection for replication: the replicator owns checkpoints.
pub fn prepare_writer(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
    ))
}

/// `flightclaim backup`: a level-9 snapshot now. When no other process replicates this data
/// directory the live database is captured (and shipped as the next TXID as well); when a server
/// is replicating, the snapshot is built from the replica, which trails the server by at most one
/// sync interval. Returns the snapshot's TXID.
pub async fn backup_now(cfg: &AppConfig, url: &str) -> Result<u64, BackupError> {
    let mut settings = Settings::from_config(cfg).unwrap_or_else(|| {
        let mut c = cfg.clone();
        c.replica_url = Some(url.to_string());
        Settings::from_config(&c).expect("replica url set")
    });
    settings.url = url.to_string();
    match Replicator::new(settings, &cfg.data_dir) {
        Ok(mut r) => {
            match r.ensure_lease().await {
                Ok(()) => {}
                // Another server ships to this replica: a snapshot of what it shipped.
                Err(BackupError::Owned(_)) => {
                    return compact::snapshot_from_replica(&r.replica)
                        .await?
                        .ok_or_else(|| BackupError::Other("the replica is empty".into()));
                }
                Err(e) => return Err(e),
            }
            r.snapshot_with_image = true;
            let txid = r.replica.max_txid().await?;
            r.txid = Some(txid);
            r.ship_image(txid).await?;
            lease::release(&r.replica, &r.identity, None, now_ms()).await?;
            if txid == 0 {
                return Ok(1);
            }
            Ok(txid + 1)
        }
        Err(BackupError::Other(msg)) if msg.contains("already replicating") => {
            let replica = Replica::open(url)?;
            compact::snapshot_from_replica(&replica)
                .await?
                .ok_or_else(|| BackupError::Other("the replica is empty".into()))
        }
        Err(e) => Err(e),
    }
}
