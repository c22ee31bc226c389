//! The staff claim queue: filters and search (hostile values included), keyset pages that
//! return every claim once, bulk assignment and the CSV export.
#![allow(clippy::too_many_lines)]

use crate::support;

use std::collections::HashSet;
use std::fmt::Write as _;

use rocket::http::{ContentType, Status};
use support::{claim, count, db, page, post, world};

#[rocket::async_test]
async fn assignment_single_and_bulk() {
    let w = world().await;
    let a = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    let b = claim(
        w.dir.path(),
        w.pax_id,
        "BA304",
        "2025-05-15",
        "Durand",
        40_000,
    );
    let (s, location, _) = post(
        &w.agent,
        "/admin/claims",
        "/admin/claims/assign",
        &[
            ("claims", &a),
            ("claims", &b),
            ("claims", "junk"),
            ("assignee", "me"),
            ("return_to", "/admin/claims?status=submitted"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/admin/claims?status=submitted"));
    assert_eq!(
        count(
            w.dir.path(),
            &format!(
                "SELECT count(*) FROM claims WHERE assignee_id = {}",
                w.agent_id
            )
        ),
        2
    );
    assert_eq!(
        count(
            w.dir.path(),
            "SELECT count(*) FROM audit_log WHERE action = 'claim.assign' AND before = 'none'"
        ),
        2
    );
    let (_, html) = page(&w.agent, "/admin/claims?assignee=mine").await;
    assert!(html.contains(&a) && html.contains(&b));
    let (_, html) = page(&w.agent, "/admin/claims?assignee=unassigned").await;
    assert!(!html.contains(&a));
    let (s, _, _) = post(
        &w.admin,
        &format!("/admin/claims/{a}"),
        &format!("/admin/claims/{a}/assign"),
        &[("assignee", "none")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (s, _, _) = post(
        &w.admin,
        &format!("/admin/claims/{a}"),
        &format!("/admin/claims/{a}/assign"),
        &[("assignee", &w.pax_id.to_string())],
    )
    .await;
    assert_eq!(s, Status::NotFound, "a passenger cannot be given a claim");
    let (s, location, _) = post(
        &w.agent,
        "/admin/claims",
        "/admin/claims/assign",
        &[
            ("claims", &a),
            ("assignee", "me"),
            ("return_to", "https://evil.example/"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/admin/claims"));
}

#[rocket::async_test]
async fn filters_search_and_hostile_values() {
    let w = world().await;
    let a = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    let b = claim(
        w.dir.path(),
        w.pax_id,
        "BA304",
        "2025-06-20",
        "O'Brien",
        25_000,
    );
    let cases: [(&str, &[&String], &[&String]); 9] = [
        ("airline=af", &[&a], &[&b]),
        ("airline=BA&status=submitted", &[&b], &[&a]),
        ("q=o%27brien", &[&b], &[&a]),
        ("q=ba%20304", &[&b], &[&a]),
        ("q=pax%40example", &[&a, &b], &[]),
        ("min_amount=300", &[&a], &[&b]),
        ("max_amount=300&disruption=delay", &[&b], &[&a]),
        ("from=2025-06-01&to=2025-06-30", &[&b], &[&a]),
        ("status=paid", &[], &[&a, &b]),
    ];
    for (query, present, absent) in cases {
        let (s, html) = page(&w.agent, &format!("/admin/claims?{query}")).await;
        assert_eq!(s, Status::Ok, "{query}");
        for r in present {
            assert!(html.contains(r.as_str()), "{query} finds {r}");
        }
        for r in absent {
            assert!(!html.contains(r.as_str()), "{query} leaves out {r}");
        }
    }
    // The search index follows a changed account email and a corrected passenger name.
    db(w.dir.path())
        .write_blocking(|tx| {
            tx.execute("UPDATE users SET email = 'renamed@example.org' WHERE email = 'pax@example.com'", [])?;
            Ok(tx.execute("UPDATE claim_passengers SET last_name = 'Obrien-Smythe' WHERE last_name = 'O''Brien'", [])?)
        })
        .unwrap();
    let (_, html) = page(&w.agent, "/admin/claims?q=renamed%40example").await;
    assert!(html.contains(&a) && html.contains(&b), "new email found");
    let (_, html) = page(&w.agent, "/admin/claims?q=smythe").await;
    assert!(html.contains(&b) && !html.contains(&a), "new name found");
    let (_, html) = page(&w.agent, &format!("/admin/claims?q={}", a.to_lowercase())).await;
    assert!(html.contains(&a) && !html.contains(&b), "by reference");
    // The start of a reference narrows by the reference index; "FC-" alone and text shorter
    // than three characters filter nothing (the form says so).
    let (_, html) = page(
        &w.agent,
        &format!("/admin/claims?q={}", &a[..6].to_lowercase()),
    )
    .await;
    assert!(html.contains(&a), "reference prefix");
    let other_prefix = if a.as_bytes()[3] == b'2' {
        "FC-3"
    } else {
        "FC-2"
    };
    let (_, html) = page(&w.agent, &format!("/admin/claims?q={other_prefix}")).await;
    assert!(
        !html.contains(&a) || a.starts_with(other_prefix),
        "another prefix leaves it out"
    );
    for q in ["FC-", "ma", "o"] {
        let (s, html) = page(&w.agent, &format!("/admin/claims?q={q}")).await;
        assert_eq!(s, Status::Ok);
        assert!(
            html.contains(&a) && html.contains(&b),
            "{q} filters nothing"
        );
        assert!(html.contains("At least 3 characters") || html.contains("Au moins 3 caractères"));
    }
    // Ranges combined with another sort (index walk with the range checked inside it).
    for query in [
        "min_amount=300&sort=flight_date",
        "from=2025-06-01&to=2025-06-30&sort=amount",
        "date_field=created&from=2000-01-01&sort=amount",
    ] {
        let (s, html) = page(&w.agent, &format!("/admin/claims?{query}")).await;
        assert_eq!(s, Status::Ok, "{query}");
        let expect_a = !query.starts_with("from=2025-06");
        let expect_b = !query.starts_with("min_amount");
        assert_eq!(html.contains(&a), expect_a, "{query}");
        assert_eq!(html.contains(&b), expect_b, "{query}");
    }
    for hostile in [
        "q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "status=%3Cscript%3E",
        "airline=%27%20OR%201%3D1%20--",
        "min_amount=99999999999999999999999&max_amount=-5",
        "from=2025-13-45&to=yesterday",
        "assignee=-1",
        "assignee=999999999999999999999",
        "sort=%3Cscript%3E",
        "disruption=meteor",
        "date_field=%00",
        "q=%25%25%25_",
        "status=%FF&q=%C3%28&airline=%00",
        "q=&q=twice&sort=amount&sort=newest",
        "deadline=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "deadline=passed&deadline=maybe",
        "limitation_within=-5&days_in_status=99999999999999999999999",
        "limitation_within=%3Cscript%3Ealert(1)&documents_waiting=1e9",
        "days_in_status=3660&limitation_within=3660&documents_waiting=0&deadline=passed",
    ] {
        let (s, html) = page(&w.agent, &format!("/admin/claims?{hostile}")).await;
        assert_eq!(s, Status::Ok, "{hostile}");
        assert!(!html.contains("<script>alert"), "{hostile} escaped");
    }
    for cursor in ["zz", "%27", "6e65776573747c7c31", &"ab".repeat(300)] {
        let (s, _) = page(&w.agent, &format!("/admin/claims?cursor={cursor}")).await;
        assert_eq!(s, Status::BadRequest, "cursor {cursor}");
    }
    // A cursor made for another sort is refused too.
    let (s, _) = page(
        &w.agent,
        &format!(
            "/admin/claims?sort=amount&cursor={}",
            hex_cursor("newest|2025-01-01T00:00:00Z|5")
        ),
    )
    .await;
    assert_eq!(s, Status::BadRequest);
}

fn hex_cursor(raw: &str) -> String {
    raw.bytes().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn next_link(html: &str) -> Option<String> {
    let end = html.find("\" rel=\"next\"")?;
    let start = html[..end].rfind("href=\"")? + 6;
    Some(html[start..end].replace("&amp;", "&"))
}

#[rocket::async_test]
async fn keyset_pages_return_every_claim_once() {
    let w = world().await;
    // 120 claims: amounts and flight dates repeat, so the id breaks the ties.
    let mut all = HashSet::new();
    for i in 0..120 {
        let day = 1 + i % 7;
        let r = claim(
            w.dir.path(),
            w.pax_id,
            &format!("AF{}", 100 + i),
            &format!("2025-03-{day:02}"),
            &format!("P{i}"),
            [25_000, 40_000, 60_000][i % 3],
        );
        all.insert(r);
    }
    // Same creation second for many rows.
    db(w.dir.path())
        .write_blocking(|tx| {
            Ok(tx.execute(
                "UPDATE claims SET created_at = '2026-01-01T00:00:00Z' WHERE id % 2 = 0",
                [],
            )?)
        })
        .unwrap();
    for sort in ["newest", "oldest", "amount", "flight_date"] {
        let mut seen = Vec::new();
        let mut uri = Some(format!("/admin/claims?sort={sort}"));
        let mut pages = 0;
        while let Some(u) = uri {
            let (s, html) = page(&w.agent, &u).await;
            assert_eq!(s, Status::Ok, "{u}");
            for r in &all {
                if html.contains(&format!("value=\"{r}\"")) {
                    seen.push(r.clone());
                }
            }
            uri = next_link(&html);
            pages += 1;
            assert!(pages < 10, "pagination ends");
        }
        assert_eq!(pages, 3, "{sort}: 50 + 50 + 20");
        assert_eq!(seen.len(), 120, "{sort}: every claim");
        assert_eq!(
            seen.iter().collect::<HashSet<_>>().len(),
            120,
            "{sort}: once each"
        );
    }
}

#[rocket::async_test]
async fn csv_export_is_escaped_and_follows_the_filter() {
    let w = world().await;
    let a = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "=HYPERLINK(\"http://evil\",\"x\")",
        60_000,
    );
    let b = claim(
        w.dir.path(),
        w.pax_id,
        "BA304",
        "2025-06-20",
        "Smith, Jr",
        25_000,
    );
    let res = w.agent.get("/admin/claims.csv?airline=AF").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::CSV));
    let body = res.into_string().await.unwrap();
    assert!(body.starts_with("\u{feff}reference,status,"), "{body}");
    assert!(body.contains(&a) && !body.contains(&b), "filtered");
    assert!(
        body.contains("\"'Jeanne =HYPERLINK")
            || body.contains("Jeanne =HYPERLINK(\"\"http://evil\"\""),
        "{body}"
    );
    let body = w
        .agent
        .get("/admin/claims.csv?q=smith")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(body.contains("\"Jeanne Smith, Jr\""), "{body}");
    assert_eq!(body.lines().count(), 2);
    // A lead name starting with a formula character gets the quote prefix.
    db(w.dir.path())
        .write_blocking(|tx| {
            Ok(tx.execute("UPDATE claim_passengers SET first_name = '@SUM(A1)'", [])?)
        })
        .unwrap();
    let body = w
        .agent
        .get("/admin/claims.csv")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(body.contains(",\"'@SUM(A1) "), "{body}");
    assert!(!body.contains(",@SUM"), "{body}");
}

#[rocket::async_test]
async fn search_folds_accents_and_finds_booking_references_and_airports() {
    let w = world().await;
    let a = claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Lefèvre",
        60_000,
    );
    let b = claim(
        w.dir.path(),
        w.pax_id,
        "LH8",
        "2025-05-15",
        "Müller",
        40_000,
    );
    let c = claim(
        w.dir.path(),
        w.pax_id,
        "BA9",
        "2025-05-16",
        "Lefevre",
        40_000,
    );
    // Another booking reference and route for `b`, written after the claim: the index follows.
    let changed = b.clone();
    db(w.dir.path())
        .write_blocking(move |tx| {
            Ok(tx.execute(
                "UPDATE claims SET booking_ref = 'ZX9PQR', route = 'MUC → OPO' WHERE ref = ?1",
                [&changed],
            )?)
        })
        .unwrap();
    for (query, hits, misses) in [
        ("Lefevre", vec![&a, &c], vec![&b]),
        ("lefèvre", vec![&a, &c], vec![&b]),
        ("LEFÈVRE", vec![&a, &c], vec![&b]),
        ("Muller", vec![&b], vec![&a, &c]),
        ("müller", vec![&b], vec![&a, &c]),
        ("zx9pqr", vec![&b], vec![&a, &c]),
        ("OPO", vec![&b], vec![&a, &c]),
        ("cdg", vec![&a, &c], vec![&b]),
    ] {
        let (status, html) = page(&w.agent, &format!("/admin/claims?q={}", urlencode(query))).await;
        assert_eq!(status, Status::Ok, "{query}");
        for hit in hits {
            assert!(html.contains(hit.as_str()), "{query} finds {hit}");
        }
        for miss in misses {
            assert!(
                !html.contains(miss.as_str()),
                "{query} does not find {miss}"
            );
        }
    }
    // Combined with a status filter and a sort, as the queue sends it.
    let (_, html) = page(
        &w.agent,
        "/admin/claims?q=Lefevre&status=submitted&sort=amount",
    )
    .await;
    assert!(html.contains(&a) && html.contains(&c) && !html.contains(&b));
}

fn urlencode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
