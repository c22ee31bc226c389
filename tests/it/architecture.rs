//! Layering rules checked on the source tree (issue #17): SQL lives in `src/db/` only.
//!
//! Web handlers, mail, jobs and use cases call `db::*` functions; they never run a statement
//! themselves. The check looks for the rusqlite calls that run SQL (`.execute(`, `.query_row(`,
//! `.prepare(`, `.prepare_cached(`, `.query_map(`, `.execute_batch(`) in every `.rs` file under
//! `src/`, outside `src/db/` and the allowed places below, ignoring test code (a `tests.rs` /
//! `*_tests.rs` file, or anything after a file's `#[cfg(test)]`).

use std::path::{Path, PathBuf};

const SQL_CALLS: &[&str] = &[
    ".execute(",
    ".query_row(",
    ".prepare(",
    ".prepare_cached(",
    ".query_map(",
    ".execute_batch(",
];

/// Folders that may run SQL, and why.
const ALLOWED_DIRS: &[(&str, &str)] = &[
    ("src/db/", "the repositories: the one home of SQL"),
    (
        "src/backup/",
        "works on raw SQLite files (WAL frames, checkpoints, restore checks), not on the data",
    ),
];

/// Files that still run SQL of their own: moved in a later slice. The list only shrinks; a
/// file that no longer runs SQL must leave it (the test says so).
const NOT_YET_MOVED: &[(&str, &str)] = &[("src/demo/mod.rs", "moved in a later slice")];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its test module(s): everything before the first `#[cfg(test)]`.
fn non_test_code(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "tests.rs" || name.ends_with("_tests.rs") {
        return None;
    }
    let text = std::fs::read_to_string(path).unwrap();
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    Some(text[..end].to_string())
}

/// `src/…` paths of the files that run SQL, with the first offending line.
fn files_running_sql() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(code) = non_test_code(&path) else {
            continue;
        };
        if let Some(line) = code
            .lines()
            .find(|l| SQL_CALLS.iter().any(|call| l.contains(call)))
        {
            found.push((rel, line.trim().to_string()));
        }
    }
    found
}

#[test]
fn sql_runs_only_in_db() {
    let offenders: Vec<String> = files_running_sql()
        .into_iter()
        .filter(|(file, _)| !ALLOWED_DIRS.iter().any(|(dir, _)| file.starts_with(dir)))
        .filter(|(file, _)| !NOT_YET_MOVED.iter().any(|(f, _)| f == file))
        .map(|(file, line)| format!("{file}: {line}"))
        .collect();
    assert!(
        offenders.is_empty(),
        "SQL outside src/db/ (add a function to a src/db/ module and call it):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_not_yet_moved_list_only_names_files_that_still_run_sql() {
    let running: Vec<String> = files_running_sql().into_iter().map(|(f, _)| f).collect();
    let stale: Vec<&str> = NOT_YET_MOVED
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| !running.iter().any(|r| r == f))
        .collect();
    assert!(
        stale.is_empty(),
        "these files no longer run SQL: remove them from NOT_YET_MOVED: {stale:?}"
    );
}

#[test]
fn the_check_sees_sql() {
    // The scanner must find the repositories' SQL, or it would pass on anything.
    let running = files_running_sql();
    assert!(running.iter().any(|(f, _)| f == "src/db/claims.rs"));
    assert!(
        !running.iter().any(|(f, _)| f == "src/cli.rs"),
        "`rocket::execute(` is not SQL"
    );
}
