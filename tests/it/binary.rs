//! Smoke tests of the real binary: configuration errors, create-admin, serve + healthcheck,
//! graceful stop on SIGTERM.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flightclaim"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn version_names_the_release_the_revision_and_the_build_date() {
    let out = bin().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let re = regex::Regex::new(
        r"^flightclaim \d+\.\d+\.\d+ \(revision ([0-9a-f]{7,40}|unknown), built \d{4}-\d{2}-\d{2}\)\n$",
    )
    .unwrap();
    assert!(re.is_match(&text), "{text:?}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")));
    let changelog = include_str!("../../CHANGELOG.md");
    assert!(
        changelog.contains(&format!("## {}", env!("CARGO_PKG_VERSION"))),
        "CHANGELOG.md has a section for this version"
    );
}

#[test]
fn broken_config_names_the_variable() {
    let out = bin()
        .arg("check-config")
        .env("FLIGHTCLAIM_PORT", "eighty")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FLIGHTCLAIM_PORT") && err.contains("Fix"),
        "{err}"
    );

    let out = bin()
        .arg("check-config")
        .env("FLIGHTCLAIM_PROT", "80")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown configuration key `prot`"));
}

#[test]
fn check_config_redacts_secrets() {
    let out = bin()
        .arg("check-config")
        .env(
            "FLIGHTCLAIM_SMTP_URL",
            "smtps://bob:hunter2@mail.example.com:465",
        )
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("smtp_url = \"***\"") && !text.contains("hunter2"),
        "{text}"
    );
    assert!(text.contains("FLIGHTCLAIM_DATA_DIR"));
}

#[test]
fn toml_file_then_env_override() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fc.toml");
    std::fs::write(
        &file,
        "port = 9001\nmail_from = \"Claims <claims@example.com>\"\n",
    )
    .unwrap();
    let out = bin()
        .args(["--config", file.to_str().unwrap(), "check-config"])
        .env("FLIGHTCLAIM_PORT", "9002")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("port = 9002"), "{text}");
    assert!(text.contains("claims@example.com"));
    std::fs::write(&file, "port = [\n").unwrap();
    let out = bin()
        .args(["--config", file.to_str().unwrap(), "check-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn create_admin_from_a_password_file() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "a long enough passphrase\n").unwrap();
    let run = |email: &str| {
        bin()
            .args([
                "create-admin",
                "--email",
                email,
                "--password-file",
                pw.to_str().unwrap(),
            ])
            .env("FLIGHTCLAIM_DATA_DIR", dir.path())
            .output()
            .unwrap()
    };
    let out = run("boss@example.com");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created"));
    let out = run("Boss@Example.com");
    assert!(String::from_utf8_lossy(&out.stdout).contains("now an admin"));
    let out = run("not-an-email");
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(&pw, "short").unwrap();
    let out = run("boss@example.com");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12"));
}

#[test]
fn serve_answers_health_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let mut child = bin()
        .arg("serve")
        .env("FLIGHTCLAIM_DATA_DIR", dir.path())
        .env("FLIGHTCLAIM_PORT", &port)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let healthy = loop {
        let ok = bin()
            .arg("healthcheck")
            .env("FLIGHTCLAIM_PORT", &port)
            .output()
            .is_ok_and(|o| o.status.success());
        if ok || Instant::now() > deadline {
            break ok;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(healthy, "server became healthy");
    let page = {
        use std::io::{Read as _, Write as _};
        let mut s = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        buf
    };
    assert!(page.starts_with("HTTP/1.1 200") && page.contains("lang=\"fr\""));
    assert!(dir.path().join("flightclaim.sqlite3").exists());
    assert!(dir.path().join("logs").is_dir());

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.is_some_and(|s| s.success()),
        "clean exit on SIGTERM: {status:?}"
    );
    let out = bin()
        .arg("healthcheck")
        .env("FLIGHTCLAIM_PORT", &port)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn serve_refuses_an_old_schema_without_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("flightclaim.sqlite3");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE legacy (x); PRAGMA user_version = 0;")
        .unwrap();
    drop(conn);
    let out = bin()
        .arg("serve")
        .env("FLIGHTCLAIM_DATA_DIR", dir.path())
        .env("FLIGHTCLAIM_PORT", free_port().to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("flightclaim migrate"));
}

/// `check-config` runs every check `serve` runs: each bad value exits 2 naming the variable and
/// a fix, and `configuration OK` is never printed for it.
#[test]
fn check_config_refuses_what_serve_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let under_a_file = file.join("var");
    let under_a_file = under_a_file.to_str().unwrap();
    for (var, value, fix) in [
        ("FLIGHTCLAIM_SMTP_URL", "smtp://", "smtp://127.0.0.1:2525"),
        (
            "FLIGHTCLAIM_SMTP_URL",
            "smtp://user:pw@:25",
            "smtp://127.0.0.1:2525",
        ),
        (
            "FLIGHTCLAIM_SMTP_URL",
            "smtp://mail.example.com:99999",
            "smtp://127.0.0.1:2525",
        ),
        ("FLIGHTCLAIM_PORT", "99999", "Fix"),
        (
            "FLIGHTCLAIM_REPLICA_URL",
            "file://backups",
            "file:///var/backups/flightclaim",
        ),
        ("FLIGHTCLAIM_REPLICA_URL", "s3://", "s3://bucket/prefix"),
        // No AWS_* credentials (the test's environment has none): a hint, not a metadata-service
        // timeout at the first upload.
        (
            "FLIGHTCLAIM_REPLICA_URL",
            "s3://bucket/prefix",
            "AWS_SECRET_ACCESS_KEY (or their _FILE variants",
        ),
        (
            "FLIGHTCLAIM_MAIL_FROM",
            "not an address",
            "Name <address@example.com>",
        ),
        ("FLIGHTCLAIM_LOG", "verbose", "info,flightclaim=debug"),
        ("FLIGHTCLAIM_SHUTDOWN_GRACE_SECS", "90", "TimeoutStopSec"),
        ("FLIGHTCLAIM_DATA_DIR", under_a_file, "make it writable"),
    ] {
        let out = bin()
            .arg("check-config")
            .env("FLIGHTCLAIM_DATA_DIR", dir.path().join("var"))
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env(var, value)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}={value}: {err}");
        assert!(
            err.contains(var) && err.contains("Fix") && err.contains(fix),
            "{var}={value}: {err}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("configuration OK"));
    }
    // A good configuration passes, and creates nothing.
    let out = bin()
        .arg("check-config")
        .env("FLIGHTCLAIM_DATA_DIR", dir.path().join("var"))
        .env("FLIGHTCLAIM_SMTP_URL", "smtp://127.0.0.1:2525")
        .env("FLIGHTCLAIM_LOG", "info,flightclaim=debug")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("configuration OK"));
    assert!(!dir.path().join("var").exists());
    // `serve` refuses the same way, before listening.
    let out = bin()
        .arg("serve")
        .env("FLIGHTCLAIM_DATA_DIR", dir.path().join("var"))
        .env("FLIGHTCLAIM_PORT", free_port().to_string())
        .env("FLIGHTCLAIM_LOG", "verbose")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FLIGHTCLAIM_LOG"));
}

/// `create-admin` and `demo-data` never migrate silently: on an old schema they refuse with
/// the message `serve` gives; on a fresh database they create the schema.
#[test]
fn create_admin_and_demo_data_refuse_an_old_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("flightclaim.sqlite3");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE legacy (x); PRAGMA user_version = 0;")
        .unwrap();
    drop(conn);
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "a long enough passphrase\n").unwrap();
    let serve = bin()
        .arg("serve")
        .env("FLIGHTCLAIM_DATA_DIR", dir.path())
        .env("FLIGHTCLAIM_PORT", free_port().to_string())
        .output()
        .unwrap();
    let serve_err = String::from_utf8_lossy(&serve.stderr).into_owned();
    let message = serve_err
        .lines()
        .find(|l| l.starts_with("flightclaim: ") && l.contains("flightclaim migrate"))
        .expect("serve names `flightclaim migrate`")
        .to_string();
    for args in [
        vec![
            "create-admin",
            "--email",
            "boss@example.com",
            "--password-file",
            pw.to_str().unwrap(),
        ],
        vec!["demo-data", "--claims", "1"],
    ] {
        let out = bin()
            .args(&args)
            .env("FLIGHTCLAIM_DATA_DIR", dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.lines().any(|l| l == message), "{args:?}: {err}");
        let conn = rusqlite::Connection::open(&db).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 0, "{args:?} migrated the database");
    }
    // A fresh database: the schema is created.
    let fresh = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["demo-data", "--claims", "1"])
        .env("FLIGHTCLAIM_DATA_DIR", fresh.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
