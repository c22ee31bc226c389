//! `demo-data` through the real binary, then the overview and analytics pages over that data:
//! who may open them, what they show, and hostile range values.

#![allow(clippy::too_many_lines)] // journeys read top to bottom

use crate::common;

use std::process::Command;

use rocket::http::Status;
use rocket::local::asynchronous::Client;

const PASSWORD: &str = "staff passphrase for tests 1";

fn seed(dir: &std::path::Path, email: &str, role: &str) {
    let db = flightclaim::db::Db::open(&dir.join("flightclaim.sqlite3")).unwrap();
    flightclaim::db::migrate::run(&db).unwrap();
    let hash = flightclaim::accounts::password::hash(PASSWORD).unwrap();
    let (email, role) = (email.to_string(), role.to_string());
    db.write_blocking(move |tx| {
        flightclaim::db::users::upsert_admin(tx, &email, &hash)?;
        tx.execute(
            "UPDATE users SET role = ?1 WHERE email = ?2",
            [&role, &email],
        )?;
        Ok(())
    })
    .unwrap();
}

fn demo_data(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_flightclaim"))
        .arg("demo-data")
        .args(args)
        .env("FLIGHTCLAIM_DATA_DIR", dir)
        .env("FLIGHTCLAIM_LOG_TO_FILE", "false")
        .output()
        .expect("binary runs")
}

async fn staff_client(dir: &std::path::Path, email: &str) -> Client {
    let client = Client::tracked(flightclaim::app::build(common::test_config(dir, "")).unwrap())
        .await
        .unwrap();
    let status = common::submit(
        &client,
        "/admin/login",
        "/admin/login",
        &[("email", email), ("password", PASSWORD)],
    )
    .await
    .status();
    assert_eq!(status, Status::SeeOther, "{email} signs in");
    client
}

#[rocket::async_test]
async fn demo_data_fills_the_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo_data(dir.path(), &["--claims", "400", "--seed", "5"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("400 claims"), "{text}");
    // Demo data on demo data is fine; staff accounts are not "real data" either.
    seed(dir.path(), "boss@example.com", "admin");
    seed(dir.path(), "agent@example.com", "agent");
    let out = demo_data(dir.path(), &["--claims", "100"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let db = flightclaim::db::Db::open(&dir.path().join("flightclaim.sqlite3")).unwrap();
    let (claims, events, passengers, statuses): (i64, i64, i64, i64) = db
        .read_blocking(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM claim_events),
                        (SELECT count(*) FROM claim_passengers),
                        (SELECT count(DISTINCT status) FROM claims)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .unwrap();
    assert_eq!(claims, 500);
    assert!(events > claims * 2, "{events} events");
    assert!(passengers >= claims);
    assert!(statuses >= 6, "{statuses} statuses");
    // Every claim that was paid has its money in the ledger (no "paid" without its rows).
    let (paid, unbacked, payouts): (i64, i64, i64) = db
        .read_blocking(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(DISTINCT claim_id) FROM claim_events WHERE to_status = 'paid'),
                        (SELECT count(*) FROM claims c WHERE EXISTS (SELECT 1 FROM claim_events e
                            WHERE e.claim_id = c.id AND e.to_status = 'paid')
                          AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.claim_id = c.id
                            AND l.kind = 'payout_to_passenger')),
                        (SELECT count(*) FROM ledger WHERE kind = 'payout_to_passenger')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert!(paid > 0, "some demo claims are paid");
    assert_eq!(unbacked, 0, "every paid claim has a payout row");
    assert_eq!(payouts, paid);
    let (documents, kinds): (i64, i64) = db
        .read_blocking(|c| {
            Ok(c.query_row(
                "SELECT count(*), count(DISTINCT kind) FROM documents WHERE claim_id IS NOT NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert!(
        documents > claims && kinds == 3,
        "{documents} documents of {kinds} kinds"
    );
    // Every stored result is the engine's JSON and parses.
    let result: String = db
        .read_blocking(|c| {
            Ok(c.query_row("SELECT result_json FROM claims LIMIT 1", [], |r| r.get(0))?)
        })
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&result).unwrap();
    assert_eq!(v["eligible"], true);

    // A real passenger: demo-data now refuses, unless --force.
    seed(dir.path(), "real.person@example.com", "passenger");
    let out = demo_data(dir.path(), &["--claims", "10"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let out = demo_data(dir.path(), &["--claims", "10", "--force"]);
    assert!(out.status.success());

    let admin = staff_client(dir.path(), "boss@example.com").await;
    let res = admin.get("/admin").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    let body = res.into_string().await.unwrap();
    assert!(body.contains("510"), "total claims shown");
    assert!(body.contains("Dossiers par statut"));

    let res = admin
        .get("/admin/analytics?from=2020-01-01&to=2030-12-31")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::BadRequest, "more than three years");
    let res = admin.get("/admin/analytics").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    let body = res.into_string().await.unwrap();
    assert_eq!(body.matches("<svg").count(), 6, "six charts");
    assert_eq!(body.matches("role=\"img\"").count(), 6);
    assert_eq!(
        body.matches("<table").count(),
        6,
        "each chart has its table"
    );
    assert!(body.contains("aria-labelledby=\"chart-weekly-title chart-weekly-desc\""));
    assert!(!body.contains("style="), "no inline style (CSP)");
    assert!(
        body.contains("Ryanair") || body.contains("(FR)"),
        "airline names"
    );
}

#[rocket::async_test]
async fn analytics_by_role_and_hostile_ranges() {
    let (anonymous, dir) = common::client().await;
    seed(dir.path(), "agent@example.com", "agent");
    seed(dir.path(), "boss@example.com", "admin");
    let agent = staff_client(dir.path(), "agent@example.com").await;
    let admin = staff_client(dir.path(), "boss@example.com").await;
    for path in ["/admin", "/admin/analytics", "/admin/profile"] {
        assert_eq!(
            anonymous.get(path).dispatch().await.status(),
            Status::SeeOther,
            "{path}"
        );
        assert_eq!(
            agent.get(path).dispatch().await.status(),
            Status::Ok,
            "{path}"
        );
        assert_eq!(
            admin.get(path).dispatch().await.status(),
            Status::Ok,
            "{path}"
        );
    }
    // Empty database: charts still render.
    let body = agent
        .get("/admin/analytics")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert_eq!(body.matches("<svg").count(), 6);

    let hostile = [
        "from=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "from=2026-02-30",
        "to=99999999999999999999",
        "from=-1&to=-5",
        "from=2026-05-01&to=2026-01-01",
        "from=%27%20OR%201%3D1%20--",
        "from=2026-01-01&from=2026-02-01",
        "to=%00",
        "from=0001-01-01",
    ];
    for q in hostile {
        let res = agent.get(format!("/admin/analytics?{q}")).dispatch().await;
        let status = res.status();
        assert!(status.code < 500, "{q}: {status}");
        let body = res.into_string().await.unwrap_or_default();
        assert!(!body.contains("<script>alert"), "{q}: echoed unescaped");
        if status == Status::BadRequest {
            assert!(body.contains("role=\"alert\""), "{q}: message shown");
        }
    }
    let res = agent
        .get("/admin/analytics?from=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::BadRequest);
    let body = res.into_string().await.unwrap();
    assert!(
        body.contains("&lt;script&gt;alert(1)"),
        "the bad value is echoed, escaped"
    );
    assert!(body.contains("AAAA-MM-JJ"), "translated message (fr)");
}
