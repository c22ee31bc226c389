//! Delivery against a real SMTP server (aiosmtpd + Maildir, started by each test from
//! `.venv-test`): every kind in both languages, a server that is down then back, a permanent
//! 550 rejection, `send_test`, and `kill -9` of the real binary in the middle of a burst.

use crate::common;
use crate::mail_smtp;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use flightclaim::app::{self, ServeOptions};
use flightclaim::config::AppConfig;
use flightclaim::db::Db;
use flightclaim::db::outbox::{self, OutboxRow, Status};
use flightclaim::i18n::Locale;
use flightclaim::mail::{self, Mailer, OutgoingMail};
use mail_smtp::{BASE_URL, SmtpSink, every_kind, expected, free_port, recipient, venv_python};

struct Setup {
    cfg: AppConfig,
    db: Db,
    mailer: Arc<Mailer>,
    _dir: tempfile::TempDir,
}

fn setup(smtp_url: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "base_url = \"{BASE_URL}\"\nmail_from = \"FlightClaim <noreply@example.test>\"\nsmtp_url = \"{smtp_url}\"\nmail_retry_base_secs = 1\n"
    );
    let cfg = common::test_config(dir.path(), &toml);
    let db = app::open_database(&cfg, ServeOptions { migrate: true }).unwrap();
    let mailer = Arc::new(Mailer::from_config(&cfg, &common::test_key(&cfg)).unwrap());
    Setup {
        cfg,
        db,
        mailer,
        _dir: dir,
    }
}

/// Runs the worker until the returned sender is dropped or used.
fn spawn_worker(
    s: &Setup,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(mail::worker::run(
        s.mailer.clone(),
        s.db.clone(),
        async move {
            let _ = rx.await;
        },
    ));
    (tx, handle)
}

async fn enqueue_all(db: &Db, mails: Vec<OutgoingMail>) -> Vec<i64> {
    db.write(move |tx| mails.iter().map(|m| mail::enqueue(tx, m)).collect())
        .await
        .unwrap()
}

async fn row(db: &Db, id: i64) -> OutboxRow {
    db.read(move |c| outbox::find_by_id(c, id)).await.unwrap()
}

async fn wait_row(
    db: &Db,
    id: i64,
    timeout: Duration,
    done: impl Fn(&OutboxRow) -> bool,
) -> OutboxRow {
    let deadline = Instant::now() + timeout;
    loop {
        let r = row(db, id).await;
        if done(&r) || Instant::now() > deadline {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_arrives_in_the_recipients_language() {
    let Some(python) = venv_python() else { return };
    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&python, free_port(), maildir.path());
    let s = setup(&sink.url());
    let (stop, worker) = spawn_worker(&s);

    let mut mails = every_kind(&s.mailer, &recipient("alice@example.test", "fr"));
    mails.extend(every_kind(&s.mailer, &recipient("bob@example.test", "en")));
    let total = mails.len();
    let by_id: BTreeMap<String, (String, &'static str)> = mails
        .iter()
        .map(|m| {
            (
                m.message_id.clone(),
                (m.to.locale.as_str().to_string(), m.kind),
            )
        })
        .collect();
    let ids = enqueue_all(&s.db, mails).await;

    assert_eq!(sink.wait_for(total, Duration::from_secs(20)), total);
    let received = sink.read();
    assert_eq!(received.len(), total);
    for msg in &received {
        let (lang, kind) = by_id
            .get(&msg.message_id)
            .unwrap_or_else(|| panic!("unknown Message-ID {}", msg.message_id));
        let (subject, phrase, path) = expected(kind, lang);
        let at = format!("{kind}/{lang}");
        assert_eq!(msg.subject, subject, "{at}");
        assert_eq!(msg.content_language, *lang, "{at}");
        assert_eq!(msg.content_type, "multipart/alternative", "{at}");
        assert_eq!(msg.parts, ["text/plain", "text/html"], "{at}");
        assert!(
            msg.from.contains("noreply@example.test"),
            "{at}: {}",
            msg.from
        );
        let to = if lang == "fr" {
            "alice@example.test"
        } else {
            "bob@example.test"
        };
        assert!(msg.to.contains(to), "{at}: {}", msg.to);
        let auto = if *kind == "team_message" {
            ""
        } else {
            "auto-generated"
        };
        assert_eq!(msg.auto_submitted, auto, "{at}");
        let link = format!("{BASE_URL}{path}");
        assert!(
            msg.text.contains(phrase) && msg.text.contains(&link),
            "{at}:\n{}",
            msg.text
        );
        assert!(msg.html.contains(&link), "{at}");
        assert!(
            msg.text.contains("<script>alert(1)</script>"),
            "{at}: name as typed in text"
        );
        assert!(!msg.html.contains("<script"), "{at}: no script in HTML");
    }
    for id in ids {
        let r = row(&s.db, id).await;
        assert_eq!((r.status, r.attempts), (Status::Sent, 1), "row {id}");
        assert!(r.sent_at.is_some() && r.last_error.is_none());
        // One-time links reached the recipient (above) but were never stored, and nothing
        // sealed is kept once the message is sent.
        assert!(
            !format!("{}{}{}", r.subject, r.body_text, r.body_html).contains("tok-"),
            "row {id} ({}) keeps no token",
            r.kind
        );
        assert!(r.secrets.is_none(), "row {id}: secrets dropped once sent");
    }
    let stats = mail::stats(&s.db).await.unwrap();
    assert_eq!((stats.queued, stats.sent), (0, total as u64));

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("worker stops")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_waits_while_the_server_is_down_and_leaves_when_it_is_back() {
    let Some(python) = venv_python() else { return };
    let port = free_port();
    let s = setup(&format!("smtp://127.0.0.1:{port}"));
    let (_stop, _worker) = spawn_worker(&s);
    let mails = every_kind(&s.mailer, &recipient("alice@example.test", "fr"))[2..3].to_vec();
    let id = enqueue_all(&s.db, mails).await[0];

    let r = wait_row(&s.db, id, Duration::from_secs(10), |r| {
        r.last_error.is_some()
    })
    .await;
    assert_eq!(
        r.status,
        Status::Queued,
        "a refused connection is temporary"
    );
    assert_eq!(
        r.last_error.as_deref(),
        Some(
            format!("connection refused: is the SMTP server at 127.0.0.1:{port} running?").as_str()
        )
    );
    assert!(r.attempts >= 1);

    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&python, port, maildir.path());
    let r = wait_row(&s.db, id, Duration::from_secs(15), |r| {
        r.status == Status::Sent
    })
    .await;
    assert_eq!(r.status, Status::Sent, "{r:?}");
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)), 1);
    assert_eq!(sink.read()[0].subject, "Réclamation FC-7K3M9Q reçue");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_recipient_fails_with_the_reason() {
    let Some(python) = venv_python() else { return };
    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&python, free_port(), maildir.path());
    let s = setup(&sink.url());
    let (_stop, _worker) = spawn_worker(&s);
    let mut mails = every_kind(&s.mailer, &recipient("reject-me@example.test", "en"))[..1].to_vec();
    mails.extend(every_kind(&s.mailer, &recipient("ok@example.test", "en"))[..1].to_vec());
    mails.extend(every_kind(&s.mailer, &recipient("not an address", "en"))[..1].to_vec());
    let ids = enqueue_all(&s.db, mails).await;

    let rejected = wait_row(&s.db, ids[0], Duration::from_secs(10), |r| {
        r.status == Status::Failed
    })
    .await;
    assert_eq!(rejected.status, Status::Failed);
    assert_eq!(rejected.attempts, 1, "a 5xx is not retried");
    let reason = rejected.last_error.unwrap();
    assert!(
        reason.starts_with("recipient rejected: 550") && reason.contains("mailbox unavailable"),
        "{reason}"
    );
    let invalid = wait_row(&s.db, ids[2], Duration::from_secs(10), |r| {
        r.status == Status::Failed
    })
    .await;
    assert_eq!(
        invalid.last_error.as_deref(),
        Some("invalid recipient address `not an address`")
    );
    let ok = wait_row(&s.db, ids[1], Duration::from_secs(10), |r| {
        r.status == Status::Sent
    })
    .await;
    assert_eq!(ok.status, Status::Sent);
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)), 1);
    let stats = mail::stats(&s.db).await.unwrap();
    assert_eq!((stats.failed, stats.sent, stats.queued), (2, 1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_test_reports_success_or_the_hint() {
    let Some(python) = venv_python() else { return };
    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&python, free_port(), maildir.path());
    let s = setup(&sink.url());
    let server = mail::send_test(&s.mailer, "admin@example.test", Locale("en"))
        .await
        .unwrap();
    assert_eq!(server, format!("127.0.0.1:{}", sink.port));
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)), 1);
    assert_eq!(sink.read()[0].subject, "FlightClaim test email");
    let err = mail::send_test(&s.mailer, "reject@example.test", Locale("fr"))
        .await
        .unwrap_err();
    assert!(
        err.permanent && err.hint.starts_with("recipient rejected: 550"),
        "{err:?}"
    );

    // Nothing configured: the hint says what to set.
    let dir = tempfile::tempdir().unwrap();
    let plain_cfg = common::test_config(dir.path(), "");
    let plain = Mailer::from_config(&plain_cfg, &common::test_key(&plain_cfg)).unwrap();
    let err = mail::send_test(&plain, "a@example.test", Locale("fr"))
        .await
        .unwrap_err();
    assert!(err.hint.contains("FLIGHTCLAIM_SMTP_URL"), "{err:?}");
    drop(s);
}

#[test]
fn cli_send_test_email_prints_the_hint() {
    let port = free_port();
    let out = Command::new(env!("CARGO_BIN_EXE_flightclaim"))
        .args(["send-test-email", "--to", "a@example.test", "--lang", "en"])
        .env_clear()
        .env("FLIGHTCLAIM_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .env("FLIGHTCLAIM_DATA_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "connection refused: is the SMTP server at 127.0.0.1:{port} running?"
        )),
        "{err}"
    );
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(cfg: &AppConfig, smtp_url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_flightclaim"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FLIGHTCLAIM_DATA_DIR", &cfg.data_dir)
        .env("FLIGHTCLAIM_PORT", port.to_string())
        .env("FLIGHTCLAIM_BASE_URL", BASE_URL)
        .env(
            "FLIGHTCLAIM_MAIL_FROM",
            "FlightClaim <noreply@example.test>",
        )
        .env("FLIGHTCLAIM_SMTP_URL", smtp_url)
        .env("FLIGHTCLAIM_MAIL_RETRY_BASE_SECS", "1")
        .env("FLIGHTCLAIM_LOG_TO_FILE", "false")
        .env("FLIGHTCLAIM_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start flightclaim");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "flightclaim did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_loses_nothing() {
    const BURST: usize = 60;
    let Some(python) = venv_python() else { return };
    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&python, free_port(), maildir.path());
    // This test only enqueues; the real binary owns the worker.
    let s = setup(&sink.url());
    let server = start_server(&s.cfg, &sink.url());

    // Enqueue a burst into the running server's database (WAL lets two processes share it).
    let mut mails = Vec::new();
    while mails.len() < BURST {
        let lang = if mails.len() % 2 == 0 { "fr" } else { "en" };
        let n = mails.len();
        mails.extend(every_kind(
            &s.mailer,
            &recipient(&format!("p{n}@example.test"), lang),
        ));
    }
    mails.truncate(BURST);
    let expected_ids: BTreeSet<String> = mails.iter().map(|m| m.message_id.clone()).collect();
    enqueue_all(&s.db, mails).await;

    // The server finds them within its poll interval; kill -9 it in the middle of sending.
    let first = sink.wait_for(3, Duration::from_secs(15));
    let mut server = server;
    server.0.kill().unwrap(); // SIGKILL
    server.0.wait().unwrap();
    let at_kill = sink.count();
    eprintln!("killed after {first}..{at_kill} of {BURST} deliveries");
    assert!(first >= 3, "the server started sending");

    let mut restarted = start_server(&s.cfg, &sink.url());
    let deadline = Instant::now() + Duration::from_secs(30);
    let received = loop {
        let received: BTreeSet<String> = if sink.count() >= BURST {
            sink.read().into_iter().map(|m| m.message_id).collect()
        } else {
            BTreeSet::new()
        };
        if expected_ids.is_subset(&received) || Instant::now() > deadline {
            break received;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let missing: Vec<_> = expected_ids.difference(&received).collect();
    assert!(
        missing.is_empty(),
        "lost {} messages: {missing:?}",
        missing.len()
    );
    let total = sink.count();
    eprintln!(
        "delivered {total} files for {BURST} messages ({} duplicate(s))",
        total - BURST
    );
    assert!(
        total - BURST <= 1,
        "at most the message in flight is sent twice"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stats = mail::stats(&s.db).await.unwrap();
        if stats.sent == BURST as u64 || Instant::now() > deadline {
            assert_eq!(
                (stats.sent, stats.queued, stats.failed),
                (BURST as u64, 0, 0)
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A graceful stop (SIGTERM, as systemd does) stops the worker and exits promptly.
    let pid = restarted.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = restarted.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "flightclaim did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}
