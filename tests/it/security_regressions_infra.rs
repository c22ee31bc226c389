//! Regression tests of the infrastructure findings of the security audit (issue 12): what an
//! attacker or a user observes — responses, headers, files on disk, log lines. The findings
//! that need a real server (logs, file modes, timeouts, connection floods) run the binary.

use crate::common;
use crate::flow;
use crate::support;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rocket::http::{Header, Status};

// ---------------------------------------------------------------------------------------------
// The real binary.

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `flightclaim` started through `sh` with a loose umask and a file-descriptor limit, as a
/// careless service manager would.
struct Server {
    child: Child,
    port: u16,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(env: &[(&str, &str)]) -> Server {
        Self::start_with(env, |_| {})
    }

    /// Starts the server after `prepare(data_dir)` (e.g. creating an admin with the CLI).
    fn start_with(env: &[(&str, &str)], prepare: impl FnOnce(&Path)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        prepare(&data);
        let port = free_port();
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "umask 022; ulimit -n 1024; exec \"$0\" serve",
            env!("CARGO_BIN_EXE_flightclaim"),
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FLIGHTCLAIM_DATA_DIR", &data)
        .env("FLIGHTCLAIM_PORT", port.to_string())
        .env("FLIGHTCLAIM_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let server = Server {
            child,
            port,
            data,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while http(
            port,
            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .is_none_or(|r| !r.starts_with("HTTP/1.1 200"))
        {
            assert!(Instant::now() < deadline, "the server starts");
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    fn logs(&self) -> String {
        let mut text = String::new();
        for entry in std::fs::read_dir(self.data.join("logs"))
            .into_iter()
            .flatten()
        {
            text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default());
        }
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One raw request; the whole answer (the server closes: `Connection: close`).
fn http(port: u16, raw: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(raw.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn get(port: u16, path: &str) -> String {
    http(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
    .unwrap_or_default()
}

/// Asks for a password reset of `email` the way a browser does (CSRF cookie and field).
fn forgot_password(port: u16, email: &str) {
    let page = get(port, "/password/forgot");
    let cookies: Vec<&str> = page
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .filter_map(|c| c.split(';').next())
        .collect();
    let body = format!(
        "csrf_token={}&email={}",
        common::enc(&common::csrf_from(&page)),
        common::enc(email)
    );
    let answer = http(
        port,
        &format!(
            "POST /password/forgot HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: {}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            cookies.join("; "),
            body.len()
        ),
    )
    .unwrap_or_default();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

fn create_admin(data: &Path, email: &str) {
    std::fs::create_dir_all(data.parent().unwrap()).unwrap();
    let pw = data.parent().unwrap().join("pw");
    std::fs::write(&pw, "a long enough passphrase\n").unwrap();
    let out = Command::new("sh")
        .args([
            "-c",
            "umask 022; exec \"$0\" create-admin --email \"$1\" --password-file \"$2\"",
            env!("CARGO_BIN_EXE_flightclaim"),
            email,
        ])
        .arg(&pw)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FLIGHTCLAIM_DATA_DIR", data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

const TOKEN: &str = "Zq3xV9tLwY2mN8rB5kP1cH7dJ4fG6sA0eQ-uT_iO9yX";

/// Finding 1: the access log names no emailed-link token, the mail worker no full address.
#[test]
fn logs_hold_neither_link_tokens_nor_email_addresses() {
    let email = "alice.secret@example.com";
    let server = Server::start_with(&[], |data| create_admin(data, email));
    for path in [
        format!("/password/reset/{TOKEN}"),
        format!("/verify-email/{TOKEN}"),
        format!("/admin/invitation/{TOKEN}"),
    ] {
        assert!(get(server.port, &path).starts_with("HTTP/1.1"));
    }
    forgot_password(server.port, email);
    wait_for("the mail worker's log line", || {
        server.logs().contains("no SMTP configured")
    });
    wait_for("the access log of the links", || {
        server.logs().matches("/password/reset/").count() >= 1
    });
    let logs = server.logs();
    assert!(!logs.contains(TOKEN), "a link token is in the log:\n{logs}");
    assert!(
        !logs.contains(email),
        "a full address is in the log:\n{logs}"
    );
    assert!(logs.contains("a***@example.com"), "{logs}");
    assert!(logs.contains("/password/reset/<redacted>"), "{logs}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Finding 2: under `umask 022` every file and directory the server creates is private.
#[test]
fn files_are_private_whatever_the_umask() {
    // An account and a reset email, so that the outbox writes an `.eml` copy.
    let email = "bob@example.com";
    let server = Server::start_with(&[], |data| create_admin(data, email));
    forgot_password(server.port, email);
    let outbox = server.data.join("outbox");
    wait_for("the .eml copy", || {
        std::fs::read_dir(&outbox).is_ok_and(|mut d| d.next().is_some())
    });
    let data = &server.data;
    assert_eq!(mode(data), 0o700, "data dir");
    for dir in ["logs", "outbox"] {
        assert_eq!(mode(&data.join(dir)), 0o700, "{dir}/");
    }
    for file in [
        "flightclaim.sqlite3",
        "flightclaim.sqlite3-wal",
        "flightclaim.sqlite3-shm",
        "secret.key",
    ] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    for dir in ["logs", "outbox"] {
        for entry in std::fs::read_dir(data.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
}

/// Sends `head`, then one byte of `trickle` every 300 ms; how long until the server answers or
/// closes (`None`: still open after 15 s), and what it answered.
fn trickle(port: u16, head: &str, trickle: &[u8]) -> (Option<Duration>, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let start = Instant::now();
    s.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    for byte in trickle.iter().cycle() {
        if start.elapsed() > Duration::from_secs(15) {
            return (None, String::from_utf8_lossy(&answer).into_owned());
        }
        match s.read(&mut buf) {
            Ok(0) => {
                return (
                    Some(start.elapsed()),
                    String::from_utf8_lossy(&answer).into_owned(),
                );
            }
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                return (
                    Some(start.elapsed()),
                    String::from_utf8_lossy(&answer).into_owned(),
                );
            }
        }
        if !answer.is_empty() {
            return (
                Some(start.elapsed()),
                String::from_utf8_lossy(&answer).into_owned(),
            );
        }
        if s.write_all(&[*byte]).is_err() {
            return (
                Some(start.elapsed()),
                String::from_utf8_lossy(&answer).into_owned(),
            );
        }
    }
    unreachable!()
}

/// Finding 4: a body or a head sent a byte at a time does not hold the server.
#[test]
fn trickled_heads_and_bodies_are_cut_off() {
    let server = Server::start(&[
        ("FLIGHTCLAIM_REQUEST_BODY_TIMEOUT_SECS", "2"),
        ("FLIGHTCLAIM_REQUEST_HEADER_TIMEOUT_SECS", "2"),
    ]);
    let (took, answer) = trickle(
        server.port,
        "POST /password/forgot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\nemail=",
        b"a",
    );
    let took = took.unwrap_or_else(|| panic!("a trickled body still held after 15 s: {answer}"));
    assert!(took < Duration::from_secs(6), "body cut off after {took:?}");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );

    let (took, answer) = trickle(
        server.port,
        "GET / HTTP/1.1\r\nHost: x\r\n",
        b"X-Slow: aaaa\r\n",
    );
    let took = took.unwrap_or_else(|| panic!("a trickled head still held after 15 s: {answer}"));
    assert!(took < Duration::from_secs(6), "head cut off after {took:?}");
}

/// Finding 4: 1,100 idle connections (more than the 1,024 file descriptors the server may
/// open) do not keep a normal request from being answered.
#[test]
fn idle_connections_do_not_starve_the_server() {
    let server = Server::start(&[]);
    let mut idle = Vec::new();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], server.port));
    for _ in 0..1100 {
        if let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            idle.push(s);
        }
    }
    let start = Instant::now();
    let answer = http(
        server.port,
        "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap_or_default();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "a normal request behind {} idle connections: {answer:?} after {:?}",
        idle.len(),
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// In process.

/// Finding 7: every page says `X-Frame-Options: DENY` (Rocket's default shield said SAMEORIGIN).
#[rocket::async_test]
async fn frames_are_denied() {
    let (client, _dir) = common::client().await;
    for uri in ["/", "/check", "/login", "/no-such-page", "/health"] {
        let res = client.get(uri).dispatch().await;
        assert_eq!(
            res.headers().get_one("X-Frame-Options"),
            Some("DENY"),
            "{uri}"
        );
        assert_eq!(res.headers().get("X-Frame-Options").count(), 1, "{uri}");
    }
}

/// Finding 7: under https the language and flash cookies are `Secure`, like the others.
#[rocket::async_test]
async fn cookies_are_secure_under_https() {
    let (client, _dir) = common::client_with("base_url = \"https://claims.example.com\"").await;
    let res = client.get("/?lang=en").dispatch().await;
    let cookies: Vec<String> = res
        .headers()
        .get("Set-Cookie")
        .map(str::to_string)
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("lang=")),
        "{cookies:?}"
    );
    for c in &cookies {
        assert!(c.contains("; Secure"), "{c}");
    }
    flow::to_documents(&client, "secure@example.com", &[("Marie", "Curie", false)]).await;
    let res = flow::upload(
        &client,
        "/claims/new/documents",
        "other",
        "0",
        Some(("a.pdf", &flow::pdf())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let flash: Vec<&str> = res
        .headers()
        .get("Set-Cookie")
        .filter(|c| c.starts_with("fc_flash="))
        .collect();
    assert!(!flash.is_empty());
    assert!(flash.iter().all(|c| c.contains("; Secure")), "{flash:?}");
}

/// Finding 5: the 404 page of `//evil.example/x` links nowhere off-site.
#[rocket::async_test]
async fn the_language_link_stays_on_site() {
    let (client, _dir) = common::client().await;
    let re = regex::Regex::new(r#"href="([^"]*)""#).unwrap();
    for uri in ["//evil.example/x", "//evil.example", "/\\evil.example/x"] {
        let res = client.get(uri).dispatch().await;
        assert_ne!(res.status(), Status::InternalServerError, "{uri}");
        let html = res.into_string().await.unwrap_or_default();
        for href in re.captures_iter(&html).map(|c| c[1].to_string()) {
            assert!(
                !href.starts_with("//") && !href.starts_with("/\\") && !href.contains("://"),
                "{uri}: off-site link {href}"
            );
        }
    }
}

/// Finding 6: a loopback peer that sends any forwarding header is a proxied client.
#[rocket::async_test]
async fn metrics_refuse_any_forwarded_request() {
    let (client, _dir) = common::client().await;
    let loopback = "127.0.0.1:5000".parse().unwrap();
    let res = client.get("/metrics").remote(loopback).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    for (name, value) in [
        ("X-Real-IP", "203.0.113.9"),
        ("X-Forwarded-Host", "claims.example.com"),
        ("X-Forwarded-Proto", "https"),
        ("Via", "1.1 caddy"),
        ("True-Client-IP", "203.0.113.9"),
    ] {
        let res = client
            .get("/metrics")
            .remote(loopback)
            .header(Header::new(name, value))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Forbidden, "{name}");
    }
}

/// Finding 6: `/ready` tells outsiders up or down, and only loopback or the token the details.
#[rocket::async_test]
async fn ready_details_are_not_public() {
    let (client, _dir) = common::client_with("metrics_token = \"scrape-token-123\"").await;
    let outsider = "203.0.113.9:5000".parse().unwrap();
    let res = client.get("/ready").remote(outsider).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    let body: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "status": "ok" }));
    let res = client
        .get("/ready")
        .remote("127.0.0.1:5000".parse().unwrap())
        .header(Header::new("X-Real-IP", "203.0.113.9"))
        .dispatch()
        .await;
    let body: serde_json::Value = res.into_json().await.unwrap();
    assert!(body.get("database").is_none(), "proxied: {body}");
    for req in [
        client
            .get("/ready")
            .remote("127.0.0.1:5000".parse().unwrap()),
        client
            .get("/ready")
            .remote(outsider)
            .header(Header::new("Authorization", "Bearer scrape-token-123")),
    ] {
        let body: serde_json::Value = req.dispatch().await.into_json().await.unwrap();
        assert_eq!(body["database"], "ok", "{body}");
    }
}

/// Finding 8: `%`, `_` and `\` in staff searches are characters, not wildcards.
#[rocket::async_test]
async fn search_wildcards_are_literal() {
    let w = support::world().await;
    let reference = support::claim(w.dir.path(), w.pax_id, "AF6", "2025-05-14", "Martin", 60000);
    let (_, all) = support::page(&w.admin, "/admin/claims").await;
    assert!(
        all.contains(&reference),
        "the claim is listed without a search"
    );
    for q in ["%25%25%25", "___", "%5C%25%25", "a%25b"] {
        let (status, html) = support::page(&w.admin, &format!("/admin/claims?q={q}")).await;
        assert_eq!(status, Status::Ok, "{q}");
        assert!(!html.contains(&reference), "claims?q={q} lists everything");
    }
    let (_, html) = support::page(&w.admin, "/admin/claims?q=artin").await;
    assert!(
        html.contains(&reference),
        "a real search still finds the claim"
    );
    for q in ["%25", "_", "%5C"] {
        let (status, html) = support::page(&w.admin, &format!("/admin/users?q={q}")).await;
        assert_eq!(status, Status::Ok, "{q}");
        assert!(
            !html.contains("pax@example.com"),
            "users?q={q} lists everyone"
        );
    }
    let (_, html) = support::page(&w.admin, "/admin/users?q=pax%40").await;
    assert!(html.contains("pax@example.com"));
    // The role change leaves an audit row by boss@example.com.
    let (status, _, _) = support::post(
        &w.admin,
        "/admin/users",
        &format!("/admin/users/{}/role", w.agent_id),
        &[("role", "admin")],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let row = "<td>boss@example.com</td>";
    let (_, html) = support::page(&w.admin, "/admin/audit?actor=boss").await;
    assert!(html.contains(row), "{html}");
    let (status, html) = support::page(&w.admin, "/admin/audit?actor=%25").await;
    assert_eq!(status, Status::Ok);
    assert!(!html.contains(row), "audit?actor=% lists everyone");
}

/// Finding 9: the thumbnail (`?view=preview`) is the whole file, and leaves an audit row too.
#[rocket::async_test]
async fn staff_previews_are_audited() {
    let w = support::world().await;
    let reference = support::claim(w.dir.path(), w.pax_id, "AF6", "2025-05-14", "Martin", 60000);
    let db = support::db(w.dir.path());
    let store = flightclaim::documents::DocumentStore::new(w.dir.path());
    let png = flow::png();
    let stored = store
        .save_stream(&png[..], flightclaim::documents::MAX_DOCUMENT_BYTES)
        .await
        .unwrap();
    let key = reference.clone();
    let doc_id = db
        .write(move |tx| {
            let claim = flightclaim::db::claims::find_by_ref(tx, &key)?.unwrap();
            let new = flightclaim::db::documents::NewDocument {
                kind: "boarding_pass".into(),
                passenger_position: None,
                sha256: stored.sha256.clone(),
                size_bytes: i64::try_from(stored.size_bytes).unwrap(),
                content_type: stored.content_type.to_string(),
                original_name: "pass.png".into(),
                uploaded_by: None,
            };
            let (id, _) = flightclaim::db::documents::insert(
                tx,
                flightclaim::db::documents::Owner::Claim(claim.id),
                &new,
            )?;
            Ok(id)
        })
        .await
        .unwrap();
    let before = support::count(
        w.dir.path(),
        "SELECT count(*) FROM audit_log WHERE action LIKE 'document.%'",
    );
    let res = w
        .agent
        .get(format!(
            "/admin/claims/{reference}/documents/{doc_id}?view=preview"
        ))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.into_bytes().await.unwrap(),
        png,
        "the preview is the whole file"
    );
    let after = support::count(
        w.dir.path(),
        "SELECT count(*) FROM audit_log WHERE action LIKE 'document.%'",
    );
    assert_eq!(after, before + 1, "the preview left an audit row");
}

/// Finding 3: a forged upload is refused before its body is read — a 13 MiB body with a wrong
/// token gets 403, not the 413 of a body that was read.
#[rocket::async_test]
async fn uploads_check_the_csrf_token_before_the_body() {
    let (client, _dir) = common::client().await;
    flow::to_documents(&client, "forged@example.com", &[("Marie", "Curie", false)]).await;
    let huge = vec![b'%'; 13 * 1024 * 1024];
    let (ct, body) = flow::multipart(
        &[
            ("csrf_token", "forged"),
            ("kind", "other"),
            ("passenger", "0"),
        ],
        Some(("huge.pdf", &huge)),
    );
    let res = client
        .post("/claims/new/documents?csrf_token=forged")
        .header(ct)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    // The genuine form carries its token in the action.
    let (_, html, _) = flow::get(&client, "/claims/new/documents").await;
    assert!(
        html.contains("action=\"/claims/new/documents?csrf_token="),
        "{html}"
    );
}

/// A PDF whose bytes differ by `n` (so that each is a new document).
fn pdf_number(n: usize) -> Vec<u8> {
    let mut pdf = flow::pdf();
    pdf.extend_from_slice(format!("% copy {n}\n").as_bytes());
    pdf
}

/// Finding 3: a draft takes at most 20 files, and the page says how many are left.
#[rocket::async_test]
async fn drafts_have_an_upload_quota() {
    let (client, dir) = common::client_with("rate_limit_upload = \"100/min\"").await;
    flow::to_documents(&client, "quota@example.com", &[("Marie", "Curie", false)]).await;
    let (_, html, _) = flow::get(&client, "/claims/new/documents?lang=en").await;
    assert!(html.contains("You can still add 20 documents"), "{html}");
    for n in 0..20 {
        let pdf = pdf_number(n);
        let res = flow::upload(
            &client,
            "/claims/new/documents",
            "other",
            "0",
            Some(("a.pdf", &pdf)),
        )
        .await;
        assert_eq!(res.status(), Status::SeeOther, "file {n}");
    }
    let pdf = pdf_number(99);
    let res = flow::upload(
        &client,
        "/claims/new/documents",
        "other",
        "0",
        Some(("a.pdf", &pdf)),
    )
    .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    let html = res.into_string().await.unwrap();
    assert!(html.contains("the most we accept"), "{html}");
    assert_eq!(
        flow::count(dir.path(), "SELECT count(*) FROM documents"),
        20
    );
}

/// Finding 3: an anonymous draft left alone for eight days is gone with its files.
#[rocket::async_test]
async fn anonymous_drafts_expire_within_days() {
    let (client, dir) = common::client().await;
    flow::to_documents(&client, "gone@example.com", &[("Marie", "Curie", false)]).await;
    let res = flow::upload(
        &client,
        "/claims/new/documents",
        "other",
        "0",
        Some(("a.pdf", &flow::pdf())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(
        flow::count(
            dir.path(),
            "SELECT count(*) FROM claim_drafts WHERE user_id IS NULL"
        ),
        1
    );
    let db = support::db(dir.path());
    let store = flightclaim::documents::DocumentStore::new(dir.path());
    let later = chrono::Utc::now() + chrono::Duration::days(8);
    let (drafts, _) = flightclaim::jobs::clean_up_drafts(&db, &store, later)
        .await
        .unwrap();
    assert_eq!(drafts, 1);
    assert_eq!(flow::count(dir.path(), "SELECT count(*) FROM documents"), 0);
}
