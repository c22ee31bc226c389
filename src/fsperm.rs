//! Private files: everything `FlightClaim` writes (database, WAL/SHM, secret key, logs, documents,
//! development `.eml` copies) is readable by the service user only — files 0600, directories
//! 0700 — whatever umask the service manager or shell started us with.
//!
//! Two layers: [`restrict_umask`] at start-up covers files created by libraries we do not
//! control (`SQLite`'s WAL and SHM, the rolling log appender), and the explicit modes below
//! cover our own files even if the umask were changed back.

use std::io;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

/// Mode of every file we create.
pub const FILE_MODE: u32 = 0o600;
/// Mode of every directory we create.
pub const DIR_MODE: u32 = 0o700;

/// Sets the process umask to `077`: new files 0600 at most, new directories 0700 at most.
/// Returns the previous mask.
pub fn restrict_umask() -> u32 {
    let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    old.as_raw_mode()
}

/// Creates `dir` and its missing parents with mode 0700. An existing directory is left as it
/// is (the operator may have chosen its mode, e.g. systemd's `StateDirectoryMode=`).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))
}

/// Creates or truncates `path` with mode 0600 and writes `bytes` to it.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.write_all(bytes)
}

/// Creates `path` empty with mode 0600 when it does not exist yet (so that `SQLite` opens a
/// private file and gives its `-wal` and `-shm` files the same mode).
pub fn touch_private(path: &Path) -> io::Result<()> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn files_and_dirs_are_private_even_under_a_loose_umask() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        super::create_private_dir(&nested).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&nested), 0o700);
        let f = nested.join("f");
        super::write_private(&f, b"x").unwrap();
        assert_eq!(mode(&f), 0o600);
        let g = nested.join("g");
        super::touch_private(&g).unwrap();
        super::touch_private(&g).unwrap();
        assert_eq!(mode(&g), 0o600);
    }
}
