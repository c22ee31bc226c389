//! A status change on a queue selection of 50 claims: those the state machine allows move
//! (status, timeline, audit and the passenger's email each), the others are listed by
//! reference with the reason, and nothing of theirs changes.

use crate::support;

use rocket::http::Status;
use support::{claim, count, db, post, world};

fn claims(w: &support::World, n: usize) -> Vec<String> {
    let mut refs = Vec::new();
    for i in 0..n {
        let date = format!("2025-05-{:02}", i % 28 + 1);
        refs.push(claim(
            w.dir.path(),
            w.pax_id,
            &format!("AF{}", 100 + i),
            &date,
            "Martin",
            60_000,
        ));
    }
    refs
}

#[rocket::async_test]
async fn fifty_claims_some_refused() {
    let w = world().await;
    let dir = w.dir.path();
    let refs = claims(&w, 50);
    // Ten claims are already closed: "start review" is not allowed from there.
    let closed: Vec<String> = refs.iter().step_by(5).cloned().collect();
    let list = closed
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(",");
    db(dir)
        .write_blocking(move |tx| {
            Ok(tx.execute(
                &format!("UPDATE claims SET status = 'closed' WHERE ref IN ({list})"),
                [],
            )?)
        })
        .unwrap();
    let mails_before = count(dir, "SELECT count(*) FROM outbox");
    let mut fields: Vec<(&str, &str)> = refs.iter().map(|r| ("claims", r.as_str())).collect();
    fields.push(("transition", "start_review"));
    fields.push(("return_to", "/admin/claims?status=submitted"));
    fields.push(("claims", "FC-ZZZZZZ"));
    let (s, _, html) = post(
        &w.agent,
        "/admin/claims?lang=en",
        "/admin/claims/status",
        &fields,
    )
    .await;
    assert_eq!(s, Status::Ok, "{html}");
    assert!(html.contains("40 claim(s) moved"), "{html}");
    assert!(html.contains("11 claim(s) could not move"));
    for r in &closed {
        assert!(
            html.contains(&format!(r#"href="/admin/claims/{r}""#)),
            "{r} reported"
        );
    }
    assert!(html.contains("FC-ZZZZZZ") && html.contains("no such claim"));
    assert!(
        html.contains("cannot") || html.contains("not"),
        "the reason is given"
    );
    assert!(html.contains(r#"href="/admin/claims?status=submitted""#));
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM claims WHERE status = 'in_review'"
        ),
        40
    );
    assert_eq!(
        count(dir, "SELECT count(*) FROM claims WHERE status = 'closed'"),
        10
    );
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM claim_events WHERE kind = 'status' AND to_status = 'in_review'"
        ),
        40
    );
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM audit_log WHERE action = 'claim.status'"
        ),
        40
    );
    assert_eq!(
        count(dir, "SELECT count(*) FROM outbox") - mails_before,
        40,
        "one email per moved claim"
    );
}

#[rocket::async_test]
async fn what_a_selection_cannot_do() {
    let w = world().await;
    let dir = w.dir.path();
    let refs = claims(&w, 3);
    // Rejecting needs a reason: every claim is refused and none moves.
    let picked = [
        ("claims", refs[1].as_str()),
        ("claims", refs[2].as_str()),
        ("transition", "reject"),
    ];
    let (s, _, html) = post(
        &w.agent,
        "/admin/claims?lang=en",
        "/admin/claims/status",
        &picked,
    )
    .await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains("0 claim(s) moved") && html.contains("2 claim(s) could not move"));
    assert_eq!(
        count(dir, "SELECT count(*) FROM claims WHERE status = 'rejected'"),
        0
    );

    let bad = [("claims", refs[1].as_str()), ("transition", "approve")];
    let (s, _, _) = post(&w.agent, "/admin/claims", "/admin/claims/status", &bad).await;
    assert_eq!(s, Status::BadRequest, "approving needs each claim's amount");
    let (s, _, _) = post(&w.passenger, "/account", "/admin/claims/status", &picked).await;
    assert_ne!(s, Status::Ok, "passengers cannot");
    assert_eq!(
        count(dir, "SELECT count(*) FROM claims WHERE status = 'rejected'"),
        0
    );
}
