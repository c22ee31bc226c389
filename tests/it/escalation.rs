//! Escalation on the staff claim page (issue 16): the pursuit from the letter to court and a
//! reopening, each step audited and emailed to the passenger in their language; the next
//! deadline on the page; the per-claim switch of the automatic chasers.
#![allow(clippy::too_many_lines)] // journeys read top to bottom

use crate::support;

use rocket::http::Status;
use support::{claim, page, post, text, world};

#[rocket::async_test]
async fn staff_walk_the_pursuit_and_the_passenger_is_told() {
    let w = world().await;
    let r = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    let detail = format!("/admin/claims/{r}");
    let uri = format!("/admin/claims/{r}/status");
    let mine = format!("/claims/{r}?lang=en");
    for (form, passenger_sees) in [
        (vec![("transition", "start_review")], "In review"),
        (
            vec![("transition", "send_to_airline")],
            "Sent to the airline",
        ),
        (
            vec![("transition", "send_reminder")],
            "we sent it a second notice",
        ),
        (
            vec![
                ("transition", "neb_complaint"),
                ("note", "Filed with the DGAC"),
            ],
            "national enforcement body",
        ),
        (vec![("transition", "court")], "before a court"),
        (
            vec![("transition", "reject"), ("reason", "other")],
            "Rejected",
        ),
        (
            vec![
                ("transition", "reopen"),
                ("summary", "The court ruled for us"),
            ],
            "In review",
        ),
        (
            vec![("transition", "approve"), ("amount", "600")],
            "Approved",
        ),
    ] {
        let (s, _, body) = post(&w.agent, &detail, &uri, &form).await;
        assert_eq!(s, Status::SeeOther, "{form:?}: {body}");
        let (_, html) = page(&w.passenger, &mine).await;
        assert!(html.contains(passenger_sees), "{form:?}: {passenger_sees}");
    }
    let audit = text(
        w.dir.path(),
        "SELECT before || ' > ' || after FROM audit_log WHERE action = 'claim.status' ORDER BY id",
    );
    assert_eq!(
        audit,
        [
            "submitted > in_review",
            "in_review > sent_to_airline",
            "sent_to_airline > reminder_sent",
            "reminder_sent > neb_complaint",
            "neb_complaint > court",
            "court > rejected: other",
            "rejected > in_review: The court ruled for us",
            "in_review > approved: 60000 cents",
        ]
    );
    let mails = text(
        w.dir.path(),
        "SELECT kind || ':' || locale FROM outbox ORDER BY id",
    );
    assert_eq!(mails.len(), 8, "one email per step: {mails:?}");
    let subjects = text(w.dir.path(), "SELECT subject FROM outbox ORDER BY id");
    for (i, words) in [
        (2, "second notice sent to the airline"),
        (3, "complaint to the enforcement body"),
        (4, "court proceedings"),
        (6, "reopened"),
    ] {
        assert!(subjects[i].contains(words), "{}: {words}", subjects[i]);
    }
    let reopened = text(
        w.dir.path(),
        "SELECT body_text FROM outbox WHERE subject LIKE '%reopened%'",
    )
    .remove(0);
    assert!(
        reopened.contains("The court ruled for us"),
        "the reason is the note: {reopened}"
    );
    // The staff page: the status since when, and the reopening reason on the timeline.
    let (_, html) = page(&w.agent, &detail).await;
    assert!(html.contains("The court ruled for us"));
    assert!(html.contains("Prochaine échéance"), "next deadline shown");
}

#[rocket::async_test]
async fn the_next_deadline_follows_the_letter() {
    let w = world().await;
    let r = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    support::db(w.dir.path())
        .write_blocking(|tx| {
            Ok(tx.execute(
                "UPDATE claims SET status = 'sent_to_airline', updated_at = '2026-03-01T09:00:00Z'",
                [],
            )?)
        })
        .unwrap();
    let (_, html) = page(&w.agent, &format!("/admin/claims/{r}")).await;
    assert!(
        html.contains("15 mars 2026 — réponse de la compagnie attendue : relance"),
        "letter + 14 days, in the agent's language"
    );
    assert!(html.contains("dépassée"), "and it passed");
}

#[rocket::async_test]
async fn chasers_are_paused_per_claim_and_audited() {
    let w = world().await;
    let r = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    let detail = format!("/admin/claims/{r}");
    let uri = format!("/admin/claims/{r}/chasers");
    let (_, html) = page(&w.agent, &detail).await;
    assert!(html.contains("Suspendre les relances automatiques"));
    let (s, location, _) = post(&w.agent, &detail, &uri, &[("chasers", "pause")]).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(location.as_deref(), Some(detail.as_str()));
    let (_, html) = page(&w.agent, &detail).await;
    assert!(html.contains("Reprendre les relances automatiques"));
    // Twice is once.
    post(&w.agent, &detail, &uri, &[("chasers", "pause")]).await;
    post(&w.agent, &detail, &uri, &[("chasers", "resume")]).await;
    let audit = text(
        w.dir.path(),
        "SELECT actor || ' ' || before || ' > ' || after FROM audit_log
          WHERE action = 'claim.chasers' ORDER BY id",
    );
    assert_eq!(
        audit,
        [
            "agent@example.com active > paused",
            "agent@example.com paused > active"
        ]
    );
    let (s, _, _) = post(&w.agent, &detail, &uri, &[("chasers", "maybe")]).await;
    assert_eq!(s, Status::BadRequest);
    let (s, _, _) = post(&w.passenger, "/login", &uri, &[("chasers", "pause")]).await;
    assert!(matches!(s.code, 401 | 403), "{s}");
    let (s, _, _) = post(
        &w.agent,
        &detail,
        "/admin/claims/FC-ZZZZZZ/chasers",
        &[("chasers", "pause")],
    )
    .await;
    assert_eq!(s, Status::NotFound);
}

/// `flightclaim daily-jobs` over the test's data directory.
fn daily_jobs(dir: &std::path::Path, mode: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flightclaim"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FLIGHTCLAIM_DATA_DIR", dir)
        .env("FLIGHTCLAIM_LOG_TO_FILE", "false")
        .env("FLIGHTCLAIM_CHASERS", mode)
        .arg("daily-jobs")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A claim sent to the airline on 1 March, the same one with its chasers paused, and one
/// in review whose documents were asked for on 12 March.
fn three_claims(dir: &std::path::Path, pax_id: i64) -> (String, String, String) {
    let silent = claim(dir, pax_id, "AF6", "2025-05-14", "Martin", 60_000);
    let paused = claim(dir, pax_id, "AF7", "2025-05-14", "Martin", 60_000);
    let missing = claim(dir, pax_id, "AF8", "2025-05-14", "Martin", 60_000);
    let (s, p, m) = (silent.clone(), paused.clone(), missing.clone());
    support::db(dir)
        .write_blocking(move |tx| {
            tx.execute(
                "UPDATE claims SET status = 'sent_to_airline', updated_at = '2026-03-01T09:00:00Z'
                  WHERE ref IN (?1, ?2)",
                [&s, &p],
            )?;
            tx.execute("UPDATE claims SET chasers_paused = 1 WHERE ref = ?1", [&p])?;
            tx.execute(
                "UPDATE claims SET status = 'in_review', updated_at = '2026-03-01T09:00:00Z'
                  WHERE ref = ?1",
                [&m],
            )?;
            tx.execute(
                "INSERT INTO document_requests (claim_id, kinds, requested_at)
                 SELECT id, 'boarding_pass', '2026-03-12T10:00:00Z' FROM claims WHERE ref = ?1",
                [&m],
            )?;
            Ok(())
        })
        .unwrap();
    (silent, paused, missing)
}

#[rocket::async_test]
async fn the_daily_job_chases_once_on_a_clock_we_choose() {
    let w = world().await;
    let dir = w.dir.path();
    let (silent, paused, missing) = three_claims(dir, w.pax_id);
    let outbox = |dir| support::count(dir, "SELECT count(*) FROM outbox");
    let mails_before = outbox(dir);
    // 13 days after the letter: nothing is due.
    let out = daily_jobs(dir, "send", &["--now", "2026-03-14T06:00:00Z"]);
    assert!(out.contains("chasers: 0 action(s)"), "{out}");
    // A dry run 15 days after the letter (4 after the request) says and writes nothing.
    let now = ["--now", "2026-03-16T06:00:00Z"];
    let out = daily_jobs(dir, "send", &[now[0], now[1], "--dry-run"]);
    assert!(out.contains("dry run, nothing written"), "{out}");
    assert!(
        out.contains(&format!("{silent} second_notice: would be done")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{missing} document_reminder: would be done")),
        "{out}"
    );
    assert!(
        !out.contains(&paused),
        "paused claims are left alone: {out}"
    );
    assert_eq!(
        support::count(dir, "SELECT count(*) FROM chaser_actions"),
        0
    );
    assert_eq!(outbox(dir), mails_before);
    // The real run.
    let out = daily_jobs(dir, "send", &now);
    assert!(
        out.contains(&format!("{silent} second_notice: done")),
        "{out}"
    );
    assert!(out.contains("chasers: 2 action(s)"), "{out}");
    let status =
        |r: &str| text(dir, &format!("SELECT status FROM claims WHERE ref = '{r}'")).remove(0);
    assert_eq!(status(&silent), "reminder_sent");
    assert_eq!(status(&paused), "sent_to_airline");
    let mails = text(dir, "SELECT kind || ':' || locale FROM outbox ORDER BY id");
    assert_eq!(
        mails[mails.len() - 2..],
        [
            "status_changed:en".to_string(),
            "documents_reminder:en".into()
        ]
    );
    let audit = text(
        dir,
        "SELECT actor || ' ' || action || ' ' || coalesce(after, '') FROM audit_log
          WHERE actor = 'daily-jobs' ORDER BY id",
    );
    assert_eq!(audit.len(), 4, "{audit:?}");
    assert!(
        audit[0].ends_with("claim.status reminder_sent"),
        "{audit:?}"
    );
    // The second notice itself: generated and stored as sent, by the job, in the same move.
    assert!(
        audit[1].contains("claim.escalation_document second_notice"),
        "{audit:?}"
    );
    let stored = text(
        dir,
        &format!(
            "SELECT d.kind || ' ' || coalesce(d.created_by_label, '') FROM escalation_documents d
               JOIN claims c ON c.id = d.claim_id WHERE c.ref = '{silent}'"
        ),
    );
    assert_eq!(stored, ["second_notice daily-jobs".to_string()]);
    // Visible on the claim, in the agent's language.
    let (_, html) = page(&w.agent, &format!("/admin/claims/{silent}")).await;
    assert!(
        html.contains("Automatique : relance envoyée à la compagnie (16 mars 2026)"),
        "timeline"
    );
    let (_, html) = page(&w.agent, &format!("/admin/claims/{missing}")).await;
    assert!(html.contains("Automatique : rappel des documents envoyé au passager"));
    // Again the same day, and the next: nothing twice.
    let out = daily_jobs(dir, "send", &now);
    assert!(out.contains("chasers: 0 action(s)"), "{out}");
    let mails_after = outbox(dir);
    daily_jobs(dir, "send", &["--now", "2026-03-17T06:00:00Z"]);
    assert_eq!(outbox(dir), mails_after);
    // Day 14 of the request, in propose mode: the last reminder is proposed, the request
    // waits for the passenger; nothing is emailed.
    let out = daily_jobs(dir, "propose", &["--now", "2026-03-26T06:00:00Z"]);
    assert!(
        out.contains(&format!("{missing} document_reminder: proposed")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{missing} waiting_for_passenger: done")),
        "{out}"
    );
    assert_eq!(outbox(dir), mails_after);
    let (_, html) = page(&w.agent, &format!("/admin/claims/{missing}")).await;
    assert!(
        html.contains("en attente du passager depuis"),
        "request marked"
    );
    // A bad clock is refused.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flightclaim"))
        .env_clear()
        .env("FLIGHTCLAIM_DATA_DIR", dir)
        .args(["daily-jobs", "--now", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

#[rocket::async_test]
async fn queue_filters_on_deadlines_days_in_status_and_limitation() {
    let w = world().await;
    let dir = w.dir.path();
    let (silent, paused, missing) = three_claims(dir, w.pax_id);
    let fresh = claim(dir, w.pax_id, "AF9", "2025-05-14", "Martin", 60_000);
    let rows = |html: &str| html.matches("data-testid=\"days-in-status\"").count();
    // Every claim's own page says whether its deadline passed; the queue agrees.
    let (_, queue) = page(&w.agent, "/admin/claims?deadline=passed").await;
    for r in [&silent, &paused, &missing, &fresh] {
        let (_, html) = page(&w.agent, &format!("/admin/claims/{r}")).await;
        let overdue = html.contains("<strong class=\"tag\">dépassée</strong>");
        assert_eq!(queue.contains(r.as_str()), overdue, "{r}");
    }
    assert_eq!(rows(&queue), 3, "all but the fresh claim");
    // Days in status: the three old ones have been in theirs since March.
    let (_, html) = page(&w.agent, "/admin/claims?days_in_status=30").await;
    assert_eq!(rows(&html), 3);
    assert!(!html.contains(fresh.as_str()));
    let (_, html) = page(&w.agent, "/admin/claims?days_in_status=0").await;
    assert_eq!(rows(&html), 4);
    // The limitation date is the engine's answer at submission (`deadline`): in 30 days.
    let soon = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let f = fresh.clone();
    support::db(dir)
        .write_blocking(move |tx| {
            Ok(tx.execute(
                "UPDATE claims SET result_json = json_set(result_json, '$.deadline', ?1)
                  WHERE ref = ?2",
                [&soon, &f],
            )?)
        })
        .unwrap();
    let (_, html) = page(&w.agent, "/admin/claims?limitation_within=90").await;
    assert_eq!(rows(&html), 1);
    assert!(html.contains(fresh.as_str()));
    let (_, html) = page(&w.agent, "/admin/claims?limitation_within=10").await;
    assert_eq!(rows(&html), 0);
    // A bad value is dropped and echoed, never an error.
    let (s, html) = page(&w.agent, "/admin/claims?limitation_within=soon&deadline=x").await;
    assert_eq!(s, Status::Ok);
    assert_eq!(rows(&html), 4);
    assert!(html.contains("value=\"soon\""), "echoed");
}
