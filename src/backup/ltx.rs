//! The LTX file format (Litestream 0.5), encoder and decoder. The only place that knows its bytes.
//!
//! We write the *legacy* page encoding that every litestream 0.5.x release restores: page flags
//! 0 and each page compressed as one LZ4 *frame* (64 KiB blocks, content checksum on, no block
//! checksums). Header flags are always `NoChecksum` (0x2), so the pre/post-apply database
//! checksums are 0, as litestream itself writes them. Layout (all integers big-endian):
//!
//! ```text
//! header (100)  "LTX1" flags page_size commit min_txid max_txid timestamp_ms pre_apply_checksum
//!               wal_offset wal_size wal_salt1 wal_salt2 node_id, zero padding to 100
//! pages         per page: pgno u32 | flags u16 = 0 | LZ4 frame of the page
//! end of pages  6 zero bytes
//! page index    per page uvarint(pgno) uvarint(offset of its frame) uvarint(frame size incl. the
//!               6-byte header), then uvarint(0), then u64 = length of the varint section
//! trailer (16)  post_apply_checksum u64 (0) | file_checksum u64
//! ```
//!
//! `file_checksum` is CRC-64/GO-ISO over the header, each page's 6-byte header followed by its
//! *decompressed* bytes, the 6 zero bytes, the page index (with its length) and the 8
//! post-apply bytes, with the top bit set. The decoder verifies it and every structural rule, so
//! a flipped byte anywhere in a file is an error, never a silently different page.

use std::io::{Read as _, Write};

use crc::{CRC_64_GO_ISO, Crc, Digest};

/// Size of the fixed header.
pub const HEADER_SIZE: usize = 100;
/// Size of the trailer.
pub const TRAILER_SIZE: usize = 16;
/// Header flag: the file carries no database checksums (what litestream writes).
pub const FLAG_NO_CHECKSUM: u32 = 0x2;
/// Page flag of the newer encoding (size-prefixed raw LZ4 block); decoded, never written.
const PAGE_FLAG_SIZE: u16 = 0x1;
const MAGIC: &[u8; 4] = b"LTX1";
const CHECKSUM_FLAG: u64 = 1 << 63;
const CRC64: Crc<u64> = Crc::<u64>::new(&CRC_64_GO_ISO);

/// Why an LTX file was refused.
#[derive(Debug, thiserror::Error)]
pub enum LtxError {
    #[error("not an LTX file (bad magic)")]
    Magic,
    #[error("invalid LTX header: {0}")]
    Header(String),
    #[error("invalid page {pgno}: {why}")]
    Page { pgno: u32, why: String },
    #[error("truncated LTX file")]
    Truncated,
    #[error("invalid page index: {0}")]
    Index(String),
    #[error("file checksum mismatch (the file is corrupted)")]
    Checksum,
    #[error("writing the file: {0}")]
    Io(#[from] std::io::Error),
}

/// The 100-byte header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    pub flags: u32,
    pub page_size: u32,
    /// Database size in pages after applying this file.
    pub commit: u32,
    pub min_txid: u64,
    pub max_txid: u64,
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    pub pre_apply_checksum: u64,
    pub wal_offset: i64,
    pub wal_size: i64,
    pub wal_salt1: u32,
    pub wal_salt2: u32,
    pub node_id: u64,
}

impl Header {
    /// A header for pages of `page_size` bytes covering `min..=max`.
    pub fn new(page_size: u32, commit: u32, min_txid: u64, max_txid: u64, ts_ms: i64) -> Self {
        Header {
            flags: FLAG_NO_CHECKSUM,
            page_size,
            commit,
            min_txid,
            max_txid,
            timestamp_ms: ts_ms,
            ..Header::default()
        }
    }

    /// A snapshot starts at TXID 1 and holds every page of the database.
    pub fn is_snapshot(&self) -> bool {
        self.min_txid == 1
    }

    fn to_bytes(self) -> [u8; HEADER_SIZE] {
        let mut b = [0u8; HEADER_SIZE];
        b[0..4].copy_from_slice(MAGIC);
        b[4..8].copy_from_slice(&self.flags.to_be_bytes());
        b[8..12].copy_from_slice(&self.page_size.to_be_bytes());
        b[12..16].copy_from_slice(&self.commit.to_be_bytes());
        b[16..24].copy_from_slice(&self.min_txid.to_be_bytes());
        b[24..32].copy_from_slice(&self.max_txid.to_be_bytes());
        b[32..40].copy_from_slice(&self.timestamp_ms.to_be_bytes());
        b[40..48].copy_from_slice(&self.pre_apply_checksum.to_be_bytes());
        b[48..56].copy_from_slice(&self.wal_offset.to_be_bytes());
        b[56..64].copy_from_slice(&self.wal_size.to_be_bytes());
        b[64..68].copy_from_slice(&self.wal_salt1.to_be_bytes());
        b[68..72].copy_from_slice(&self.wal_salt2.to_be_bytes());
        b[72..80].copy_from_slice(&self.node_id.to_be_bytes());
        b
    }

    fn from_bytes(b: &[u8]) -> Result<Header, LtxError> {
        if b.len() < HEADER_SIZE {
            return Err(LtxError::Truncated);
        }
        if &b[0..4] != MAGIC {
            return Err(LtxError::Magic);
        }
        let u32_at = |i: usize| u32::from_be_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        let u64_at = |i: usize| u64::from_be_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        #[allow(clippy::cast_possible_wrap)]
        let h = Header {
            flags: u32_at(4),
            page_size: u32_at(8),
            commit: u32_at(12),
            min_txid: u64_at(16),
            max_txid: u64_at(24),
            timestamp_ms: u64_at(32) as i64,
            pre_apply_checksum: u64_at(40),
            wal_offset: u64_at(48) as i64,
            wal_size: u64_at(56) as i64,
            wal_salt1: u32_at(64),
            wal_salt2: u32_at(68),
            node_id: u64_at(72),
        };
        h.validate()?;
        Ok(h)
    }

    /// The rules litestream's decoder enforces.
    pub fn validate(&self) -> Result<(), LtxError> {
        let bad = |why: &str| Err(LtxError::Header(why.to_string()));
        if self.flags & !FLAG_NO_CHECKSUM != 0 {
            return bad("unknown flags");
        }
        if !(512..=65536).contains(&self.page_size) || !self.page_size.is_power_of_two() {
            return bad("invalid page size");
        }
        if self.min_txid == 0 || self.max_txid < self.min_txid {
            return bad("invalid TXID range");
        }
        if self.wal_offset < 0 || self.wal_size < 0 {
            return bad("negative WAL offset or size");
        }
        if (self.wal_salt1 != 0 || self.wal_salt2 != 0) && self.wal_offset == 0 {
            return bad("WAL salt without WAL offset");
        }
        if self.wal_size != 0 && self.wal_offset == 0 {
            return bad("WAL size without WAL offset");
        }
        if self.is_snapshot() && self.pre_apply_checksum != 0 {
            return bad("snapshot with a pre-apply checksum");
        }
        Ok(())
    }

    /// The page `SQLite` never writes (the 1 GiB lock byte page).
    pub fn lock_page(&self) -> u32 {
        lock_page(self.page_size)
    }
}

/// The page that holds the 1 GiB lock byte; never stored in an LTX file.
pub fn lock_page(page_size: u32) -> u32 {
    0x4000_0000 / page_size + 1
}

fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        #[allow(clippy::cast_possible_truncation)]
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    #[allow(clippy::cast_possible_truncation)]
    out.push(v as u8);
}

fn get_uvarint(b: &[u8], pos: &mut usize) -> Result<u64, LtxError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b
            .get(*pos)
            .ok_or_else(|| LtxError::Index("truncated varint".into()))?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(LtxError::Index("varint too long".into()))
}

/// Builds one LTX file page by page in ascending order, into memory ([`Encoder::new`]) or any
/// writer ([`Encoder::with_writer`]: a temporary file, so that a snapshot of any size takes one
/// page of memory).
pub struct Encoder<W: Write = Vec<u8>> {
    header: Header,
    out: W,
    /// Bytes written so far (the offset of the next page frame).
    written: u64,
    digest: Digest<'static, u64>,
    index: Vec<(u32, u64, u64)>,
    last_pgno: u32,
    /// The current page's LZ4 frame.
    scratch: Vec<u8>,
}

impl Encoder<Vec<u8>> {
    pub fn new(header: Header) -> Result<Self, LtxError> {
        Encoder::with_writer(header, Vec::with_capacity(64 * 1024))
    }
}

impl<W: Write> Encoder<W> {
    /// Writes the header to `out`; pages follow with [`Encoder::add_page`].
    pub fn with_writer(header: Header, mut out: W) -> Result<Self, LtxError> {
        header.validate()?;
        let bytes = header.to_bytes();
        let mut digest = CRC64.digest();
        digest.update(&bytes);
        out.write_all(&bytes)?;
        Ok(Encoder {
            header,
            out,
            written: HEADER_SIZE as u64,
            digest,
            index: Vec::new(),
            last_pgno: 0,
            scratch: Vec::new(),
        })
    }

    fn emit(&mut self, bytes: &[u8]) -> Result<(), LtxError> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Appends one page; pages must come in strictly ascending order, never the lock page,
    /// never beyond `commit`, and a snapshot must list every page.
    pub fn add_page(&mut self, pgno: u32, data: &[u8]) -> Result<(), LtxError> {
        let h = &self.header;
        let err = |why: &str| {
            Err(LtxError::Page {
                pgno,
                why: why.to_string(),
            })
        };
        if data.len() != h.page_size as usize {
            return err("wrong page size");
        }
        if pgno == 0 || pgno > h.commit {
            return err("page number outside the database");
        }
        if pgno == h.lock_page() {
            return err("the lock page is never encoded");
        }
        if pgno <= self.last_pgno {
            return err("pages out of order");
        }
        if h.is_snapshot() {
            let mut expected = self.last_pgno + 1;
            if expected == h.lock_page() {
                expected += 1;
            }
            if pgno != expected {
                return err("snapshot pages must be contiguous");
            }
        }
        let offset = self.written;
        let page_header = {
            let mut b = [0u8; 6];
            b[0..4].copy_from_slice(&pgno.to_be_bytes());
            b
        };
        let info = lz4_flex::frame::FrameInfo::new()
            .block_size(lz4_flex::frame::BlockSize::Max64KB)
            .block_mode(lz4_flex::frame::BlockMode::Independent)
            .content_checksum(true)
            .block_checksums(false);
        let mut frame = std::mem::take(&mut self.scratch);
        frame.clear();
        let mut enc = lz4_flex::frame::FrameEncoder::with_frame_info(info, &mut frame);
        enc.write_all(data)
            .and_then(|()| enc.finish().map(|_| ()).map_err(std::io::Error::other))
            .map_err(|e| LtxError::Page {
                pgno,
                why: format!("lz4: {e}"),
            })?;
        self.emit(&page_header)?;
        self.emit(&frame)?;
        self.scratch = frame;
        self.digest.update(&page_header);
        self.digest.update(data);
        let size = self.written - offset;
        self.index.push((pgno, offset, size));
        self.last_pgno = pgno;
        Ok(())
    }

    /// Writes the end marker, page index and trailer; returns the writer (the file bytes for
    /// [`Encoder::new`]).
    pub fn finish(mut self) -> Result<W, LtxError> {
        if self.header.is_snapshot() {
            let mut last = self.header.commit;
            if last == self.header.lock_page() {
                last -= 1;
            }
            if self.last_pgno != last {
                return Err(LtxError::Page {
                    pgno: self.last_pgno,
                    why: format!("snapshot ends before the last page {last}"),
                });
            }
        }
        let end = [0u8; 6];
        self.emit(&end)?;
        self.digest.update(&end);
        let mut index = Vec::with_capacity(self.index.len() * 8 + 9);
        for (pgno, offset, size) in &self.index {
            put_uvarint(&mut index, u64::from(*pgno));
            put_uvarint(&mut index, *offset);
            put_uvarint(&mut index, *size);
        }
        put_uvarint(&mut index, 0);
        let len = (index.len() as u64).to_be_bytes();
        index.extend_from_slice(&len);
        self.emit(&index)?;
        self.digest.update(&index);
        let post_apply = 0u64.to_be_bytes();
        self.emit(&post_apply)?;
        self.digest.update(&post_apply);
        let checksum = self.digest.finalize() | CHECKSUM_FLAG;
        self.out.write_all(&checksum.to_be_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Encodes a whole file from `(pgno, page)` pairs in ascending order.
pub fn encode<'a>(
    header: Header,
    pages: impl IntoIterator<Item = (u32, &'a [u8])>,
) -> Result<Vec<u8>, LtxError> {
    let mut enc = Encoder::new(header)?;
    for (pgno, data) in pages {
        enc.add_page(pgno, data)?;
    }
    enc.finish()
}

/// A decoded and fully verified file.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Header,
    /// Pages in ascending order.
    pub pages: Vec<(u32, Vec<u8>)>,
}

/// Reads exactly `n` bytes of `r` onto the end of `out`; `Truncated` at the end of the input.
fn read_onto(r: &mut impl std::io::Read, out: &mut Vec<u8>, n: usize) -> Result<(), LtxError> {
    let at = out.len();
    out.resize(at + n, 0);
    r.read_exact(&mut out[at..]).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => LtxError::Truncated,
        _ => LtxError::Io(e),
    })
}

/// Reads one LZ4 frame (frame format 1.6) onto `out` without decompressing it; `None` when it
/// is not a frame or a block is larger than `max_block`.
fn read_lz4_frame(
    r: &mut impl std::io::Read,
    out: &mut Vec<u8>,
    max_block: usize,
) -> Result<Option<()>, LtxError> {
    read_onto(r, out, 7)?;
    if out[0..4] != [0x04, 0x22, 0x4D, 0x18] {
        return Ok(None);
    }
    let flg = out[4];
    let extra = if flg & 0x08 != 0 { 8 } else { 0 } + if flg & 0x01 != 0 { 4 } else { 0 };
    read_onto(r, out, extra)?;
    let block_checksum = flg & 0x10 != 0;
    loop {
        let at = out.len();
        read_onto(r, out, 4)?;
        let size = u32::from_le_bytes(out[at..at + 4].try_into().expect("4 bytes"));
        if size == 0 {
            break;
        }
        let len = (size & 0x7fff_ffff) as usize;
        if len > max_block {
            return Ok(None);
        }
        read_onto(r, out, len + if block_checksum { 4 } else { 0 })?;
    }
    if flg & 0x04 != 0 {
        read_onto(r, out, 4)?;
    }
    Ok(Some(()))
}

/// Decodes and verifies a whole file in memory: see [`decode_from`].
pub fn decode(b: &[u8]) -> Result<Decoded, LtxError> {
    let mut pages = Vec::new();
    let header = decode_from(b, |_, pgno, page| {
        pages.push((pgno, page.to_vec()));
        Ok(())
    })?;
    Ok(Decoded { header, pages })
}

/// Decodes and verifies a file read from `r` (header rules, page order, LZ4 frames, page index
/// and the file checksum), handing each page to `on_page` as it goes: memory stays at a page
/// whatever the file size. The checksum is known only at the end, so a caller that writes
/// pages somewhere must discard them when this fails.
#[allow(clippy::too_many_lines)]
pub fn decode_from(
    mut r: impl std::io::Read,
    mut on_page: impl FnMut(&Header, u32, &[u8]) -> Result<(), LtxError>,
) -> Result<Header, LtxError> {
    let mut head = Vec::with_capacity(HEADER_SIZE);
    read_onto(&mut r, &mut head, HEADER_SIZE)?;
    let header = Header::from_bytes(&head)?;
    let mut digest = CRC64.digest();
    digest.update(&head);
    let ps = header.page_size as usize;
    let lock = header.lock_page();
    let mut pos = HEADER_SIZE as u64;
    let mut frames: Vec<(u32, u64, u64)> = Vec::new();
    let mut last: Option<u32> = None;
    let mut contiguous = true;
    let mut page = vec![0u8; ps];
    let mut frame = Vec::with_capacity(ps + 64);
    loop {
        frame.clear();
        read_onto(&mut r, &mut frame, 6)?;
        let ph: [u8; 6] = frame[0..6].try_into().expect("6 bytes");
        let pgno = u32::from_be_bytes(ph[0..4].try_into().expect("4 bytes"));
        let flags = u16::from_be_bytes(ph[4..6].try_into().expect("2 bytes"));
        if pgno == 0 && flags == 0 {
            digest.update(&ph);
            break;
        }
        let page_err = |why: &str| LtxError::Page {
            pgno,
            why: why.to_string(),
        };
        if pgno > header.commit || pgno == lock {
            return Err(page_err("page number outside the database"));
        }
        if last.is_some_and(|l| pgno <= l) {
            return Err(page_err("pages out of order"));
        }
        let mut want = last.map_or(1, |l| l + 1);
        if want == lock {
            want += 1;
        }
        contiguous &= pgno == want;
        digest.update(&ph);
        match flags {
            0 => {
                let mut body = Vec::with_capacity(ps + 64);
                if read_lz4_frame(&mut r, &mut body, ps.max(65536) + 16)?.is_none() {
                    return Err(page_err("bad LZ4 frame"));
                }
                let mut dec = lz4_flex::frame::FrameDecoder::new(&body[..]);
                dec.read_exact(&mut page)
                    .map_err(|e| page_err(&format!("lz4: {e}")))?;
                // Drain to the end of the frame so that the content checksum is verified.
                let mut rest = Vec::new();
                dec.read_to_end(&mut rest)
                    .map_err(|e| page_err(&format!("lz4: {e}")))?;
                if !rest.is_empty() {
                    return Err(page_err("page longer than the page size"));
                }
                frame.extend_from_slice(&body);
            }
            PAGE_FLAG_SIZE => {
                read_onto(&mut r, &mut frame, 4)?;
                let size_bytes: [u8; 4] = frame[6..10].try_into().expect("4 bytes");
                digest.update(&size_bytes);
                let size = u32::from_be_bytes(size_bytes) as usize;
                if size > ps + 1024 {
                    return Err(page_err("LZ4 block larger than a page"));
                }
                read_onto(&mut r, &mut frame, size)?;
                let n = lz4_flex::block::decompress_into(&frame[10..], &mut page)
                    .map_err(|e| page_err(&format!("lz4: {e}")))?;
                if n != ps {
                    return Err(page_err("short page"));
                }
            }
            _ => return Err(page_err("unknown page flags")),
        }
        digest.update(&page);
        frames.push((pgno, pos, frame.len() as u64));
        pos += frame.len() as u64;
        last = Some(pgno);
        on_page(&header, pgno, &page)?;
    }
    if header.is_snapshot() {
        let expected = header.commit - u32::from(header.commit >= lock);
        if frames.len() != expected as usize || !contiguous {
            return Err(LtxError::Header("snapshot does not hold every page".into()));
        }
    }
    // Page index, then the trailer: the rest of the input.
    let mut b = Vec::new();
    r.read_to_end(&mut b)?;
    if b.len() < 8 + TRAILER_SIZE {
        return Err(LtxError::Truncated);
    }
    let trailer_at = b.len() - TRAILER_SIZE;
    let index_len = u64::from_be_bytes(b[trailer_at - 8..trailer_at].try_into().expect("8"));
    if index_len != (trailer_at - 8) as u64 {
        return Err(LtxError::Index("length does not match".into()));
    }
    let index = &b[..trailer_at - 8];
    let mut ipos = 0;
    for (pgno, offset, size) in &frames {
        let got = (
            get_uvarint(index, &mut ipos)?,
            get_uvarint(index, &mut ipos)?,
            get_uvarint(index, &mut ipos)?,
        );
        if got != (u64::from(*pgno), *offset, *size) {
            return Err(LtxError::Index(format!("entry for page {pgno} is wrong")));
        }
    }
    if get_uvarint(index, &mut ipos)? != 0 || ipos != index.len() {
        return Err(LtxError::Index("missing terminator".into()));
    }
    digest.update(&b[..trailer_at + 8]);
    let post_apply = u64::from_be_bytes(b[trailer_at..trailer_at + 8].try_into().expect("8"));
    let stored = u64::from_be_bytes(b[trailer_at + 8..].try_into().expect("8"));
    if stored != digest.finalize() | CHECKSUM_FLAG {
        return Err(LtxError::Checksum);
    }
    if header.flags & FLAG_NO_CHECKSUM != 0 && post_apply != 0 {
        return Err(LtxError::Header(
            "post-apply checksum with NoChecksum".into(),
        ));
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(seed: u8, ps: usize) -> Vec<u8> {
        (0..ps)
            .map(|i| {
                if i % 7 == 0 {
                    seed
                } else {
                    u8::try_from(i / 64 % 256).unwrap()
                }
            })
            .collect()
    }

    #[test]
    fn crc_is_go_iso() {
        // hash/crc64 with the ISO table: the catalog check value of "123456789".
        assert_eq!(CRC64.checksum(b"123456789"), 0xb909_56c7_75a4_1001);
    }

    #[test]
    fn round_trip_snapshot_and_delta() {
        let ps = 4096;
        let pages: Vec<Vec<u8>> = (1..=5).map(|i| page(i, ps)).collect();
        let h = Header::new(4096, 5, 1, 3, 1_700_000_000_000);
        let bytes = encode(
            h,
            pages
                .iter()
                .enumerate()
                .map(|(i, p)| (u32::try_from(i).unwrap() + 1, &p[..])),
        )
        .unwrap();
        let d = decode(&bytes).unwrap();
        assert_eq!(d.header, h);
        assert_eq!(d.pages.len(), 5);
        assert_eq!(d.pages[2].1, pages[2]);

        let h = Header::new(4096, 9, 4, 4, 1_700_000_000_500);
        let bytes = encode(h, [(2, &pages[0][..]), (9, &pages[4][..])]).unwrap();
        let d = decode(&bytes).unwrap();
        assert_eq!(d.pages.iter().map(|p| p.0).collect::<Vec<_>>(), vec![2, 9]);
        assert_eq!(d.pages[1].1, pages[4]);
    }

    #[test]
    fn every_flipped_byte_is_detected() {
        let ps = 512;
        let pages: Vec<Vec<u8>> = (1..=3).map(|i| page(i, ps)).collect();
        let h = Header::new(512, 3, 1, 1, 5);
        let bytes = encode(
            h,
            pages
                .iter()
                .enumerate()
                .map(|(i, p)| (u32::try_from(i).unwrap() + 1, &p[..])),
        )
        .unwrap();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            assert!(
                decode(&bad).is_err(),
                "flip at {i} of {} went unnoticed",
                bytes.len()
            );
        }
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn snapshot_rules() {
        let p = page(1, 512);
        let h = Header::new(512, 3, 1, 2, 0);
        let mut enc = Encoder::new(h).unwrap();
        enc.add_page(1, &p).unwrap();
        assert!(enc.add_page(3, &p).is_err(), "gap in a snapshot");
        let mut enc = Encoder::new(h).unwrap();
        enc.add_page(1, &p).unwrap();
        assert!(enc.finish().is_err(), "short snapshot");
        let h = Header::new(512, 3, 5, 5, 0);
        let mut enc = Encoder::new(h).unwrap();
        enc.add_page(2, &p).unwrap();
        assert!(enc.add_page(2, &p).is_err());
        assert!(enc.add_page(4, &p).is_err(), "beyond commit");
        assert!(Header::new(500, 3, 1, 1, 0).validate().is_err());
    }
}
