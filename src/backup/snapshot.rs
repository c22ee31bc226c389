//! A full image of the database: the database file overlaid with every committed WAL frame.
//!
//! The caller holds `SQLite`'s write lock while [`Image::capture`] runs (so no transaction commits
//! and the WAL cannot restart), and keeps a read transaction open at that same point while the
//! image is encoded: checkpoints then only copy pages that are also in the overlay, so every page
//! read from the database file afterwards still belongs to the captured state.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::ltx;
use super::wal::{self, WalPos};

/// The database at one commit, ready to be encoded.
pub struct Image {
    db_path: PathBuf,
    pub page_size: u32,
    /// Database size in pages.
    pub commit: u32,
    /// The WAL position of this state (`None` when there is no WAL).
    pub wal_pos: Option<WalPos>,
    overlay: BTreeMap<u32, Vec<u8>>,
}

/// A read-only handle on the database file that this process never closes.
///
/// POSIX `fcntl` locks belong to the process and are all dropped when *any* descriptor of the
/// file is closed. Opening the database file with a fresh `File` and dropping it would silently
/// release `SQLite`'s own locks of this process, and another process closing its connection could
/// then checkpoint and delete the WAL under our feet. So the file is opened once per process and
/// kept open (`SQLite` does the same for its own descriptors).
fn db_file(path: &Path) -> std::io::Result<Arc<File>> {
    static FILES: OnceLock<Mutex<HashMap<PathBuf, Arc<File>>>> = OnceLock::new();
    let mut files = FILES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = path.canonicalize()?;
    if let Some(f) = files.get(&key) {
        return Ok(f.clone());
    }
    let f = Arc::new(File::open(&key)?);
    files.insert(key, f.clone());
    Ok(f)
}

fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes(b[i..i + 4].try_into().expect("4 bytes"))
}

impl Image {
    /// Reads the WAL (every valid committed frame) and the database header.
    pub fn capture(db_path: &Path) -> std::io::Result<Image> {
        let invalid =
            |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string());
        let mut header = [0u8; 100];
        let f = db_file(db_path)?;
        let file_len = f.metadata()?.len();
        let have_header = f.read_exact_at(&mut header, 0).is_ok();
        let wal_path = wal::wal_path(db_path);
        let (overlay, wal_pos, wal_commit, wal_page_size) = match wal::read_header(&wal_path)? {
            Some(h) => {
                let (batch, end) = wal::read_after(&wal_path, &WalPos::start(h))?;
                let commit = (batch.transactions > 0).then_some(batch.commit);
                (batch.pages, Some(end), commit, Some(h.page_size))
            }
            None => (BTreeMap::new(), None, None, None),
        };
        let page_size = match (have_header, wal_page_size) {
            (_, Some(ps)) => ps,
            (true, None) => match u16::from_be_bytes([header[16], header[17]]) {
                1 => 65536,
                n => u32::from(n),
            },
            (false, None) => return Err(invalid("the database is empty")),
        };
        let commit = if let Some(c) = wal_commit {
            c
        } else {
            // The in-header size is valid when "version-valid-for" equals the change counter.
            let in_header = be32(&header, 28);
            if have_header && in_header > 0 && be32(&header, 92) == be32(&header, 24) {
                in_header
            } else {
                u32::try_from(file_len / u64::from(page_size))
                    .map_err(|_| invalid("database too large"))?
            }
        };
        if commit == 0 {
            return Err(invalid("the database is empty"));
        }
        Ok(Image {
            db_path: db_path.to_path_buf(),
            page_size,
            commit,
            wal_pos,
            overlay,
        })
    }

    /// Calls `f` with every page of the image in ascending order (never the lock page),
    /// reading one page at a time from the database file where the WAL holds no newer copy.
    fn for_each_page(
        &self,
        mut f: impl FnMut(u32, &[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let file = db_file(&self.db_path)?;
        let lock = ltx::lock_page(self.page_size);
        let mut buf = vec![0u8; self.page_size as usize];
        for pgno in 1..=self.commit {
            if pgno == lock {
                continue;
            }
            if let Some(page) = self.overlay.get(&pgno) {
                f(pgno, page)?;
            } else {
                let offset = u64::from(pgno - 1) * u64::from(self.page_size);
                buf.fill(0);
                // A page beyond the end of the file (not yet written back) reads as zeros only
                // if SQLite never wrote it, which cannot happen for pages <= commit; fail loudly.
                file.read_exact_at(&mut buf, offset).map_err(|e| {
                    std::io::Error::new(
                        e.kind(),
                        format!("page {pgno} missing from the database file: {e}"),
                    )
                })?;
                f(pgno, &buf)?;
            }
        }
        Ok(())
    }

    /// Encodes the image as one LTX file covering `min..=max` (every page: a snapshot when
    /// `min == 1`, and a valid "all pages changed" file otherwise), in memory.
    pub fn encode(&self, min: u64, max: u64, ts_ms: i64) -> std::io::Result<Vec<u8>> {
        let header = ltx::Header::new(self.page_size, self.commit, min, max, ts_ms);
        let mut enc = ltx::Encoder::new(header).map_err(to_io)?;
        self.for_each_page(|pgno, page| enc.add_page(pgno, page).map_err(to_io))?;
        enc.finish().map_err(to_io)
    }

    /// Like [`Image::encode`], into the file `path` (replaced): memory stays at a page
    /// whatever the database size. Returns the header and the file's size.
    pub fn write_ltx(
        &self,
        min: u64,
        max: u64,
        ts_ms: i64,
        path: &Path,
    ) -> std::io::Result<(ltx::Header, u64)> {
        let header = ltx::Header::new(self.page_size, self.commit, min, max, ts_ms);
        let out = std::io::BufWriter::with_capacity(1 << 20, File::create(path)?);
        let mut enc = ltx::Encoder::with_writer(header, out).map_err(to_io)?;
        self.for_each_page(|pgno, page| enc.add_page(pgno, page).map_err(to_io))?;
        let file = enc
            .finish()
            .map_err(to_io)?
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        let size = file.metadata()?.len();
        Ok((header, size))
    }

    /// CRC-64 over every page number and page of the image: whether the database still is
    /// what was shipped (see `lease::Position`).
    pub fn checksum(&self) -> std::io::Result<u64> {
        let crc = crc::Crc::<u64>::new(&crc::CRC_64_GO_ISO);
        let mut digest = crc.digest();
        self.for_each_page(|pgno, page| {
            digest.update(&pgno.to_be_bytes());
            digest.update(page);
            Ok(())
        })?;
        Ok(digest.finalize())
    }
}

fn to_io(e: ltx::LtxError) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e)
}
