//! `/admin/airlines` and `/admin/airlines/<IATA>`: what an agent reads about an airline after
//! real status changes (approval and rejection rates, reasons, escalations counted from the
//! status history, money outstanding), who may read it, and bad codes.

use crate::support;

use rocket::http::Status;
use support::{claim, db, page, post, world};

async fn step(w: &support::World, r: &str, fields: &[(&str, &str)]) {
    let detail = format!("/admin/claims/{r}");
    let (s, _, body) = post(&w.agent, &detail, &format!("{detail}/status"), fields).await;
    assert_eq!(s, Status::SeeOther, "{fields:?}: {body}");
}

#[rocket::async_test]
async fn an_airline_in_figures() {
    let w = world().await;
    let dir = w.dir.path();
    let won = claim(dir, w.pax_id, "AF6", "2025-05-14", "Martin", 60_000);
    let lost = claim(dir, w.pax_id, "AF8", "2025-05-15", "Durand", 60_000);
    let other = claim(dir, w.pax_id, "BA304", "2025-05-16", "Petit", 25_000);
    for r in [&won, &lost, &other] {
        step(&w, r, &[("transition", "start_review")]).await;
        step(&w, r, &[("transition", "send_to_airline")]).await;
    }
    step(&w, &won, &[("transition", "approve"), ("amount", "600")]).await;
    step(
        &w,
        &lost,
        &[
            ("transition", "reject"),
            ("reason", "extraordinary_circumstances"),
        ],
    )
    .await;
    // A stage the escalation work adds (any status off the ordinary path counts).
    let key = lost.clone();
    db(dir)
        .write_blocking(move |tx| {
            tx.execute(
                "INSERT INTO claim_events (claim_id, at, kind, from_status, to_status)
                 SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+1 day'), 'status',
                        'rejected', 'neb_complaint' FROM claims WHERE ref = ?1",
                [&key],
            )?;
            Ok(())
        })
        .unwrap();

    let (s, html) = page(&w.agent, "/admin/airlines?lang=en").await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains(r#"href="/admin/airlines/AF""#), "{html}");
    assert!(html.contains(r#"href="/admin/airlines/BA""#));
    assert!(html.contains("Air France"));
    assert!(html.contains("50\u{a0}%"), "AF: one approved, one rejected");
    assert!(html.contains("€600.00"), "what AF still owes");

    let (s, html) = page(&w.agent, "/admin/airlines/af?lang=en").await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains("Airline AF"));
    assert!(html.contains("Extraordinary circumstances") || html.contains("extraordinary"));
    assert!(html.contains("Escalations still open"));
    assert!(html.contains("€600.00"));
    assert!(!html.contains("BA304"));

    let (_, html) = page(&w.agent, "/admin/airlines/AF?lang=fr").await;
    assert!(html.contains("Compagnie AF") && html.contains("600,00"));

    let (_, html) = page(&w.agent, &format!("/admin/claims/{won}")).await;
    assert!(
        html.contains(r#"href="/admin/airlines/AF""#),
        "claim page links its airline"
    );
    let (_, html) = page(&w.agent, "/admin").await;
    assert!(html.contains(r#"href="/admin/airlines""#), "dashboard nav");
}

#[rocket::async_test]
async fn who_may_read_and_bad_codes() {
    let w = world().await;
    claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    for path in ["/admin/airlines", "/admin/airlines/AF"] {
        assert_eq!(page(&w.anonymous, path).await.0, Status::SeeOther, "{path}");
        let (s, body) = page(&w.passenger, path).await;
        assert_eq!(s, Status::SeeOther, "{path}");
        assert!(!body.contains("Air France"));
        assert_eq!(page(&w.admin, path).await.0, Status::Ok, "{path}");
    }
    assert_eq!(
        page(&w.agent, "/admin/airlines/BA").await.0,
        Status::Ok,
        "a known airline without claims"
    );
    for bad in ["ZZ", "AFR", "12", "%3Cb%3E", "..%2F", "A"] {
        let (s, body) = page(&w.agent, &format!("/admin/airlines/{bad}?lang=en")).await;
        assert_eq!(s, Status::NotFound, "{bad}");
        assert!(
            body.contains("lang=\"en\""),
            "translated error page for {bad}"
        );
    }
}
