//! Who writes the replica: one lease object, `flightclaim-lease.json` at the replica's root.
//!
//! Litestream 0.5 has no generations any more (0.3 had `generations/<id>/`, which 0.5 would try
//! to read), so ownership lives in a file of our own that `litestream restore` ignores. It names
//! the server that ships (a random id kept in the data directory, the host name and the data
//! directory's path), the process, and when it last renewed the lease:
//!
//! * a server starting takes the lease when there is none, when the lease is its own (the same
//!   id, host and data directory: a restart; the data directory's lock guarantees the previous
//!   process is gone), when the previous owner released it at shutdown, or when it expired
//!   ([`LEASE_TTL`] without renewal: that server is gone). Otherwise it is **refused** with a
//!   message naming the owner: two servers never interleave their files in one replica;
//! * the owner renews every [`LEASE_RENEW`] and reads it back first: if another server took it
//!   over (ours had expired, e.g. the store was unreachable for a minute), it stops shipping for
//!   good and says so on `/ready` (`replica_conflict`) instead of writing a single file more;
//! * a graceful stop releases it and records the position shipped last (TXID and a checksum of
//!   the database at that TXID), so that the next start of the same server resumes the chain
//!   instead of shipping the whole database again when the database has not changed since.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::store::{Replica, StoreError};

/// Key of the lease, below the replica's root.
pub const LEASE_KEY: &str = "flightclaim-lease.json";
/// File in the data directory holding this server's replica identity.
pub const NODE_FILE: &str = "replica-node-id";
/// How often the owner renews the lease.
pub const LEASE_RENEW: Duration = Duration::from_secs(10);
/// A lease not renewed for this long belongs to a server that is gone.
pub const LEASE_TTL: Duration = Duration::from_mins(1);

/// The database as shipped last, recorded at a graceful stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub txid: u64,
    /// CRC-64 over every page of the database at `txid` (see `snapshot::Image::checksum`).
    pub checksum: u64,
    pub page_size: u32,
    pub pages: u32,
}

/// The lease object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// Random id of the server's data directory ([`NODE_FILE`]).
    pub node: String,
    pub host: String,
    pub data_dir: String,
    pub pid: u32,
    /// Random id of the process.
    pub session: String,
    pub renewed_ms: i64,
    #[serde(default)]
    pub released: bool,
    #[serde(default)]
    pub position: Option<Position>,
}

/// Who this process is, as a replica writer.
#[derive(Debug, Clone)]
pub struct Identity {
    pub node: String,
    pub host: String,
    pub data_dir: String,
    pub session: String,
}

fn random_hex() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

impl Identity {
    /// Reads (or creates) the data directory's node id.
    pub fn load(data_dir: &Path) -> std::io::Result<Identity> {
        let path = data_dir.join(NODE_FILE);
        let node = match std::fs::read_to_string(&path) {
            Ok(s) if s.trim().len() == 16 => s.trim().to_string(),
            Ok(_) | Err(_) => {
                let id = random_hex();
                std::fs::write(&path, format!("{id}\n"))?;
                id
            }
        };
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let data_dir = data_dir
            .canonicalize()
            .unwrap_or_else(|_| data_dir.to_path_buf())
            .display()
            .to_string();
        Ok(Identity {
            node,
            host,
            data_dir,
            session: random_hex(),
        })
    }

    /// Whether `lease` was written by this server (this or an earlier process).
    pub fn same_server(&self, lease: &Lease) -> bool {
        lease.node == self.node && lease.host == self.host && lease.data_dir == self.data_dir
    }

    fn lease(&self, now_ms: i64) -> Lease {
        Lease {
            node: self.node.clone(),
            host: self.host.clone(),
            data_dir: self.data_dir.clone(),
            pid: std::process::id(),
            session: self.session.clone(),
            renewed_ms: now_ms,
            released: false,
            position: None,
        }
    }
}

/// Another server holds the replica.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the replica {replica} is written by another flightclaim server (host {host}, data directory {data_dir}, pid {pid}, lease renewed {age} s ago). Two servers must never ship to one replica: their files would interleave and corrupt it. Fix: on a second server (a restore drill, a copy), unset FLIGHTCLAIM_REPLICA_URL or give it a replica of its own; if that server is gone for good, wait {ttl} s for its lease to expire (or delete {key} from the replica)"
)]
pub struct Owned {
    pub replica: String,
    pub host: String,
    pub data_dir: String,
    pub pid: u32,
    pub age: i64,
    pub ttl: u64,
    pub key: String,
}

impl Owned {
    fn new(replica: &Replica, lease: &Lease, now_ms: i64) -> Owned {
        Owned {
            replica: replica.display().to_string(),
            host: lease.host.clone(),
            data_dir: lease.data_dir.clone(),
            pid: lease.pid,
            age: (now_ms - lease.renewed_ms).max(0) / 1000,
            ttl: LEASE_TTL.as_secs(),
            key: LEASE_KEY.to_string(),
        }
    }
}

/// Lease failures: the store, or another owner.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Owned(#[from] Owned),
}

/// The current lease, if any (an unreadable one counts as none, and is overwritten).
pub async fn read(replica: &Replica) -> Result<Option<Lease>, StoreError> {
    let Some(bytes) = replica.get_raw_opt(LEASE_KEY).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_slice(&bytes).ok())
}

async fn write(replica: &Replica, lease: &Lease) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec_pretty(lease).map_err(std::io::Error::other)?;
    replica.put_raw(LEASE_KEY, bytes).await
}

/// Takes the lease for `me`; returns the position a previous process of the same server
/// recorded at its graceful stop (if it did).
pub async fn acquire(
    replica: &Replica,
    me: &Identity,
    now_ms: i64,
) -> Result<Option<Position>, LeaseError> {
    let current = read(replica).await?;
    let mut resume = None;
    if let Some(l) = &current {
        let fresh = now_ms - l.renewed_ms < i64::try_from(LEASE_TTL.as_millis()).unwrap_or(0);
        if me.same_server(l) {
            if l.released {
                resume = l.position;
            }
        } else if fresh && !l.released {
            return Err(Owned::new(replica, l, now_ms).into());
        } else {
            tracing::warn!(
                host = %l.host, data_dir = %l.data_dir, released = l.released,
                "taking over the replica from another server (its lease was released or expired)"
            );
        }
    }
    write(replica, &me.lease(now_ms)).await?;
    // Two servers starting at the same moment both write; the one that reads back the other's
    // lease stops here, the other at its first renewal at the latest.
    match read(replica).await? {
        Some(l) if l.session == me.session => Ok(resume),
        Some(l) => Err(Owned::new(replica, &l, now_ms).into()),
        None => Ok(resume),
    }
}

/// Renews the lease if it is still ours; `Owned` when another server took it over.
pub async fn renew(replica: &Replica, me: &Identity, now_ms: i64) -> Result<(), LeaseError> {
    match read(replica).await? {
        Some(l) if l.session != me.session => Err(Owned::new(replica, &l, now_ms).into()),
        _ => Ok(write(replica, &me.lease(now_ms)).await?),
    }
}

/// Releases the lease at a graceful stop, recording the position shipped last.
pub async fn release(
    replica: &Replica,
    me: &Identity,
    position: Option<Position>,
    now_ms: i64,
) -> Result<(), LeaseError> {
    match read(replica).await? {
        Some(l) if l.session != me.session => Err(Owned::new(replica, &l, now_ms).into()),
        _ => {
            let mut lease = me.lease(now_ms);
            lease.released = true;
            lease.position = position;
            Ok(write(replica, &lease).await?)
        }
    }
}
