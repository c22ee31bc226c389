//! Assignment on the dashboard: the claim page does not preselect "me" for an unassigned
//! claim, the overview shows each agent's workload with grouped numbers and dates as dates,
//! a disabled agent's open claims are released (audited), and automatic assignment of new
//! claims (least loaded, round robin).

use crate::support;

use flightclaim::services::assignment::{AutoAssign, auto_assign};
use rocket::http::Status;
use support::{claim, count, db, page, post, seed, world};

#[rocket::async_test]
async fn assign_box_workload_and_disabling() {
    let w = world().await;
    let dir = w.dir.path();
    let first = claim(dir, w.pax_id, "AF6", "2025-05-14", "Martin", 60_000);
    let second = claim(dir, w.pax_id, "AF8", "2025-05-14", "Durand", 60_000);
    let done = claim(dir, w.pax_id, "AF10", "2025-05-14", "Petit", 60_000);

    let (_, html) = page(&w.agent, &format!("/admin/claims/{first}")).await;
    assert!(
        html.contains(r#"<option value="none" selected>"#),
        "an unassigned claim shows nobody, not me"
    );
    let (s, _, _) = post(
        &w.agent,
        "/admin/claims",
        "/admin/claims/assign",
        &[
            ("claims", &first),
            ("claims", &second),
            ("claims", &done),
            ("assignee", "me"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let paid = done.clone();
    db(dir)
        .write_blocking(move |tx| {
            Ok(tx.execute("UPDATE claims SET status = 'paid' WHERE ref = ?1", [&paid])?)
        })
        .unwrap();
    let (_, html) = page(&w.agent, &format!("/admin/claims/{first}")).await;
    assert!(!html.contains(r#"<option value="none" selected>"#));

    let (_, html) = page(&w.admin, "/admin?lang=en").await;
    assert!(html.contains(r#"data-testid="workload""#), "{html}");
    let row = html
        .split("agent@example.com")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_default()
        .to_string();
    assert!(
        row.contains("<td>2</td>"),
        "two open claims (the paid one is done): {row}"
    );

    let (_, user) = page(&w.admin, "/admin/users?q=agent").await;
    assert!(user.contains("agent@example.com"));
    let detail = format!("/admin/users/{}", w.agent_id);
    let (s, _, _) = post(
        &w.admin,
        &detail,
        &format!("{detail}/disabled"),
        &[("disabled", "true")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(
        count(dir, "SELECT count(*) FROM claims WHERE assignee_id IS NULL"),
        2,
        "open claims released (auto-assign is off)"
    );
    assert_eq!(
        count(
            dir,
            &format!(
                "SELECT count(*) FROM claims WHERE assignee_id = {}",
                w.agent_id
            )
        ),
        1,
        "the paid claim keeps its history"
    );
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM audit_log WHERE action = 'claim.assign' AND after = 'none'"
        ),
        2
    );
}

#[rocket::async_test]
async fn overview_numbers_and_dates_in_the_readers_language() {
    let w = world().await;
    let dir = w.dir.path();
    claim(dir, w.pax_id, "AF6", "2025-05-14", "Martin", 60_000);
    db(dir)
        .write_blocking(|tx| {
            tx.execute_batch(
                "UPDATE claims SET created_at = '2026-01-05T09:30:00Z';
                 INSERT INTO users (email, password_hash, role, locale, created_at, updated_at)
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
                 SELECT 'p' || i || '@example.com', '', 'passenger', 'fr',
                        '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n;",
            )?;
            Ok(())
        })
        .unwrap();
    let (_, html) = page(&w.admin, "/admin?lang=en").await;
    assert!(html.contains("1,201"), "grouped in English: {html}");
    assert!(html.contains("5 Jan 2026"), "a date, not a timestamp");
    let (_, html) = page(&w.admin, "/admin?lang=fr").await;
    assert!(html.contains("1\u{a0}201"), "grouped in French");
    assert!(html.contains("janv. 2026"));
}

#[rocket::async_test]
async fn new_claims_assigned_automatically() {
    let w = world().await;
    let dir = w.dir.path();
    let second = seed(dir, "agent2@example.com", "agent", "en");
    let refs: Vec<String> = (0..4)
        .map(|i| {
            claim(
                dir,
                w.pax_id,
                &format!("AF{}", 20 + i),
                "2025-05-14",
                "Martin",
                60_000,
            )
        })
        .collect();
    let assign = |mode: AutoAssign, r: &str| {
        let r = r.to_string();
        db(dir)
            .write_blocking(move |tx| {
                let id: i64 =
                    tx.query_row("SELECT id FROM claims WHERE ref = ?1", [&r], |x| x.get(0))?;
                auto_assign(tx, mode, id, &r)
            })
            .unwrap()
    };
    assert_eq!(assign(AutoAssign::Off, &refs[0]), None);
    let first = assign(AutoAssign::LeastLoaded, &refs[0]).unwrap();
    let other = assign(AutoAssign::LeastLoaded, &refs[1]).unwrap();
    assert_ne!(first, other, "the least loaded gets the next claim");
    let turn_a = assign(AutoAssign::RoundRobin, &refs[2]).unwrap();
    let turn_b = assign(AutoAssign::RoundRobin, &refs[3]).unwrap();
    assert_ne!(turn_a, turn_b, "in turn");
    assert!([w.agent_id, second].contains(&turn_a) || turn_a > 0);
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM audit_log WHERE action = 'claim.assign' AND actor = 'system (auto-assign)'"
        ),
        4
    );
}
