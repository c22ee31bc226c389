//! Reading `SQLite`'s WAL file: header, salts, frames and the cumulative checksum chain.
//!
//! A frame is valid when its salts equal the header's and its checksum continues the chain from
//! the previous frame (the first from the header). Only whole transactions count: pages are
//! taken up to the last *commit* frame (one whose "database size" field is non-zero); trailing
//! frames of a transaction still being written, or left over from an older WAL generation, are
//! ignored. See <https://sqlite.org/fileformat2.html#walformat>.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek as _, SeekFrom};
use std::path::Path;

pub const WAL_HEADER_SIZE: u64 = 32;
pub const FRAME_HEADER_SIZE: u64 = 24;

/// The 32-byte WAL header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalHeader {
    pub big_endian_checksum: bool,
    pub page_size: u32,
    /// Incremented by `SQLite` each time the WAL restarts.
    pub checkpoint_seq: u32,
    pub salt1: u32,
    pub salt2: u32,
    pub checksum: (u32, u32),
}

/// Where the replicator stands in the WAL: the first byte after the last shipped commit frame,
/// and the checksum chain value there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalPos {
    pub header: WalHeader,
    pub offset: u64,
    pub checksum: (u32, u32),
}

impl WalPos {
    /// The start of a WAL generation.
    pub fn start(header: WalHeader) -> WalPos {
        WalPos {
            header,
            offset: WAL_HEADER_SIZE,
            checksum: header.checksum,
        }
    }

    /// "No WAL yet": what was shipped is the database file alone, so the first WAL that
    /// appears holds only later commits and is followed from its start.
    pub fn empty() -> WalPos {
        let header = WalHeader {
            big_endian_checksum: false,
            page_size: 0,
            checkpoint_seq: 0,
            salt1: 0,
            salt2: 0,
            checksum: (0, 0),
        };
        WalPos {
            header,
            offset: 0,
            checksum: (0, 0),
        }
    }

    /// Whether this is [`WalPos::empty`].
    pub fn is_empty(&self) -> bool {
        self.offset == 0
    }

    /// Number of frames before this position.
    pub fn frames(&self) -> u64 {
        self.offset.saturating_sub(WAL_HEADER_SIZE)
            / (FRAME_HEADER_SIZE + u64::from(self.header.page_size)).max(1)
    }
}

/// Pages changed by the complete transactions found after a position.
#[derive(Debug, Default)]
pub struct Batch {
    /// Latest content of each changed page.
    pub pages: BTreeMap<u32, Vec<u8>>,
    /// Database size in pages after the last transaction.
    pub commit: u32,
    pub transactions: u64,
}

/// The `-wal` path of a database.
pub fn wal_path(db: &Path) -> std::path::PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    p.into()
}

/// The `SQLite` WAL checksum over `data` (a multiple of 8 bytes), continuing from `s`.
pub fn checksum(big_endian: bool, data: &[u8], s: (u32, u32)) -> (u32, u32) {
    let (mut s1, mut s2) = s;
    for pair in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let a: [u8; 4] = b.try_into().expect("4 bytes");
            if big_endian {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        s1 = s1.wrapping_add(word(&pair[0..4])).wrapping_add(s2);
        s2 = s2.wrapping_add(word(&pair[4..8])).wrapping_add(s1);
    }
    (s1, s2)
}

fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes(b[i..i + 4].try_into().expect("4 bytes"))
}

/// Reads and verifies the WAL header; `None` when the file is missing, empty or not (yet) valid.
pub fn read_header(path: &Path) -> std::io::Result<Option<WalHeader>> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut b = [0u8; 32];
    match f.read_exact(&mut b) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(parse_header(&b))
}

fn parse_header(b: &[u8; 32]) -> Option<WalHeader> {
    let magic = be32(b, 0);
    if magic & !1 != 0x377f_0682 {
        return None;
    }
    let big_endian = magic & 1 == 1;
    let page_size = match be32(b, 8) {
        1 => 65536,
        n => n,
    };
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return None;
    }
    let stored = (be32(b, 24), be32(b, 28));
    if checksum(big_endian, &b[..24], (0, 0)) != stored {
        return None;
    }
    Some(WalHeader {
        big_endian_checksum: big_endian,
        page_size,
        checkpoint_seq: be32(b, 12),
        salt1: be32(b, 16),
        salt2: be32(b, 20),
        checksum: stored,
    })
}

/// Reads every complete transaction after `pos`. Returns the batch and the new position (the
/// end of the last commit frame). Stops at the first frame that is not valid for this WAL
/// generation.
pub fn read_after(path: &Path, pos: &WalPos) -> std::io::Result<(Batch, WalPos)> {
    let mut batch = Batch::default();
    let mut end = *pos;
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((batch, end)),
        Err(e) => return Err(e),
    };
    let ps = pos.header.page_size as usize;
    let mut r = BufReader::with_capacity(256 * 1024, f);
    r.seek(SeekFrom::Start(pos.offset))?;
    let mut pending: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut cursor = *pos;
    let mut fh = [0u8; 24];
    loop {
        match r.read_exact(&mut fh) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let mut page = vec![0u8; ps];
        match r.read_exact(&mut page) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let pgno = be32(&fh, 0);
        let commit = be32(&fh, 4);
        if pgno == 0 || be32(&fh, 8) != pos.header.salt1 || be32(&fh, 12) != pos.header.salt2 {
            break;
        }
        let big = pos.header.big_endian_checksum;
        let sum = checksum(big, &page, checksum(big, &fh[..8], cursor.checksum));
        if sum != (be32(&fh, 16), be32(&fh, 20)) {
            break;
        }
        cursor.checksum = sum;
        cursor.offset += FRAME_HEADER_SIZE + ps as u64;
        pending.push((pgno, page));
        if commit > 0 {
            for (pgno, page) in pending.drain(..) {
                batch.pages.insert(pgno, page);
            }
            batch.commit = commit;
            batch.transactions += 1;
            end = cursor;
        }
    }
    batch.pages.retain(|p, _| *p <= batch.commit);
    Ok((batch, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_transactions_written_by_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
             CREATE TABLE t(x); INSERT INTO t VALUES (1);",
        )
        .unwrap();
        let wal = wal_path(&db);
        let header = read_header(&wal).unwrap().expect("a WAL header");
        assert_eq!(header.page_size, 4096);
        let (batch, pos) = read_after(&wal, &WalPos::start(header)).unwrap();
        assert_eq!(batch.transactions, 2);
        assert!(batch.pages.contains_key(&1));
        assert_eq!(batch.commit, 2);
        let (empty, same) = read_after(&wal, &pos).unwrap();
        assert_eq!(empty.transactions, 0);
        assert_eq!(same, pos);
        c.execute("INSERT INTO t VALUES (2)", []).unwrap();
        let (more, pos2) = read_after(&wal, &pos).unwrap();
        assert_eq!(more.transactions, 1);
        assert_eq!(pos2.frames(), pos.frames() + 1);
    }
}
