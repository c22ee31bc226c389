//! Replication end to end, with real processes on 127.0.0.1: `flightclaim serve` replicating to a
//! `file://` replica and to S3 (`moto_server`), restored by the real `litestream` 0.5 and by
//! `flightclaim restore`.
//!
//! Tools come from `$CARGO_MANIFEST_DIR/.venv-test/bin/` (`tests/requirements.txt`, installed by
//! `scripts/test`). Without them the tests skip with a loud message, except under `CI=true`
//! where they fail.
//!
//! Writes are driven by this test process through its own `SQLite` connection to the very
//! database file the server replicates (WAL mode allows a second writer process), into a
//! test-only table: claims do not exist yet, and a second process is the harder case for the
//! replicator (its automatic checkpoints are not ours). `flightclaim create-admin` adds writes
//! through the real binary as well.
//!
//! `FLIGHTCLAIM_TEST_OUTAGE_SECS` sets how long the S3 endpoint is down (default 60: the minute
//! an operator's object store might really be gone; lower it for quick local runs).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

fn tool(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv-test/bin")
        .join(name);
    if p.is_file() {
        return Some(p);
    }
    let msg = format!(
        "{} is missing: run scripts/test (or python3 -m venv .venv-test && .venv-test/bin/pip install -r tests/requirements.txt)",
        p.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("\n!!!!! SKIPPING: {msg} !!!!!\n");
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flightclaim"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let code = buf.get(9..12)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Some((code, body.to_string()))
}

/// A running `flightclaim serve`.
struct Server {
    child: Child,
    port: u16,
    data: PathBuf,
    log: PathBuf,
}

impl Server {
    fn start(data: &Path, url: &str, envs: &[(&str, String)]) -> Server {
        let port = free_port();
        let log = data.with_extension(format!("{port}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let mut cmd = bin();
        cmd.arg("serve")
            .env("FLIGHTCLAIM_DATA_DIR", data)
            .env("FLIGHTCLAIM_PORT", port.to_string())
            .env("FLIGHTCLAIM_REPLICA_URL", url)
            .env("FLIGHTCLAIM_LOG", "info,flightclaim=debug")
            .env("FLIGHTCLAIM_LOG_TO_FILE", "false")
            .env("FLIGHTCLAIM_SHUTDOWN_GRACE_SECS", "1")
            // Level-0 files stay the only ones besides snapshots, however slow the machine:
            // the broken-chain checks corrupt a level-0 file the restore must read.
            .env("FLIGHTCLAIM_REPLICA_COMPACTION_SECS", "3600")
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let server = Server {
            child,
            port,
            data: data.to_path_buf(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(port, "/health").is_none_or(|(c, _)| c != 200) {
            assert!(
                Instant::now() < deadline,
                "server did not start: {}",
                server.logs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn db(&self) -> PathBuf {
        self.data.join("flightclaim.sqlite3")
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn replication(&self) -> serde_json::Value {
        let (_, body) = http_get(self.port, "/ready").expect("/ready answers");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        v["replication"].clone()
    }

    /// Waits until everything committed so far is in the replica.
    fn wait_caught_up(&self, timeout: Duration) {
        let start_txid = self.replication()["txid"].as_u64().unwrap_or(0);
        let deadline = Instant::now() + timeout;
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let r = self.replication();
            if r["lag_seconds"].as_f64() == Some(0.0)
                && r["txid"].as_u64().unwrap_or(0) > start_txid
                && r["consecutive_failures"] == 0
            {
                // One more sync interval: the last check may have raced a commit.
                std::thread::sleep(Duration::from_millis(1500));
                if self.replication()["lag_seconds"].as_f64() == Some(0.0) {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "replication did not catch up: {r}\n{}",
                self.logs()
            );
        }
    }

    fn kill9(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                self.kill9();
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// The test-only table, written by this process.
fn writer(db: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(
        "PRAGMA busy_timeout = 5000;
         CREATE TABLE IF NOT EXISTS t_writes (id INTEGER PRIMARY KEY, v TEXT NOT NULL, at_ms INTEGER NOT NULL);",
    )
    .unwrap();
    c
}

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// Inserts `n` rows, one transaction each; returns their ids.
fn insert(c: &rusqlite::Connection, n: usize, tag: &str) -> Vec<i64> {
    (0..n)
        .map(|i| {
            c.execute(
                "INSERT INTO t_writes (v, at_ms) VALUES (?1, ?2)",
                rusqlite::params![format!("{tag}-{i}-{}", "x".repeat(200)), now_ms()],
            )
            .unwrap();
            c.last_insert_rowid()
        })
        .collect()
}

type Rows = Vec<(i64, String)>;

fn rows(db: &Path) -> (Rows, Vec<String>) {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let rows = c
        .prepare("SELECT id, v FROM t_writes ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let users = c
        .prepare("SELECT email FROM users ORDER BY email")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (rows, users)
}

fn assert_integrity(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "{}", db.display());
}

fn litestream_restore(
    litestream: &Path,
    url: &str,
    out: &Path,
    timestamp: Option<&str>,
) -> std::process::Output {
    let mut cmd = Command::new(litestream);
    cmd.arg("restore").arg("-o").arg(out);
    if let Some(t) = timestamp {
        cmd.args(["-timestamp", t]);
    }
    cmd.arg(url)
        .env_remove("AWS_CA_BUNDLE")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap()
}

fn our_restore(
    url: &str,
    out: &Path,
    timestamp: Option<&str>,
    envs: &[(&str, String)],
) -> std::process::Output {
    let mut cmd = bin();
    cmd.args(["restore", "--replica", url, "-o"]).arg(out);
    if let Some(t) = timestamp {
        cmd.args(["--timestamp", t]);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn create_admin(data: &Path, email: &str) {
    let pw = data.with_extension("pw");
    std::fs::write(&pw, "a long enough passphrase").unwrap();
    let out = bin()
        .args(["create-admin", "--email", email, "--password-file"])
        .arg(&pw)
        .env("FLIGHTCLAIM_DATA_DIR", data)
        .env("FLIGHTCLAIM_LOG_TO_FILE", "false")
        .output()
        .unwrap();
    ok(&out, "create-admin");
}

/// Restores with both tools and checks rows and integrity against `expected`.
fn restore_both_and_compare(
    litestream: &Path,
    url_litestream: &str,
    url_ours: &str,
    envs: &[(&str, String)],
    work: &Path,
    expected: &(Rows, Vec<String>),
) {
    let a = work.join("litestream-restored.db");
    let _ = std::fs::remove_file(&a);
    ok(
        &litestream_restore(litestream, url_litestream, &a, None),
        "litestream restore",
    );
    assert_integrity(&a);
    assert_eq!(&rows(&a), expected, "litestream restore differs");
    let b = work.join("ours").join("flightclaim.sqlite3");
    let _ = std::fs::remove_dir_all(work.join("ours"));
    ok(
        &our_restore(url_ours, &b, None, envs),
        "flightclaim restore",
    );
    assert_integrity(&b);
    assert_eq!(&rows(&b), expected, "flightclaim restore differs");
}

#[test]
fn file_replica_litestream_restore_pitr_backup_and_broken_chains() {
    let Some(litestream) = tool("litestream") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let replica = dir.path().join("replica");
    let url = format!("file://{}", replica.display());
    let server = Server::start(&data, &url, &[]);
    let c = writer(&server.db());
    insert(&c, 150, "before");
    create_admin(&data, "first@example.com");
    server.wait_caught_up(Duration::from_secs(20));

    // Point in time: a moment between two batches.
    std::thread::sleep(Duration::from_millis(1200));
    let t = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let at_t = rows(&server.db());
    std::thread::sleep(Duration::from_millis(1200));
    insert(&c, 120, "after");
    create_admin(&data, "second@example.com");
    server.wait_caught_up(Duration::from_secs(20));
    let live = rows(&server.db());
    assert_eq!(live.0.len(), 270);

    restore_both_and_compare(&litestream, &url, &url, &[], dir.path(), &live);

    let pitr = dir.path().join("pitr").join("flightclaim.sqlite3");
    ok(
        &our_restore(&url, &pitr, Some(&t), &[]),
        "point-in-time restore",
    );
    assert_integrity(&pitr);
    assert_eq!(rows(&pitr), at_t, "state at {t}");
    let pitr_ls = dir.path().join("pitr-litestream.db");
    ok(
        &litestream_restore(&litestream, &url, &pitr_ls, Some(&t)),
        "litestream -timestamp",
    );
    assert_eq!(rows(&pitr_ls), at_t, "litestream state at {t}");

    // Refuses to overwrite a database.
    let again = our_restore(&url, &pitr, None, &[]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));

    // `flightclaim backup` while the server replicates: a level-9 snapshot from the replica.
    let out = bin()
        .arg("backup")
        .env("FLIGHTCLAIM_DATA_DIR", &data)
        .env("FLIGHTCLAIM_REPLICA_URL", &url)
        .env("FLIGHTCLAIM_LOG_TO_FILE", "false")
        .output()
        .unwrap();
    ok(&out, "backup");
    let snapshots: Vec<String> = std::fs::read_dir(replica.join("ltx/9"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(snapshots.len() >= 2, "{snapshots:?}");

    drop(c);
    let mut server = server;
    server.stop();
    // Only level 9 and level 0 exist (no compaction within 30 s). A broken level-0 file must
    // make restores fail loudly, not produce an older database.
    let mut l0: Vec<PathBuf> = std::fs::read_dir(replica.join("ltx/0"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    l0.sort();
    for s in &snapshots {
        std::fs::remove_file(replica.join("ltx/9").join(s)).unwrap();
    }
    let victim = l0[l0.len() / 2].clone();
    let original = std::fs::read(&victim).unwrap();
    let mut flipped = original.clone();
    flipped[original.len() / 2] ^= 0x01;
    std::fs::write(&victim, &flipped).unwrap();
    let out = our_restore(&url, &dir.path().join("bad1.db"), None, &[]);
    assert!(!out.status.success(), "a corrupted file must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("checksum") || err.contains("invalid"), "{err}");
    assert!(!dir.path().join("bad1.db").exists());
    let out = litestream_restore(&litestream, &url, &dir.path().join("bad1-ls.db"), None);
    assert!(!out.status.success(), "litestream also refuses it");

    std::fs::remove_file(&victim).unwrap();
    let out = our_restore(&url, &dir.path().join("bad2.db"), None, &[]);
    assert!(!out.status.success(), "a missing file must fail");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("bad2.db").exists());
}

#[test]
fn kill_9_keeps_every_write_acknowledged_a_second_before() {
    let Some(litestream) = tool("litestream") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("file://{}", dir.path().join("replica").display());
    let mut server = Server::start(&data, &url, &[]);
    let db = server.db();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let writes = std::thread::spawn(move || {
        let c = writer(&db);
        let mut acked: Vec<(i64, Instant)> = Vec::new();
        let mut i = 0;
        while !stop2.load(Ordering::SeqCst) {
            let id = insert(&c, 1, &format!("k{i}"))[0];
            acked.push((id, Instant::now()));
            i += 1;
            std::thread::sleep(Duration::from_millis(5));
        }
        acked
    });
    std::thread::sleep(Duration::from_secs(6));
    server.kill9();
    let killed_at = Instant::now();
    stop.store(true, Ordering::SeqCst);
    let acked = writes.join().unwrap();
    let must_have: Vec<i64> = acked
        .iter()
        .filter(|(_, at)| *at + Duration::from_secs(1) < killed_at)
        .map(|(id, _)| *id)
        .collect();
    assert!(must_have.len() > 100, "only {} writes", must_have.len());

    for (name, out) in [
        (
            "ours",
            our_restore(&url, &dir.path().join("ours.db"), None, &[]),
        ),
        (
            "litestream",
            litestream_restore(&litestream, &url, &dir.path().join("litestream.db"), None),
        ),
    ] {
        ok(&out, name);
        let db = dir.path().join(format!("{name}.db"));
        assert_integrity(&db);
        let restored: std::collections::HashSet<i64> =
            rows(&db).0.into_iter().map(|(id, _)| id).collect();
        let lost: Vec<&i64> = must_have
            .iter()
            .filter(|id| !restored.contains(id))
            .collect();
        assert!(
            lost.is_empty(),
            "{name}: {} of {} acknowledged writes lost, e.g. {:?}",
            lost.len(),
            must_have.len(),
            &lost[..lost.len().min(5)]
        );
    }
}

/// Seconds since the Unix epoch, as the claim driver writes them.
fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Every claim in `refs` has its document row in `c`, and the file it points at is in `docs`
/// with exactly those bytes.
fn assert_documents_restored(c: &rusqlite::Connection, docs: &Path, refs: &[&String]) {
    for claim_ref in refs {
        let sha: String = c
            .query_row(
                "SELECT d.sha256 FROM documents d JOIN claims c ON c.id = d.claim_id
                 WHERE c.ref = ?1",
                [claim_ref.as_str()],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{claim_ref} has no document row: {e}"));
        let bytes = std::fs::read(docs.join(&sha))
            .unwrap_or_else(|e| panic!("{claim_ref}: document {sha} not restored: {e}"));
        assert_eq!(flightclaim::backup::documents::sha256_hex(&bytes), sha);
    }
}

#[test]
fn kill_9_during_claim_submissions_keeps_every_claim_acknowledged_a_second_before() {
    let Some(litestream) = tool("litestream") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("file://{}", dir.path().join("replica").display());
    let mut server = Server::start(
        &data,
        &url,
        &[
            ("FLIGHTCLAIM_RATE_LIMIT_FORM", "1000000/min".to_string()),
            ("FLIGHTCLAIM_RATE_LIMIT_UPLOAD", "1000000/min".to_string()),
        ],
    );
    // Passengers filing claims through the wizard over HTTP, two at a time, each with a
    // boarding pass of its own.
    let acked_path = dir.path().join("acked.jsonl");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/load/submit_claims.py");
    let driver = Command::new("python3")
        .arg(script)
        .args(["--base", &format!("http://127.0.0.1:{}", server.port)])
        .arg("--out")
        .arg(&acked_path)
        .args(["--seconds", "60", "--workers", "2", "--upload"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs the claim driver");
    std::thread::sleep(Duration::from_secs(8));
    server.kill9();
    let killed_at = unix_now();
    let out = driver.wait_with_output().unwrap();
    let summary = String::from_utf8_lossy(&out.stderr).to_string();
    let acked: Vec<(String, f64)> = std::fs::read_to_string(&acked_path)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["ref"].as_str().unwrap().to_string(),
                v["t"].as_f64().unwrap(),
            )
        })
        .collect();
    let must_have: Vec<&String> = acked
        .iter()
        .filter(|(_, t)| t + 1.0 < killed_at)
        .map(|(r, _)| r)
        .collect();
    assert!(
        must_have.len() >= 10,
        "only {} claims acknowledged before the kill: {summary}",
        must_have.len()
    );
    eprintln!(
        "{} claims acknowledged a second before the kill; driver: {summary}",
        must_have.len()
    );

    for (name, out) in [
        (
            "ours",
            our_restore(&url, &dir.path().join("claims-ours.db"), None, &[]),
        ),
        (
            "litestream",
            litestream_restore(&litestream, &url, &dir.path().join("claims-ls.db"), None),
        ),
    ] {
        ok(&out, name);
        let db = dir.path().join(format!(
            "claims-{}.db",
            if name == "ours" { "ours" } else { "ls" }
        ));
        assert_integrity(&db);
        let c = rusqlite::Connection::open(&db).unwrap();
        // Each restored claim has its timeline and its confirmation mail (same transaction).
        let restored: std::collections::HashSet<String> = c
            .prepare(
                "SELECT c.ref FROM claims c
                 WHERE EXISTS (SELECT 1 FROM claim_events e WHERE e.claim_id = c.id)
                   AND EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'claim_submitted'
                               AND o.body_text LIKE '%' || c.ref || '%')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let lost: Vec<&&String> = must_have
            .iter()
            .filter(|r| !restored.contains(**r))
            .collect();
        assert!(
            lost.is_empty(),
            "{name}: {} of {} acknowledged claims lost, e.g. {:?} ({summary})",
            lost.len(),
            must_have.len(),
            &lost[..lost.len().min(5)]
        );
        // Each of those claims' boarding pass came back too, byte for byte (ours restores the
        // documents beside the database; litestream knows only the database).
        if name == "ours" {
            assert_documents_restored(&c, &dir.path().join("documents"), &must_have);
        }
    }
}

/// A TCP relay in front of moto, to cut the endpoint off and bring it back with its data.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
}

impl Relay {
    fn start(target: u16) -> Relay {
        let port = free_port();
        let up = Arc::new(AtomicBool::new(true));
        let flag = up.clone();
        std::thread::spawn(move || {
            let mut listener: Option<TcpListener> = None;
            loop {
                if !flag.load(Ordering::SeqCst) {
                    listener = None; // closed: connection refused
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                let l = listener.get_or_insert_with(|| {
                    let l = TcpListener::bind(("127.0.0.1", port)).unwrap();
                    l.set_nonblocking(true).unwrap();
                    l
                });
                match l.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let Ok(upstream) = TcpStream::connect(("127.0.0.1", target)) else {
                            continue;
                        };
                        let flag = flag.clone();
                        for (mut from, mut to) in [
                            (client.try_clone().unwrap(), upstream.try_clone().unwrap()),
                            (upstream, client),
                        ] {
                            let flag = flag.clone();
                            std::thread::spawn(move || {
                                from.set_read_timeout(Some(Duration::from_millis(200)))
                                    .unwrap();
                                let mut buf = vec![0u8; 65536];
                                loop {
                                    if !flag.load(Ordering::SeqCst) {
                                        break;
                                    }
                                    match from.read(&mut buf) {
                                        Ok(0) => break,
                                        Ok(n) => {
                                            if to.write_all(&buf[..n]).is_err() {
                                                break;
                                            }
                                        }
                                        Err(e)
                                            if e.kind() == std::io::ErrorKind::WouldBlock
                                                || e.kind() == std::io::ErrorKind::TimedOut => {}
                                        Err(_) => break,
                                    }
                                }
                                let _ = to.shutdown(std::net::Shutdown::Both);
                                let _ = from.shutdown(std::net::Shutdown::Both);
                            });
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "relay did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Relay { port, up }
    }

    fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }
}

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `moto_server` on a free port with the bucket `backups`.
fn start_moto(moto: &Path) -> (Moto, u16) {
    let moto_port = free_port();
    let child = Moto(
        Command::new(moto)
            .args(["-H", "127.0.0.1", "-p", &moto_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", moto_port)) {
            // Create the bucket (moto does not check signatures).
            write!(
                s,
                "PUT /backups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut resp = String::new();
            let _ = s.read_to_string(&mut resp);
            if resp.starts_with("HTTP/1.1 200") {
                break;
            }
        }
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    (child, moto_port)
}

/// The S3 credentials and endpoint of moto on `port`.
fn moto_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "test".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
    ]
}

#[test]
fn s3_replica_survives_an_outage_and_litestream_restores_it() {
    let (Some(litestream), Some(moto)) = (tool("litestream"), tool("moto_server")) else {
        return;
    };
    let outage = Duration::from_secs(
        std::env::var("FLIGHTCLAIM_TEST_OUTAGE_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60),
    );
    let dir = tempfile::tempdir().unwrap();
    let (_moto, moto_port) = start_moto(&moto);
    let relay = Relay::start(moto_port);
    let aws = moto_env;
    let data = dir.path().join("data");
    let url = "s3://backups/db";
    let server = Server::start(&data, url, &aws(relay.port));
    let c = writer(&server.db());
    insert(&c, 100, "before");
    server.wait_caught_up(Duration::from_secs(20));

    relay.set_up(false);
    let outage_end = Instant::now() + outage;
    let mut during = 0;
    let mut saw_lag = false;
    while Instant::now() < outage_end {
        insert(&c, 10, &format!("during{during}"));
        during += 1;
        std::thread::sleep(Duration::from_millis(500));
        let (code, _) = http_get(server.port, "/health").expect("the app keeps serving");
        assert_eq!(code, 200);
        let r = server.replication();
        saw_lag |= r["lag_seconds"].as_f64().unwrap_or(0.0) > 2.0 && !r["last_error"].is_null();
    }
    assert!(
        saw_lag,
        "the outage shows on /ready: {}",
        server.replication()
    );
    let metrics = http_get(server.port, "/metrics").unwrap().1;
    assert!(
        metrics.contains("flightclaim_replication_lag_seconds"),
        "{metrics}"
    );
    relay.set_up(true);
    insert(&c, 50, "after");
    server.wait_caught_up(Duration::from_secs(40));
    let live = rows(&server.db());
    assert_eq!(live.0.len(), 150 + 10 * during);

    let ls_url = format!("s3://backups/db?endpoint=http://127.0.0.1:{moto_port}&region=us-east-1");
    restore_both_and_compare(
        &litestream,
        &ls_url,
        url,
        &aws(moto_port),
        dir.path(),
        &live,
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn compaction_snapshots_and_retention_keep_the_replica_restorable() {
    use flightclaim::backup::{Replica, Replicator, Settings, compact};
    let Some(litestream) = tool("litestream") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let url = format!("file://{}", dir.path().join("replica").display());
    let db = data.join("flightclaim.sqlite3");
    let c = writer(&db);
    c.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE users (email TEXT);")
        .unwrap();
    let settings = Settings {
        url: url.clone(),
        db_path: db.clone(),
        documents_dir: data.join("documents"),
        sync_interval: Duration::from_secs(1),
        retention: Duration::from_hours(24),
        lag_alert: Duration::from_mins(1),
        snapshot_interval: Duration::from_hours(24),
        compaction: [Duration::from_hours(1); 3],
        verify_interval: Duration::from_hours(6),
    };
    let mut r = Replicator::new(settings, &data).unwrap();
    let rt = runtime();
    let replica = Replica::open(&url).unwrap();
    let mut sync_batch = |n: usize, tag: &str| {
        insert(&c, n, tag);
        rt.block_on(r.sync()).unwrap();
    };
    for i in 0..4 {
        sync_batch(30, &format!("a{i}"));
    }
    let l1 = rt.block_on(compact::compact(&replica, 1)).unwrap().unwrap();
    // The first sync ships the whole database as TXID 1; each later sync is one TXID.
    assert_eq!(
        (l1.min, l1.max),
        (1, 4),
        "the first level-1 file is a snapshot"
    );
    for i in 0..3 {
        sync_batch(30, &format!("b{i}"));
    }
    let l1b = rt.block_on(compact::compact(&replica, 1)).unwrap().unwrap();
    assert_eq!((l1b.min, l1b.max), (5, 7));
    assert!(
        rt.block_on(compact::compact(&replica, 1))
            .unwrap()
            .is_none()
    );
    let l2 = rt.block_on(compact::compact(&replica, 2)).unwrap().unwrap();
    assert_eq!((l2.min, l2.max), (1, 7));
    let live = rows(&db);
    restore_both_and_compare(&litestream, &url, &url, &[], dir.path(), &live);

    // A new snapshot, then retention two days later: only it and what follows stay.
    let snap = rt
        .block_on(compact::snapshot_from_replica(&replica))
        .unwrap();
    assert_eq!(snap, Some(7));
    sync_batch(30, "c");
    let in_two_days = chrono::Utc::now().timestamp_millis() + 2 * 86_400_000;
    let deleted = rt
        .block_on(compact::enforce_retention(
            &replica,
            in_two_days,
            Duration::from_hours(24),
        ))
        .unwrap();
    assert!(deleted >= 10, "deleted {deleted}");
    let left: Vec<_> = (0..=9u8)
        .flat_map(|l| rt.block_on(replica.list_level(l)).unwrap())
        .map(|f| (f.level, f.min, f.max))
        .collect();
    assert_eq!(left, vec![(0, 8, 8), (9, 1, 7)]);
    let live = rows(&db);
    restore_both_and_compare(&litestream, &url, &url, &[], dir.path(), &live);
}

#[test]
fn documents_are_content_addressed_and_restored() {
    use flightclaim::backup::{Replica, documents};
    let dir = tempfile::tempdir().unwrap();
    let replica = Replica::open(&format!("file://{}", dir.path().join("r").display())).unwrap();
    let rt = runtime();
    let boarding_pass = b"%PDF-1.7 boarding pass".to_vec();
    let sha = rt
        .block_on(documents::put(&replica, &boarding_pass))
        .unwrap();
    assert_eq!(sha, documents::sha256_hex(&boarding_pass));
    assert!(dir.path().join("r/documents").join(&sha).is_file());
    // A document saved locally while the store was unreachable is caught up by sync_dir.
    let local = dir.path().join("data/documents");
    std::fs::create_dir_all(&local).unwrap();
    let receipt = b"hotel receipt".to_vec();
    std::fs::write(local.join(documents::sha256_hex(&receipt)), &receipt).unwrap();
    std::fs::write(local.join("not-a-hash.txt"), b"ignored").unwrap();
    assert_eq!(
        rt.block_on(documents::sync_dir(&replica, &local)).unwrap(),
        1
    );
    assert_eq!(
        rt.block_on(documents::sync_dir(&replica, &local)).unwrap(),
        0
    );

    let target = dir.path().join("restored/documents");
    let first = rt
        .block_on(documents::restore_all(&replica, &target))
        .unwrap();
    assert_eq!((first.written, first.present), (2, 0));
    assert_eq!(std::fs::read(target.join(&sha)).unwrap(), boarding_pass);
    let again = rt
        .block_on(documents::restore_all(&replica, &target))
        .unwrap();
    assert_eq!((again.written, again.present), (0, 2));
    // A corrupted object is refused and reported; the others are restored anyway.
    std::fs::write(dir.path().join("r/documents").join(&sha), b"tampered").unwrap();
    let third = rt
        .block_on(documents::put(&replica, b"a third document"))
        .unwrap();
    std::fs::remove_file(target.join(&sha)).unwrap();
    let report = rt
        .block_on(documents::restore_all(&replica, &target))
        .unwrap();
    assert_eq!(report.written, 1);
    assert!(target.join(&third).is_file());
    assert!(!target.join(&sha).exists());
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(report.failed[0].0, sha);
    assert!(report.failed[0].1.contains("corrupted"), "{report:?}");
    // Repaired in the replica: a second run restores just that one.
    std::fs::write(dir.path().join("r/documents").join(&sha), &boarding_pass).unwrap();
    let resumed = rt
        .block_on(documents::restore_all(&replica, &target))
        .unwrap();
    assert_eq!((resumed.written, resumed.present), (1, 2));
    assert!(resumed.failed.is_empty());
}

/// `litestream`, a temporary directory, its `data` directory and the URL of its `replica`.
fn file_replica_setup() -> Option<(PathBuf, tempfile::TempDir, PathBuf, String)> {
    let litestream = tool("litestream")?;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("file://{}", dir.path().join("replica").display());
    Some((litestream, dir, data, url))
}

/// Runs `flightclaim serve` that must refuse to start; returns what it printed.
fn serve_refused(data: &Path, envs: &[(&str, String)]) -> String {
    let log = data.with_extension("refused.log");
    let out = std::fs::File::create(&log).unwrap();
    let mut cmd = bin();
    cmd.arg("serve")
        .env("FLIGHTCLAIM_DATA_DIR", data)
        .env("FLIGHTCLAIM_PORT", free_port().to_string())
        .env("FLIGHTCLAIM_LOG_TO_FILE", "false")
        .stdout(out.try_clone().unwrap())
        .stderr(out);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the second server started instead of being refused:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let printed = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!status.success(), "{printed}");
    printed
}

#[test]
fn a_second_server_is_refused_on_the_data_directory_and_on_the_replica() {
    let Some((litestream, dir, data, url)) = file_replica_setup() else {
        return;
    };
    let mut server = Server::start(&data, &url, &[]);
    let c = writer(&server.db());
    insert(&c, 80, "first");
    server.wait_caught_up(Duration::from_secs(20));

    // The same data directory, replication off: two servers would share one live database.
    let printed = serve_refused(&data, &[]);
    assert!(
        printed.contains("already running on the data directory")
            && printed.contains("FLIGHTCLAIM_DATA_DIR")
            && !printed.contains("unset FLIGHTCLAIM_REPLICA_URL or"),
        "{printed}"
    );

    // A restore drill left with the replica URL set: refused, the replica untouched.
    let drill = dir.path().join("drill");
    ok(
        &our_restore(&url, &drill.join("flightclaim.sqlite3"), None, &[]),
        "restore for the drill",
    );
    let d = writer(&drill.join("flightclaim.sqlite3"));
    insert(&d, 30, "drill");
    drop(d);
    let printed = serve_refused(&drill, &[("FLIGHTCLAIM_REPLICA_URL", url.clone())]);
    assert!(
        printed.contains("written by another flightclaim server")
            && printed.contains("unset FLIGHTCLAIM_REPLICA_URL"),
        "{printed}"
    );

    insert(&c, 40, "second");
    server.wait_caught_up(Duration::from_secs(20));
    let live = rows(&server.db());
    assert_eq!(live.0.len(), 120);
    restore_both_and_compare(&litestream, &url, &url, &[], dir.path(), &live);

    // Moving on purpose: once the first server stopped (its lease released), the new one takes
    // over the replica and continues it.
    drop(c);
    server.stop();
    let moved = Server::start(&drill, &url, &[]);
    let d = writer(&moved.db());
    insert(&d, 10, "moved");
    moved.wait_caught_up(Duration::from_secs(20));
    let live = rows(&moved.db());
    assert_eq!(live.0.len(), 80 + 30 + 10);
    restore_both_and_compare(&litestream, &url, &url, &[], dir.path(), &live);
}

/// Polls `/ready` until `pred` holds on its JSON; returns it.
fn wait_ready(
    server: &Server,
    timeout: Duration,
    what: &str,
    pred: impl Fn(u16, &serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some((code, body)) = http_get(server.port, "/ready") {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            if pred(code, &v) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: last /ready {code} {v}\n{}",
                server.logs()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_file_lost_from_a_live_replica_is_reported_emailed_and_healed() {
    let Some((litestream, dir, data, url)) = file_replica_setup() else {
        return;
    };
    let replica = dir.path().join("replica");
    let server = Server::start(
        &data,
        &url,
        &[("FLIGHTCLAIM_REPLICA_VERIFY_INTERVAL_SECS", "2".to_string())],
    );
    create_admin(&data, "admin@example.com");
    let c = writer(&server.db());
    for i in 0..4 {
        insert(&c, 20, &format!("batch{i}"));
        server.wait_caught_up(Duration::from_secs(20));
    }
    let healthy = wait_ready(&server, Duration::from_secs(20), "verified", |code, v| {
        code == 200 && v["replication"]["verify_ok"] == true
    });
    assert!(
        healthy["replication"]["last_verify"].is_string(),
        "{healthy}"
    );

    // Someone (a lifecycle rule, a wrong `rm`) deletes one level-0 file in the middle.
    let mut l0: Vec<PathBuf> = std::fs::read_dir(replica.join("ltx/0"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    l0.sort();
    assert!(l0.len() >= 4, "{l0:?}");
    let victim = l0[l0.len() - 2].clone();
    let name = victim.file_name().unwrap().to_str().unwrap().to_string();
    std::fs::remove_file(&victim).unwrap();

    let broken = wait_ready(&server, Duration::from_secs(10), "not ready", |code, v| {
        code == 503
            && v["reasons"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x == "replica_broken"))
    });
    let problem = broken["replication"]["verify_error"]
        .as_str()
        .unwrap()
        .to_string();
    // TXIDs in the hex of the file names.
    assert!(
        problem.contains("missing") && problem.contains(&name[..16]),
        "{problem} (deleted {name})"
    );
    let metrics = http_get(server.port, "/metrics").unwrap().1;
    assert!(
        metrics.contains("flightclaim_replica_verify_ok 0"),
        "{metrics}"
    );

    // Healed by a fresh snapshot, verified, ready again.
    wait_ready(&server, Duration::from_secs(20), "healed", |code, v| {
        code == 200 && v["replication"]["verify_ok"] == true
    });
    let metrics = http_get(server.port, "/metrics").unwrap().1;
    assert!(
        metrics.contains("flightclaim_replica_verify_ok 1"),
        "{metrics}"
    );
    let mails: Vec<(String, String)> = c
        .prepare("SELECT to_addr, subject FROM outbox WHERE kind = 'admin_replica_broken'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(mails.len(), 1, "one email per incident: {mails:?}");
    assert_eq!(mails[0].0, "admin@example.com");

    insert(&c, 10, "after");
    server.wait_caught_up(Duration::from_secs(20));
    let live = rows(&server.db());
    assert_eq!(live.0.len(), 90);
    restore_both_and_compare(&litestream, &url, &url, &[], dir.path(), &live);
}

/// Peak resident memory of a process (`VmHWM`), in bytes.
fn vm_hwm(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/<pid>/status");
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb * 1024
}

/// Every LTX file of a file replica, as `level/name` with its size.
fn replica_files(replica: &Path) -> Vec<(String, u64)> {
    let mut files = Vec::new();
    for level in std::fs::read_dir(replica.join("ltx")).unwrap() {
        let level = level.unwrap();
        for f in std::fs::read_dir(level.path()).unwrap() {
            let f = f.unwrap();
            files.push((
                format!(
                    "{}/{}",
                    level.file_name().to_string_lossy(),
                    f.file_name().to_string_lossy()
                ),
                f.metadata().unwrap().len(),
            ));
        }
    }
    files.sort();
    files
}

#[test]
fn a_large_database_ships_in_bounded_memory_and_a_restart_uploads_nothing_new() {
    const MIB: u64 = 1024 * 1024;
    let Some((litestream, dir, data, url)) = file_replica_setup() else {
        return;
    };
    let replica = dir.path().join("replica");
    // The server's own peak with a small database, for comparison.
    let mut server = Server::start(&data, &url, &[]);
    let c = writer(&server.db());
    insert(&c, 10, "small");
    server.wait_caught_up(Duration::from_secs(20));
    let baseline = vm_hwm(server.child.id());
    drop(c);
    server.stop();

    // 64 MiB of incompressible rows, written while the server is stopped.
    let c = writer(&data.join("flightclaim.sqlite3"));
    c.execute_batch(
        "CREATE TABLE big (b BLOB NOT NULL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64)
         INSERT INTO big (b) SELECT randomblob(1048576) FROM n;",
    )
    .unwrap();
    drop(c);
    let started = Instant::now();
    let mut server = Server::start(&data, &url, &[]);
    let c = writer(&server.db());
    insert(&c, 10, "large");
    server.wait_caught_up(Duration::from_mins(1));
    eprintln!("64 MiB shipped and caught up in {:?}", started.elapsed());
    let peak = vm_hwm(server.child.id());
    eprintln!(
        "peak RSS {} MiB (small database: {} MiB)",
        peak / MIB,
        baseline / MIB
    );
    assert!(
        peak < baseline + 48 * MIB,
        "peak RSS {} MiB with a 64 MiB database, {} MiB with a small one",
        peak / MIB,
        baseline / MIB
    );
    // Shipped once, as a level-0 snapshot copied to level 9 (no second upload).
    let files = replica_files(&replica);
    let big: Vec<&(String, u64)> = files.iter().filter(|(_, size)| *size > 60 * MIB).collect();
    assert_eq!(big.len(), 2, "{files:?}");
    assert!(big[0].0.starts_with("0/0000000000000001-"), "{big:?}");
    assert_eq!(
        big[0].0.trim_start_matches("0/"),
        big[1].0.trim_start_matches("9/")
    );

    // A restart with nothing changed resumes the chain: no new file at all.
    drop(c);
    server.stop();
    assert!(
        server.logs().contains("released the replica"),
        "{}",
        server.logs()
    );
    let before = replica_files(&replica);
    let mut server = Server::start(
        &data,
        &url,
        &[("FLIGHTCLAIM_REPLICA_VERIFY_INTERVAL_SECS", "2".to_string())],
    );
    wait_ready(
        &server,
        Duration::from_secs(20),
        "replicating",
        |code, v| code == 200 && v["replication"]["last_success"].is_string(),
    );
    // The full verification restores the 64 MiB snapshot page by page, too.
    wait_ready(&server, Duration::from_secs(30), "verified", |code, v| {
        code == 200 && v["replication"]["verify_ok"] == true
    });
    let peak = vm_hwm(server.child.id());
    eprintln!("peak RSS {} MiB after a full verification", peak / MIB);
    assert!(
        peak < baseline + 48 * MIB,
        "peak RSS {} MiB after verifying a 64 MiB replica, {} MiB with a small one",
        peak / MIB,
        baseline / MIB
    );
    assert_eq!(replica_files(&replica), before, "{}", server.logs());
    assert!(server.logs().contains("resumed"), "{}", server.logs());

    let c = writer(&server.db());
    insert(&c, 10, "after");
    server.wait_caught_up(Duration::from_secs(20));
    let live = rows(&server.db());
    assert_eq!(live.0.len(), 30);
    restore_both_and_compare(&litestream, &url, &url, &[], dir.path(), &live);
    drop(c);
    server.stop();
}

#[test]
fn a_large_snapshot_goes_to_s3_in_parts() {
    let (Some(litestream), Some(moto)) = (tool("litestream"), tool("moto_server")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_moto, port) = start_moto(&moto);
    let data = dir.path().join("data");
    create_admin(&data, "admin@example.com");
    let c = writer(&data.join("flightclaim.sqlite3"));
    insert(&c, 5, "rows");
    c.execute_batch(
        "CREATE TABLE big (b BLOB NOT NULL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
         INSERT INTO big (b) SELECT randomblob(1048576) FROM n;",
    )
    .unwrap();
    drop(c);
    let mut cmd = bin();
    cmd.arg("backup")
        .env("FLIGHTCLAIM_DATA_DIR", &data)
        .env("FLIGHTCLAIM_REPLICA_URL", "s3://backups/big")
        .env("FLIGHTCLAIM_LOG_TO_FILE", "false");
    for (k, v) in moto_env(port) {
        cmd.env(k, v);
    }
    ok(&cmd.output().unwrap(), "backup");

    // The snapshot went up in three parts of 8 MiB (a multipart ETag ends with -<parts>); level
    // 9 is its server-side copy.
    let moto_get = |path: &str| {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-99\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut b = Vec::new();
        let _ = s.read_to_end(&mut b);
        String::from_utf8_lossy(&b).to_ascii_lowercase()
    };
    let listing = moto_get("/backups?list-type=2&prefix=big/");
    let snapshot = "big/0000/0000000000000001-0000000000000001.ltx";
    let etag = listing
        .split(&format!("<key>{snapshot}</key>"))
        .nth(1)
        .and_then(|rest| rest.split("<etag>").nth(1))
        .and_then(|rest| rest.split("</etag>").next())
        .unwrap_or_else(|| panic!("{listing}"));
    assert!(
        etag.ends_with("-3&#34;") || etag.ends_with("-3\""),
        "not a 3-part upload: {etag}"
    );
    assert!(listing.contains("<key>big/0009/0000000000000001-0000000000000001.ltx</key>"));
    let restored = dir.path().join("restored.db");
    ok(
        &litestream_restore(
            &litestream,
            &format!("s3://backups/big?endpoint=http://127.0.0.1:{port}&region=us-east-1"),
            &restored,
            None,
        ),
        "litestream restore",
    );
    assert_integrity(&restored);
    assert_eq!(rows(&restored), rows(&data.join("flightclaim.sqlite3")));
}
