//! Where each file lives in a replica. Litestream 0.5 names levels differently per backend:
//!
//! * file: `<root>/ltx/<level decimal>/<min %016x>-<max %016x>.ltx`
//! * s3:   `<prefix>/<level %04x>/<min %016x>-<max %016x>.ltx` (a `ltx/0/` prefix is *not*
//!   found by `litestream restore` on S3)
//!
//! Documents (content-addressed by SHA-256) sit beside them under `documents/<hex>`.

/// Which naming scheme a replica uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    File,
    S3,
}

/// Level of the daily full snapshots.
pub const SNAPSHOT_LEVEL: u8 = 9;

impl Layout {
    /// The directory (key prefix, without trailing slash) holding one level, below the root.
    pub fn level_dir(self, level: u8) -> String {
        match self {
            Layout::File => format!("ltx/{level}"),
            Layout::S3 => format!("{level:04x}"),
        }
    }

    /// The key of one LTX file, below the root.
    pub fn ltx_key(self, level: u8, min: u64, max: u64) -> String {
        format!("{}/{}", self.level_dir(level), file_name(min, max))
    }
}

/// `<min %016x>-<max %016x>.ltx`
pub fn file_name(min: u64, max: u64) -> String {
    format!("{min:016x}-{max:016x}.ltx")
}

/// Parses `<min>-<max>.ltx`.
pub fn parse_file_name(name: &str) -> Option<(u64, u64)> {
    let stem = name.strip_suffix(".ltx")?;
    let (a, b) = stem.split_once('-')?;
    if a.len() != 16 || b.len() != 16 {
        return None;
    }
    let min = u64::from_str_radix(a, 16).ok()?;
    let max = u64::from_str_radix(b, 16).ok()?;
    (min >= 1 && max >= min).then_some((min, max))
}

/// The key of a document, below the root.
pub fn document_key(sha256_hex: &str) -> String {
    format!("documents/{sha256_hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            Layout::File.ltx_key(0, 1, 0x2a),
            "ltx/0/0000000000000001-000000000000002a.ltx"
        );
        assert_eq!(
            Layout::S3.ltx_key(9, 1, 2),
            "0009/0000000000000001-0000000000000002.ltx"
        );
        assert_eq!(
            parse_file_name("0000000000000003-0000000000000010.ltx"),
            Some((3, 16))
        );
        assert_eq!(parse_file_name("3-10.ltx"), None);
        assert_eq!(
            parse_file_name("0000000000000004-0000000000000003.ltx"),
            None
        );
    }
}
