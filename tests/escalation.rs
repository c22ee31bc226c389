//! Escalation on the staff claim page (issue 16): the pursuit from the letter to court and a
//! reopening, each step audited and emailed to the passenger in their language; the next
//! deadline on the page; the per-claim switch of the automatic chasers.

mod common;
#[path = "admin_claims_support/mod.rs"]
mod support;

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
