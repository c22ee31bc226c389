//! The outbox without an SMTP server: enqueue in the caller's transaction, the repository
//! functions the admin pages use, every template in both languages, development `.eml` copies,
//! and the backlog on `/ready` and `/metrics`. Real `SQLite` files in temp dirs.

use crate::common;
use crate::mail_smtp;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use flightclaim::app::{self, ServeOptions};
use flightclaim::config::AppConfig;
use flightclaim::db::outbox::{self, Status};
use flightclaim::db::{Db, DbError};
use flightclaim::mail::messages::Email as _;
use flightclaim::mail::{self, Mailer, messages};
use mail_smtp::{BASE_URL, HOSTILE, every_kind, expected, links, recipient};
use rocket::http::Status as HttpStatus;

fn setup(extra_toml: &str) -> (AppConfig, Db, Mailer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "base_url = \"{BASE_URL}\"\nmail_from = \"FlightClaim <noreply@example.test>\"\n{extra_toml}"
    );
    let cfg = common::test_config(dir.path(), &toml);
    let db = app::open_database(&cfg, ServeOptions { migrate: true }).unwrap();
    let mailer = Mailer::from_config(&cfg, &common::test_key(&cfg)).unwrap();
    (cfg, db, mailer, dir)
}

/// A translation key left in the output (`mail.x.y`, but not the word "email.").
fn has_raw_key(body: &str) -> bool {
    body.match_indices("mail.").any(|(i, _)| {
        !body[..i].ends_with(|c: char| c.is_alphanumeric())
            && body[i + 5..].starts_with(|c: char| c.is_ascii_lowercase())
    })
}

fn count(db: &Db, sql: &'static str) -> i64 {
    db.read_blocking(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn mail_is_enqueued_with_the_change_or_not_at_all() {
    let (_cfg, db, mailer, _dir) = setup("");
    let to = recipient("alice@example.test", "fr");
    let mail = mailer
        .compose(
            &to,
            &messages::PasswordReset {
                token: "t1".into(),
                valid_minutes: 30,
            },
        )
        .unwrap();

    // The change fails after the enqueue: both roll back.
    let m = mail.clone();
    let err = db
        .write_blocking(move |tx| {
            tx.execute(
                "INSERT INTO users (email, created_at, updated_at) VALUES ('a@example.test', 'x', 'x')",
                [],
            )?;
            mail::enqueue(tx, &m)?;
            Err::<(), _>(DbError::Conflict("the claim could not be saved".into()))
        })
        .unwrap_err();
    assert!(matches!(err, DbError::Conflict(_)));
    assert_eq!(count(&db, "SELECT count(*) FROM outbox"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM users"), 0);

    // The change commits: the mail is there, queued and due.
    let m = mail.clone();
    let id = db
        .write_blocking(move |tx| {
            tx.execute(
                "INSERT INTO users (email, created_at, updated_at) VALUES ('a@example.test', 'x', 'x')",
                [],
            )?;
            mail::enqueue(tx, &m)
        })
        .unwrap();
    let row = db
        .read_blocking(move |c| outbox::find_by_id(c, id))
        .unwrap();
    assert_eq!(row.status, Status::Queued);
    assert_eq!(row.to_addr, "alice@example.test");
    assert_eq!(row.locale, "fr");
    assert_eq!(row.subject, mail.rendered.subject);
    assert_eq!(row.body_html, mail.rendered.html);

    // The same rendered mail cannot be enqueued twice (its Message-ID is unique).
    let m = mail.clone();
    let again = db.write_blocking(move |tx| mail::enqueue(tx, &m));
    assert!(matches!(again, Err(DbError::Conflict(_))), "{again:?}");
}

#[test]
fn message_ids_are_unique_and_use_the_sender_domain() {
    let (_cfg, _db, mailer, _dir) = setup("");
    let ids: std::collections::BTreeSet<String> =
        (0..200).map(|_| mailer.new_message_id()).collect();
    assert_eq!(ids.len(), 200);
    for id in &ids {
        assert!(
            id.starts_with('<') && id.ends_with("@example.test>") && id.len() == 47,
            "{id}"
        );
    }
}

#[test]
fn claim_retry_fail_and_admin_functions() {
    let (_cfg, db, mailer, _dir) = setup("");
    let mails = every_kind(&mailer, &recipient("bob@example.test", "en"));
    let ids: Vec<i64> = {
        let mails = mails[..3].to_vec();
        db.write_blocking(move |tx| mails.iter().map(|m| mail::enqueue(tx, m)).collect())
            .unwrap()
    };
    let now = Utc::now();
    let lease = now + chrono::Duration::minutes(10);

    let first = db
        .write_blocking(move |tx| outbox::claim_next_due(tx, now, lease))
        .unwrap()
        .unwrap();
    assert_eq!(
        (first.id, first.status, first.attempts),
        (ids[0], Status::Sending, 1)
    );
    let second = db
        .write_blocking(move |tx| outbox::claim_next_due(tx, now, lease))
        .unwrap()
        .unwrap();
    assert_eq!(second.id, ids[1], "a claimed row is not claimed twice");

    let later = now + chrono::Duration::hours(1);
    let (a, b) = (first.id, second.id);
    db.write_blocking(move |tx| {
        outbox::mark_retry(
            tx,
            a,
            later,
            "connection refused: is the SMTP server at x:25 running?",
            now,
        )?;
        outbox::mark_failed(tx, b, "recipient rejected: 550 no such user", now)
    })
    .unwrap();

    let stats = db.read_blocking(move |c| outbox::stats(c, now)).unwrap();
    assert_eq!((stats.queued, stats.failed, stats.sent), (2, 1, 0));
    assert!(stats.oldest_pending_secs >= 0.0);

    let failed = db
        .read_blocking(|c| outbox::list_for_admin(c, Some(Status::Failed), 50, None))
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].last_error.as_deref(),
        Some("recipient rejected: 550 no such user")
    );
    let all = db
        .read_blocking(|c| outbox::list_for_admin(c, None, 50, None))
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(all[0].id > all[2].id, "newest first");

    // The row retried for later is not due now; the third one is.
    let third = db
        .write_blocking(move |tx| outbox::claim_next_due(tx, now, lease))
        .unwrap()
        .unwrap();
    assert_eq!(third.id, ids[2]);
    db.write_blocking(move |tx| outbox::mark_sent(tx, third.id, now))
        .unwrap();

    // Admin retry: failed → queued now with a fresh budget; sent → refused; unknown → not found.
    db.write_blocking(move |tx| outbox::retry(tx, b, now))
        .unwrap();
    let row = db.read_blocking(move |c| outbox::find_by_id(c, b)).unwrap();
    assert_eq!((row.status, row.attempts), (Status::Queued, 0));
    let c = third.id;
    assert!(matches!(
        db.write_blocking(move |tx| outbox::retry(tx, c, now)),
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.write_blocking(move |tx| outbox::retry(tx, 9999, now)),
        Err(DbError::NotFound)
    ));

    // A crash leaves a row `sending`: the next start makes it due again.
    let claimed = db
        .write_blocking(move |tx| outbox::claim_next_due(tx, now, lease))
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, b);
    let recovered = db
        .write_blocking(|tx| outbox::recover_interrupted(tx, Utc::now()))
        .unwrap();
    assert_eq!(recovered, 1);
    let row = db.read_blocking(move |c| outbox::find_by_id(c, b)).unwrap();
    assert_eq!(row.status, Status::Queued);
}

#[test]
fn hostile_recipient_data_is_stored_verbatim() {
    let (_cfg, db, mailer, _dir) = setup("");
    let to = flightclaim::mail::Recipient::new(
        "x'); DROP TABLE outbox; --@example.test",
        "Robert'); DROP TABLE outbox;--",
        flightclaim::i18n::Locale("en"),
    );
    let mail = mailer
        .compose(
            &to,
            &messages::EmailVerification {
                token: "t".into(),
                valid_hours: 1,
            },
        )
        .unwrap();
    let id = db
        .write_blocking(move |tx| mail::enqueue(tx, &mail))
        .unwrap();
    let row = db
        .read_blocking(move |c| outbox::find_by_id(c, id))
        .unwrap();
    assert_eq!(row.to_name, "Robert'); DROP TABLE outbox;--");
    assert_eq!(count(&db, "SELECT count(*) FROM outbox"), 1);
}

#[test]
fn every_template_in_both_languages() {
    let (_cfg, _db, mailer, _dir) = setup("");
    let mut seen = std::collections::BTreeSet::new();
    for lang in ["fr", "en"] {
        for mail in every_kind(&mailer, &recipient("alice@example.test", lang)) {
            let kind = mail.kind;
            seen.insert(kind);
            let (subject, phrase, path) = expected(kind, lang);
            // Stored form: no one-time token (every sample token starts with `tok-`).
            let stored = &mail.rendered;
            assert!(
                !format!("{}{}{}", stored.subject, stored.text, stored.html).contains("tok-"),
                "{kind}/{lang}: a token in the stored message (is it in Email::secrets?)"
            );
            let received = mailer.as_received(&mail);
            let r = &received;
            let action = format!("{BASE_URL}{path}");
            let at = format!("{kind}/{lang}");
            assert_eq!(r.subject, subject, "{at}");
            // The HTML serializer of the CSS inliner writes U+00A0 as `&nbsp;`.
            let html_phrase = phrase.replace('\u{a0}', "&nbsp;");
            for (part, body, phrase) in [
                ("text", &r.text, phrase),
                ("html", &r.html, html_phrase.as_str()),
            ] {
                assert!(
                    body.contains(phrase),
                    "{at} {part} lacks {phrase:?}:\n{body}"
                );
                assert!(body.contains(&action), "{at} {part} lacks {action}");
                assert!(!has_raw_key(body), "{at} {part}: untranslated key\n{body}");
                assert!(!body.contains("{{") && !body.contains("{%"), "{at} {part}");
                // Every absolute URL points to our site.
                for (i, _) in body.match_indices("http") {
                    assert!(
                        body[i..].starts_with(BASE_URL),
                        "{at} {part}: foreign URL at {}",
                        &body[i..(i + 40).min(body.len())]
                    );
                }
            }
            // Greeting with the user's name: escaped in HTML, as typed (and inert) in text.
            assert!(
                r.text.contains(HOSTILE),
                "{at} text keeps the name as typed"
            );
            assert!(!r.html.contains("<script"), "{at} html has no script tag");
            assert!(
                r.html.contains("&lt;script&gt;alert(1)&lt;"),
                "{at} html escapes the name"
            );
            // HTML that mail clients render: table layout, 600 px, styles inlined, no images.
            assert!(r.html.contains(&format!("<html lang=\"{lang}\">")), "{at}");
            assert!(r.html.contains("role=\"presentation\""), "{at}");
            assert!(r.html.contains("max-width: 600px"), "{at} inline max-width");
            assert!(r.html.contains("style=\""), "{at} inlined styles");
            assert!(
                !r.html.contains("<img") && !r.html.contains("url("),
                "{at} no remote images"
            );
            for link in links(&r.html) {
                assert!(
                    link.starts_with(&format!("{BASE_URL}/")),
                    "{at}: link {link}"
                );
            }
            assert!(!r.subject.contains('\n'));
        }
    }
    let all: std::collections::BTreeSet<&str> = messages::KINDS.iter().copied().collect();
    assert_eq!(seen, all, "every kind has a sample");
}

#[test]
fn every_variant_label_is_translated() {
    let (_cfg, _db, mailer, _dir) = setup("");
    for lang in ["fr", "en"] {
        let to = recipient("a@example.test", lang);
        let mut bodies = Vec::new();
        for stage in messages::ClaimStage::ALL {
            let m = messages::StatusChanged {
                claim_ref: "FC-1".into(),
                stage,
                note: None,
            };
            bodies.push(mailer.compose(&to, &m).unwrap().rendered);
        }
        for reason in messages::RejectionReason::ALL {
            let m = messages::ClaimRejected {
                claim_ref: "FC-1".into(),
                reason,
                note: None,
            };
            bodies.push(mailer.compose(&to, &m).unwrap().rendered);
        }
        let m = messages::DocumentsRequested {
            claim_ref: "FC-1".into(),
            documents: messages::DocumentKind::ALL.to_vec(),
            note: None,
        };
        bodies.push(mailer.compose(&to, &m).unwrap().rendered);
        for role in [messages::StaffRole::Agent, messages::StaffRole::Admin] {
            let m = messages::StaffInvitation {
                inviter: "C".into(),
                role,
                token: "t".into(),
                valid_hours: 1,
            };
            bodies.push(mailer.compose(&to, &m).unwrap().rendered);
        }
        let m = messages::TeamMessage {
            claim_ref: None,
            author: "C".into(),
            body: "Hi".into(),
        };
        let team = mailer.compose(&to, &m).unwrap().rendered;
        assert!(team.text.contains(&format!("{BASE_URL}/account")));
        bodies.push(team);
        for r in bodies {
            for body in [&r.subject, &r.text, &r.html] {
                assert!(!has_raw_key(body), "{lang}: untranslated key in\n{body}");
            }
        }
    }
}

#[test]
fn invalid_configuration_is_explained() {
    // The sender is checked with the rest of the configuration (`check-config` and `serve`).
    let bad_sender = figment::Figment::from(figment::providers::Serialized::defaults(
        AppConfig::default(),
    ))
    .merge(figment::providers::Serialized::default(
        "mail_from",
        "not an address",
    ));
    let err = AppConfig::from_figment(&bad_sender).unwrap_err().0;
    assert!(
        err.contains("FLIGHTCLAIM_MAIL_FROM") && err.contains("Fix"),
        "{err}"
    );
    let bad = figment::Figment::from(figment::providers::Serialized::defaults(
        AppConfig::default(),
    ))
    .merge(figment::providers::Serialized::default(
        "mail_retry_base_secs",
        0,
    ));
    let err = AppConfig::from_figment(&bad).unwrap_err().0;
    assert!(err.contains("FLIGHTCLAIM_MAIL_RETRY_BASE_SECS"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_mail_stays_queued_and_eml_copies_are_written() {
    let (cfg, db, mailer, _dir) = setup("");
    assert!(!mailer.smtp_enabled());
    let mailer = Arc::new(mailer);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(mail::worker::run(mailer.clone(), db.clone(), async move {
        let _ = stop_rx.await;
    }));
    let mails = every_kind(&mailer, &recipient("alice@example.test", "fr"))[..2].to_vec();
    db.write(move |tx| {
        for m in &mails {
            mail::enqueue(tx, m)?;
        }
        Ok(())
    })
    .await
    .unwrap();

    let outbox_dir = cfg.data_dir.join("outbox");
    let deadline = Instant::now() + Duration::from_secs(10);
    let files = loop {
        let files: Vec<_> = std::fs::read_dir(&outbox_dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if files.len() >= 2 || Instant::now() > deadline {
            break files;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(files.len(), 2, "{files:?}");
    let mut names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names[0].ends_with("-email_verification.eml"), "{names:?}");
    let eml = std::fs::read_to_string(outbox_dir.join(&names[0])).unwrap();
    for header in [
        "Message-ID: <",
        "Content-Language: fr",
        "Auto-Submitted: auto-generated",
        "multipart/alternative",
        "text/plain",
        "text/html",
    ] {
        assert!(eml.contains(header), "{header} in\n{eml}");
    }
    let rows = db
        .read(|c| outbox::list_for_admin(c, None, 10, None))
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r.status == Status::Queued && r.attempts == 0)
    );
    let row = db.read(|c| outbox::find_by_id(c, 1)).await.unwrap();
    assert!(row.eml_path.unwrap().ends_with("1-email_verification.eml"));

    let _ = stop_tx.send(());
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("worker stops on shutdown")
        .unwrap();
}

#[rocket::async_test]
async fn ready_and_metrics_show_the_backlog() {
    let (client, _dir) = common::client_with(&format!("base_url = \"{BASE_URL}\"")).await;
    let db = client.rocket().state::<Db>().unwrap().clone();
    let mailer = client.rocket().state::<Arc<Mailer>>().unwrap().clone();
    let mails = every_kind(&mailer, &recipient("alice@example.test", "en"))[..2].to_vec();
    db.write(move |tx| {
        for m in &mails {
            mail::enqueue(tx, m)?;
        }
        Ok(())
    })
    .await
    .unwrap();

    let res = client
        .get("/ready")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await;
    assert_eq!(res.status(), HttpStatus::Ok);
    let ready: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(ready["outbox"]["enabled"], false);
    assert_eq!(ready["outbox"]["queued"], 2);
    assert_eq!(ready["outbox"]["failed"], 0);
    assert!(ready["outbox"]["oldest_pending_secs"].as_f64().unwrap() >= 0.0);

    let res = client
        .get("/metrics")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await;
    let text = res.into_string().await.unwrap();
    assert!(text.contains("flightclaim_outbox_queued 2"), "{text}");
    assert!(text.contains("flightclaim_outbox_failed 0"), "{text}");
    assert!(
        text.contains("flightclaim_outbox_oldest_pending_seconds "),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_hear_once_a_day_when_mail_is_stuck() {
    // SMTP configured but nothing listens: nothing leaves (the worker is not even started).
    let (_cfg, db, mailer, _dir) = setup("smtp_url = \"smtp://127.0.0.1:9\"\n");
    let mailer = Arc::new(mailer);
    db.write(|tx| {
        flightclaim::db::users::upsert_admin(tx, "boss@example.test", "hash")?;
        Ok(())
    })
    .await
    .unwrap();
    let stuck_kind = messages::AdminOutboxStuck::KIND;
    let alerts = |db: &Db| {
        let db = db.clone();
        async move {
            db.read(move |c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM outbox WHERE kind = ?1 AND to_addr = 'boss@example.test'",
                    [stuck_kind],
                    |r| r.get::<_, i64>(0),
                )?)
            })
            .await
            .unwrap()
        }
    };
    let now = Utc::now();

    // An empty outbox is not stuck.
    assert_eq!(
        mail::watchdog::check_once(&db, mailer.clone(), now)
            .await
            .unwrap(),
        0
    );

    let m = mailer
        .compose(
            &recipient("alice@example.test", "fr"),
            &messages::PasswordReset {
                token: "t".into(),
                valid_minutes: 30,
            },
        )
        .unwrap();
    db.write(move |tx| mail::enqueue(tx, &m).map(|_| ()))
        .await
        .unwrap();

    // Ten minutes later: still normal.
    let soon = now + chrono::Duration::minutes(10);
    assert_eq!(
        mail::watchdog::check_once(&db, mailer.clone(), soon)
            .await
            .unwrap(),
        0
    );
    assert_eq!(alerts(&db).await, 0);

    // Two hours later: the admin is told, once.
    let later = now + chrono::Duration::hours(2);
    assert_eq!(
        mail::watchdog::check_once(&db, mailer.clone(), later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        mail::watchdog::check_once(&db, mailer.clone(), later + chrono::Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(alerts(&db).await, 1);
    let subject: String = db
        .read(move |c| {
            Ok(c.query_row(
                "SELECT body_text FROM outbox WHERE kind = ?1",
                [stuck_kind],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    assert!(
        subject.contains("/admin/emails"),
        "the alert links to the outbox page: {subject}"
    );

    // A day after the alert, still stuck: told again.
    let next_day = now + chrono::Duration::hours(27);
    assert_eq!(
        mail::watchdog::check_once(&db, mailer.clone(), next_day)
            .await
            .unwrap(),
        1
    );
    assert_eq!(alerts(&db).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_a_waiting_outbox_is_not_an_alert() {
    let (_cfg, db, mailer, _dir) = setup("");
    let mailer = Arc::new(mailer);
    db.write(|tx| {
        flightclaim::db::users::upsert_admin(tx, "boss@example.test", "hash")?;
        Ok(())
    })
    .await
    .unwrap();
    let m = mailer
        .compose(
            &recipient("alice@example.test", "fr"),
            &messages::PasswordReset {
                token: "t".into(),
                valid_minutes: 30,
            },
        )
        .unwrap();
    db.write(move |tx| mail::enqueue(tx, &m).map(|_| ()))
        .await
        .unwrap();
    let much_later = Utc::now() + chrono::Duration::days(3);
    assert_eq!(
        mail::watchdog::check_once(&db, mailer, much_later)
            .await
            .unwrap(),
        0
    );
}
