//! Staff claim handling, one claim at a time: who may open what, every status transition
//! through the forms, audit entries, emails in the passenger's language, document requests and
//! messages on the passenger's page (internal notes never), the letter and the re-run.
#![allow(clippy::too_many_lines)]

use crate::support;

use rocket::http::{ContentType, Status};
use support::{IBAN, claim, count, db, page, post, text, world};

#[rocket::async_test]
async fn every_claim_route_by_role() {
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
    let letter = format!("/admin/claims/{r}/letter.pdf");
    // (path, anonymous, passenger, agent, admin)
    let table = [
        (
            "/admin/claims",
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            "/admin/claims.csv",
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            detail.as_str(),
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            letter.as_str(),
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            "/admin/claims/FC-ZZZZZZ",
            Status::SeeOther,
            Status::SeeOther,
            Status::NotFound,
            Status::NotFound,
        ),
        (
            "/admin/claims/..%2Fetc",
            Status::SeeOther,
            Status::SeeOther,
            Status::NotFound,
            Status::NotFound,
        ),
    ];
    for (path, anon, pax, ag, ad) in table {
        let (s, body) = page(&w.anonymous, path).await;
        assert_eq!(s, anon, "anonymous {path}");
        assert!(!body.contains("Martin"), "no data for anonymous {path}");
        let (s, body) = page(&w.passenger, path).await;
        assert_eq!(s, pax, "passenger {path}");
        assert!(!body.contains("Martin"), "no data for the passenger {path}");
        assert_eq!(page(&w.agent, path).await.0, ag, "agent {path}");
        assert_eq!(page(&w.admin, path).await.0, ad, "admin {path}");
    }
    let res = w.anonymous.get("/admin/claims").dispatch().await;
    assert_eq!(
        res.headers().get_one("Location"),
        Some("/admin/login?next=%2Fadmin%2Fclaims")
    );
    // Every POST refuses the passenger and the visitor, and changes nothing.
    let posts = ["status", "assign", "documents", "message", "note", "rerun"];
    for who in [&w.anonymous, &w.passenger] {
        for action in posts {
            let uri = format!("/admin/claims/{r}/{action}");
            let (s, _, _) = post(
                who,
                "/login",
                &uri,
                &[("transition", "start_review"), ("body", "x")],
            )
            .await;
            assert!(matches!(s.code, 401 | 403), "{uri}: {s}");
        }
        let (s, _, _) = post(
            who,
            "/login",
            "/admin/claims/assign",
            &[("claims", &r), ("assignee", "me")],
        )
        .await;
        assert!(matches!(s.code, 401 | 403), "bulk: {s}");
    }
    assert_eq!(count(w.dir.path(), "SELECT count(*) FROM claim_events"), 1);
    assert_eq!(
        count(
            w.dir.path(),
            "SELECT count(*) FROM claims WHERE assignee_id IS NOT NULL"
        ),
        0
    );
    // The IBAN: masked for an agent, whole for an admin.
    let (_, html) = page(&w.agent, &detail).await;
    assert!(
        html.contains("FR76 •••• •••• 0189") && !html.contains(IBAN),
        "masked"
    );
    let (_, html) = page(&w.admin, &detail).await;
    assert!(html.contains(IBAN), "admin sees the IBAN");
}

/// The transitions the state machine allows, by form name, from each status.
const ALLOWED: [(&str, &[&str]); 15] = [
    ("submitted", &["start_review", "reject"]),
    ("in_review", &["send_to_airline", "approve", "reject"]),
    (
        "sent_to_airline",
        &[
            "send_reminder",
            "record_answer",
            "neb_complaint",
            "adr",
            "approve",
            "reject",
        ],
    ),
    (
        "airline_answered",
        &[
            "neb_complaint",
            "adr",
            "court",
            "lawyer",
            "approve",
            "reject",
        ],
    ),
    (
        "reminder_sent",
        &[
            "record_answer",
            "neb_complaint",
            "adr",
            "court",
            "lawyer",
            "approve",
            "reject",
        ],
    ),
    (
        "neb_complaint",
        &[
            "record_answer",
            "adr",
            "court",
            "lawyer",
            "approve",
            "reject",
        ],
    ),
    (
        "adr",
        &[
            "record_answer",
            "neb_complaint",
            "court",
            "lawyer",
            "approve",
            "reject",
        ],
    ),
    ("court", &["record_answer", "lawyer", "approve", "reject"]),
    ("lawyer", &["record_answer", "approve", "reject"]),
    ("approved", &["close"]),
    ("rejected", &["close", "reopen"]),
    // Money moves these two: tests/it/money.rs.
    ("airline_paid", &[]),
    ("paid", &["close"]),
    ("closed", &["reopen"]),
    ("withdrawn", &[]),
];

fn fields(transition: &str) -> Vec<(&'static str, &'static str)> {
    match transition {
        "record_answer" => vec![("summary", "Airline accepts")],
        "approve" => vec![("amount", "600")],
        "reject" => vec![("reason", "extraordinary_circumstances")],
        "reopen" => vec![("summary", "New evidence")],
        _ => vec![],
    }
}

#[rocket::async_test]
async fn every_transition_allowed_and_refused() {
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
    let names = [
        "start_review",
        "send_to_airline",
        "send_reminder",
        "record_answer",
        "neb_complaint",
        "adr",
        "court",
        "lawyer",
        "approve",
        "reject",
        "close",
        "reopen",
    ];
    for (from, allowed) in ALLOWED {
        for name in names {
            let f = from.to_string();
            db(w.dir.path())
                .write_blocking(move |tx| Ok(tx.execute("UPDATE claims SET status = ?1", [&f])?))
                .unwrap();
            let mut form = vec![("transition", name)];
            form.extend(fields(name));
            let (s, location, body) = post(&w.agent, &detail, &uri, &form).await;
            let now = text(w.dir.path(), "SELECT status FROM claims").remove(0);
            if allowed.contains(&name) {
                assert_eq!(s, Status::SeeOther, "{from} → {name}: {body}");
                assert_eq!(location.as_deref(), Some(detail.as_str()));
                assert_ne!(now, from, "{from} → {name} moved");
            } else {
                assert_eq!(s, Status::Conflict, "{from} → {name} refused");
                assert!(
                    body.contains("data-testid=\"action-error\""),
                    "message shown"
                );
                assert!(
                    body.contains("ne peut pas passer"),
                    "in the agent's language"
                );
                assert_eq!(now, from, "{from} unchanged");
            }
        }
    }
    // What a transition needs: refused with 422 and a message, nothing changes.
    for (from, form) in [
        ("in_review", vec![("transition", "reject"), ("reason", "")]),
        (
            "in_review",
            vec![("transition", "reject"), ("reason", "<script>")],
        ),
        (
            "in_review",
            vec![("transition", "approve"), ("amount", "-5")],
        ),
        (
            "in_review",
            vec![("transition", "approve"), ("amount", "0")],
        ),
        (
            "airline_answered",
            vec![("transition", "approve"), ("amount", "lots")],
        ),
        (
            "sent_to_airline",
            vec![("transition", "record_answer"), ("summary", "   ")],
        ),
        (
            "rejected",
            vec![("transition", "reopen"), ("summary", "   ")],
        ),
    ] {
        let f = from.to_string();
        db(w.dir.path())
            .write_blocking(move |tx| Ok(tx.execute("UPDATE claims SET status = ?1", [&f])?))
            .unwrap();
        let (s, _, body) = post(&w.agent, &detail, &uri, &form).await;
        assert_eq!(s, Status::UnprocessableEntity, "{form:?}");
        assert!(body.contains("action-error"));
        assert_eq!(text(w.dir.path(), "SELECT status FROM claims")[0], from);
    }
    let (s, _, _) = post(&w.agent, &detail, &uri, &[("transition", "teleport")]).await;
    assert_eq!(s, Status::BadRequest);
}

#[rocket::async_test]
async fn the_happy_path_audits_and_emails_in_the_passengers_language() {
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
    for form in [
        vec![("transition", "start_review"), ("note", "We are on it")],
        vec![("transition", "send_to_airline")],
        vec![
            ("transition", "record_answer"),
            ("summary", "AF agrees to pay"),
        ],
        vec![("transition", "approve"), ("amount", "600,00")],
        vec![("transition", "close")],
    ] {
        let (s, _, body) = post(&w.agent, &detail, &uri, &form).await;
        assert_eq!(s, Status::SeeOther, "{form:?}: {body}");
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
            "sent_to_airline > airline_answered: AF agrees to pay",
            "airline_answered > approved: 60000 cents",
            "approved > closed",
        ]
    );
    let actors = text(
        w.dir.path(),
        "SELECT DISTINCT actor || ':' || target FROM audit_log WHERE action = 'claim.status'",
    );
    assert_eq!(actors, [format!("agent@example.com:claim:{r}")]);
    let mails = text(
        w.dir.path(),
        "SELECT kind || ':' || locale || ':' || to_addr FROM outbox ORDER BY id",
    );
    assert_eq!(
        mails,
        [
            "status_changed:en:pax@example.com",
            "status_changed:en:pax@example.com",
            "status_changed:en:pax@example.com",
            "claim_approved:en:pax@example.com",
        ]
    );
    let approved = text(
        w.dir.path(),
        "SELECT body_text FROM outbox WHERE kind = 'claim_approved'",
    )
    .remove(0);
    assert!(approved.contains("€600"), "{approved}");
    assert_eq!(
        count(w.dir.path(), "SELECT approved_cents FROM claims"),
        60_000
    );
    // The passenger saw every step; the airline's words stayed internal.
    let (s, html) = page(&w.passenger, &format!("/claims/{r}?lang=en")).await;
    assert_eq!(s, Status::Ok);
    for step in [
        "In review",
        "Sent to the airline",
        "Airline answered",
        "Approved",
        "Closed",
        "We are on it",
    ] {
        assert!(html.contains(step), "{step} on the passenger's page");
    }
    assert!(
        !html.contains("AF agrees to pay"),
        "internal summary hidden"
    );
    // A rejection sends its own email with the reason.
    let r2 = claim(
        w.dir.path(),
        w.pax_id,
        "AF7",
        "2025-05-15",
        "Durand",
        40_000,
    );
    let (s, _, _) = post(
        &w.agent,
        &format!("/admin/claims/{r2}"),
        &format!("/admin/claims/{r2}/status"),
        &[
            ("transition", "reject"),
            ("reason", "extraordinary_circumstances"),
            ("note", "Storm"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let rejected = text(
        w.dir.path(),
        "SELECT body_text FROM outbox WHERE kind = 'claim_rejected'",
    )
    .remove(0);
    assert!(
        rejected.contains("extraordinary circumstances") && rejected.contains("Storm"),
        "{rejected}"
    );
}

#[rocket::async_test]
async fn documents_messages_and_notes() {
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
    let mine = format!("/claims/{r}");
    let (s, _, _) = post(&w.agent, &detail, &format!("{detail}/documents"), &[]).await;
    assert_eq!(s, Status::UnprocessableEntity, "at least one document");
    let (s, _, _) = post(
        &w.agent,
        &detail,
        &format!("{detail}/documents"),
        &[
            ("kinds", "boarding_pass"),
            ("kinds", "identity_document"),
            ("kinds", "nonsense"),
            ("note", "Both sides please"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (_, html) = page(&w.passenger, &format!("{mine}?lang=en")).await;
    assert!(
        html.contains("data-testid=\"needed\""),
        "what we need from you"
    );
    assert!(
        html.contains("Boarding pass")
            && html.contains("Identity document")
            && html.contains("Both sides please")
    );
    let (s, _, _) = post(
        &w.agent,
        &detail,
        &format!("{detail}/message"),
        &[("body", "Hello <b>Jeanne</b>")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (s, _, _) = post(
        &w.agent,
        &detail,
        &format!("{detail}/note"),
        &[("body", "Secret: looks like fraud")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (_, html) = page(&w.passenger, &mine).await;
    assert!(
        html.contains("Hello &lt;b&gt;Jeanne&lt;/b&gt;"),
        "message shown, escaped"
    );
    assert!(!html.contains("looks like fraud"), "internal note hidden");
    let (_, staff_html) = page(&w.agent, &detail).await;
    assert!(staff_html.contains("looks like fraud") && staff_html.contains("Note interne"));
    let mails = text(
        w.dir.path(),
        "SELECT kind || ':' || locale FROM outbox ORDER BY id",
    );
    assert_eq!(mails, ["documents_requested:en", "team_message:en"]);
    let actions = text(
        w.dir.path(),
        "SELECT action FROM audit_log WHERE target LIKE 'claim:%' ORDER BY id",
    );
    assert_eq!(
        actions,
        ["claim.documents_requested", "claim.message", "claim.note"]
    );
    // An upload of only one of the two kinds does not fulfil the request; both do.
    let claim_id = count(w.dir.path(), "SELECT id FROM claims");
    let closed = db(w.dir.path())
        .write_blocking(move |tx| {
            let partial =
                flightclaim::db::claim_admin::fulfil_requests(tx, claim_id, &["boarding_pass"])?;
            assert_eq!(partial, 0);
            let other = flightclaim::db::claim_admin::insert_document_request(
                tx,
                claim_id,
                1,
                &["bank_details"],
                "",
            )?;
            let all =
                flightclaim::db::claim_admin::fulfil_requests(tx, claim_id, &["bank_details"])?;
            assert_eq!(all, 1);
            Ok(other)
        })
        .unwrap();
    assert_eq!(
        count(
            w.dir.path(),
            &format!(
                "SELECT count(*) FROM document_requests WHERE id = {closed} AND closed_how = 'fulfilled'"
            )
        ),
        1
    );
    // Clearing the request removes it from the passenger's page.
    let id = count(w.dir.path(), "SELECT id FROM document_requests");
    let (s, _, _) = post(
        &w.agent,
        &detail,
        &format!("{detail}/documents/{id}/clear"),
        &[],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (_, html) = page(&w.passenger, &mine).await;
    assert!(!html.contains("data-testid=\"needed\""));
    let (s, _, _) = post(
        &w.agent,
        &detail,
        &format!("{detail}/documents/{id}/clear"),
        &[],
    )
    .await;
    assert_eq!(s, Status::NotFound, "already cleared");
}

#[rocket::async_test]
async fn letter_and_rerun() {
    let w = world().await;
    let fr = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    let en = claim(
        w.dir.path(),
        w.pax_id,
        "BA304",
        "2025-06-20",
        "Smith",
        60_000,
    );
    for (r, words) in [
        (
            &fr,
            &[
                "261/2004",
                "AF6",
                "14 mai 2025",
                "CDG-JFK",
                "départ prévu 10:30",
                "240 minutes",
                "Jeanne Martin",
                "Madame, Monsieur",
                "600",
            ][..],
        ),
        (
            &en,
            &[
                "261/2004",
                "BA304",
                "20 Jun 2025",
                "scheduled arrival 12:55",
                "Dear Sir or Madam",
                "Jeanne Smith",
                "€600",
            ][..],
        ),
    ] {
        let res = w
            .agent
            .get(format!("/admin/claims/{r}/letter.pdf"))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Ok);
        assert_eq!(res.content_type(), Some(ContentType::PDF));
        let pdf = res.into_bytes().await.unwrap();
        let path = w.dir.path().join(format!("{r}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        for w in words {
            assert!(text.contains(w), "{w} in {text}");
        }
    }
    let detail = format!("/admin/claims/{fr}");
    let (s, _, html) = post(&w.agent, &detail, &format!("{detail}/rerun"), &[]).await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains("data-testid=\"rerun\""), "comparison shown");
    assert_eq!(
        count(
            w.dir.path(),
            "SELECT count(*) FROM audit_log WHERE action = 'claim.rerun'"
        ),
        1
    );
    assert_eq!(
        count(
            w.dir.path(),
            "SELECT count(*) FROM audit_log WHERE action = 'claim.letter'"
        ),
        2
    );
}

#[rocket::async_test]
async fn the_overview_flags_unanswered_document_requests_and_airlines() {
    let w = world().await;
    let d = w.dir.path();
    let (_, html) = page(&w.agent, "/admin?lang=en").await;
    assert!(!html.contains("still missing") && !html.contains("with no answer for"));

    let waiting_docs = claim(d, w.pax_id, "AF6", "2025-05-14", "Docs", 60_000);
    let silent_airline = claim(d, w.pax_id, "AF7", "2025-05-15", "Silent", 60_000);
    let (docs_ref, airline_ref) = (waiting_docs.clone(), silent_airline.clone());
    db(d)
        .write_blocking(move |tx| {
            let id: i64 =
                tx.query_row("SELECT id FROM claims WHERE ref = ?1", [&docs_ref], |r| {
                    r.get(0)
                })?;
            tx.execute(
                "INSERT INTO document_requests (claim_id, kinds, requested_at)
                 VALUES (?1, 'boarding_pass', '2020-01-01T00:00:00Z')",
                [id],
            )?;
            tx.execute(
                "UPDATE claims SET status = 'sent_to_airline', updated_at = '2020-01-01T00:00:00Z'
                 WHERE ref = ?1",
                [&airline_ref],
            )?;
            Ok(())
        })
        .unwrap();
    let (status, html) = page(&w.agent, "/admin?lang=en").await;
    assert_eq!(status, Status::Ok);
    assert!(
        html.contains("1 claims with documents requested more than 7 days ago and still missing"),
        "{html}"
    );
    assert!(
        html.contains("1 claims sent to the airline with no answer for more than 6 weeks"),
        "{html}"
    );
    // Each item opens exactly its claims.
    let both = [&silent_airline, &waiting_docs];
    for (link, claims) in [
        (
            "/admin/claims?status=sent_to_airline&amp;days_in_status=42&amp;sort=oldest",
            &both[..1],
        ),
        (
            "/admin/claims?documents_waiting=7&amp;sort=oldest",
            &both[1..],
        ),
        // The airline's reply and the documents reminder are both overdue.
        ("/admin/claims?deadline=passed&amp;sort=oldest", &both[..]),
    ] {
        assert!(html.contains(link), "{link}");
        let (_, queue) = page(&w.agent, &link.replace("&amp;", "&")).await;
        let rows = queue.matches("data-testid=\"days-in-status\"").count();
        assert_eq!(rows, claims.len(), "{link}");
        assert!(claims.iter().all(|c| queue.contains(c.as_str())), "{link}");
    }
    assert!(html.contains("2 claims with a deadline passed"), "{html}");
}
