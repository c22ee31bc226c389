//! The claim wizard through the real forms: pre-fill from /check, every step's validation,
//! resumption with the cookie, submission (claim + event + outbox), duplicates, the account
//! created at submission, and who may see or withdraw a claim.

use crate::common;

use std::fmt::Write as _;

use flightclaim::domain::eligibility::parse_request;
use flightclaim::web::check::token;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";

fn check_token() -> String {
    let json = br#"{"legs":[{"flight_number":"AF6","from_iata":"CDG","to_iata":"JFK",
        "scheduled_departure_local":"2025-05-14T10:30","scheduled_arrival_local":"2025-05-14T12:55"}],
        "disruption":{"type":"delay","arrival_delay_minutes":240,"reason":"technical"}}"#;
    token::encode(&parse_request(json).unwrap())
}

async fn get(client: &Client, uri: &str) -> (Status, String, Option<String>) {
    let res = client.get(uri.to_string()).dispatch().await;
    let location = res.headers().get_one("Location").map(str::to_string);
    (
        res.status(),
        res.into_string().await.unwrap_or_default(),
        location,
    )
}

async fn csrf(client: &Client) -> String {
    let (_, html, _) = get(client, "/check").await;
    common::csrf_from(&html)
}

async fn post<'c>(client: &'c Client, uri: &str, fields: &[(&str, &str)]) -> LocalResponse<'c> {
    let token = csrf(client).await;
    let mut body = format!("csrf_token={}", common::enc(&token));
    for (k, v) in fields {
        let _ = write!(body, "&{k}={}", common::enc(v));
    }
    client
        .post(uri.to_string())
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await
}

fn location(res: &LocalResponse<'_>) -> String {
    res.headers().get_one("Location").unwrap_or("").to_string()
}

const FLIGHTS: [(&str, &str); 7] = [
    ("action", "next"),
    ("legs[0].flight", "af 006"),
    ("legs[0].date", "2025-05-14"),
    ("legs[0].from", "CDG"),
    ("legs[0].to", "JFK"),
    ("legs[0].dep_time", "10:30"),
    ("legs[0].arr_time", "12:55"),
];

/// Steps 1–3 from /check's answer; the draft is then at "passengers".
async fn through_result(client: &Client) {
    let (status, _, loc) = get(client, &format!("/claims/new?from_check={}", check_token())).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(loc.as_deref(), Some("/claims/new/flights"));
    let (status, page, _) = get(client, "/claims/new/flights").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("AF"), "pre-filled: {page}");
    assert!(page.contains("action=\"/claims/new/flights\""));
    let res = post(client, "/claims/new/flights", &FLIGHTS).await;
    assert_eq!(location(&res), "/claims/new/disruption");
    let res = post(
        client,
        "/claims/new/disruption",
        &[("step", "what"), ("action", "next"), ("what", "delay")],
    )
    .await;
    assert_eq!(location(&res), "/claims/new/disruption");
    let res = post(
        client,
        "/claims/new/disruption",
        &[
            ("step", "details"),
            ("action", "next"),
            ("delay_h", "4"),
            ("delay_m", "0"),
            ("reason", "technical"),
        ],
    )
    .await;
    assert_eq!(
        location(&res),
        "/claims/new/result",
        "{}",
        res.into_string()
            .await
            .unwrap_or_default()
            .split("error-summary-title\">")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(800)
            .collect::<String>()
    );
    let (_, page, _) = get(client, "/claims/new/result").await;
    assert!(page.contains("data-testid=\"amount\""), "{page}");
    let res = post(client, "/claims/new/result", &[]).await;
    assert_eq!(location(&res), "/claims/new/passengers");
}

async fn through_review(client: &Client, email: &str, last_name: &str) {
    through_result(client).await;
    let res = post(
        client,
        "/claims/new/passengers",
        &[
            ("action", "next"),
            ("booking_ref", "k7qx2m"),
            ("passengers[0].first_name", "Marie"),
            ("passengers[0].last_name", last_name),
            ("email", email),
        ],
    )
    .await;
    assert_eq!(location(&res), "/claims/new/documents");
    let res = post(client, "/claims/new/documents/seen", &[]).await;
    assert_eq!(location(&res), "/claims/new/mandate");
    let full_name = format!("Marie {last_name}");
    let res = post(
        client,
        "/claims/new/mandate",
        &[
            ("signers[0].position", "0"),
            ("signers[0].name", &full_name),
            ("signers[0].consent", "true"),
        ],
    )
    .await;
    assert_eq!(location(&res), "/claims/new/payout");
    let (_, page, _) = get(client, "/claims/new/payout?lang=en").await;
    assert!(page.contains("You receive €450 of €600"), "{page}");
    let res = post(
        client,
        "/claims/new/payout",
        &[("iban", IBAN), ("holder", "Marie Curie")],
    )
    .await;
    assert_eq!(location(&res), "/claims/new/review");
    // Back to French (the `lang` cookie stays).
    let _ = get(client, "/claims/new/review?lang=fr").await;
}

fn db(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("flightclaim.sqlite3")).unwrap()
}

#[rocket::async_test]
async fn full_claim_creates_claim_event_mail_and_account() {
    let (client, dir) = common::client().await;
    through_review(&client, "marie@example.com", "Curie").await;
    let (_, review, _) = get(&client, "/claims/new/review").await;
    assert!(
        review.contains("K7QX2M") && review.contains("FR76 3000"),
        "{review}"
    );
    let res = post(&client, "/claims/new/review", &[]).await;
    assert_eq!(res.status(), Status::SeeOther);
    let loc = location(&res);
    assert!(loc.starts_with("/claims/FC-"), "{loc}");
    let claim_ref = loc.trim_start_matches("/claims/").to_string();
    let conn = db(dir.path());
    let (status, amount, fee): (String, i64, i64) = conn
        .query_row(
            "SELECT status, amount_cents, fee_percent FROM claims WHERE ref = ?1",
            [&claim_ref],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), amount, fee), ("submitted", 60_000, 25));
    let events: i64 = conn
        .query_row("SELECT count(*) FROM claim_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 1);
    let mails: Vec<String> = conn
        .prepare("SELECT kind FROM outbox WHERE to_addr = 'marie@example.com' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(mails, ["claim_account", "claim_submitted"]);
    let hash: Option<String> = conn
        .query_row(
            "SELECT password_hash FROM users WHERE email = 'marie@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.is_none(), "account without password");
    let drafts: i64 = conn
        .query_row("SELECT count(*) FROM claim_drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 0);
    // This browser sees the claim it filed, lower-case ref too, but is not signed in to the
    // account made for the address until the emailed link is followed (issue #12).
    let (status, page, _) = get(&client, &loc.to_lowercase()).await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains(&claim_ref) && page.contains("Envoyée"));
    assert_eq!(get(&client, "/account").await.0, Status::SeeOther);
    common::confirm_claim_account(&client, dir.path(), "marie@example.com").await;
    let (_, account, _) = get(&client, "/account").await;
    assert!(account.contains(&format!("/claims/{claim_ref}")));
    // Withdraw: not without ticking the confirmation, then for good.
    let res = post(&client, &format!("/claims/{claim_ref}/withdraw"), &[]).await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_, page, _) = get(&client, &loc).await;
    assert!(page.contains("Cochez la case pour confirmer"), "{page}");
    let still: String = conn
        .query_row(
            "SELECT status FROM claims WHERE ref = ?1",
            [&claim_ref],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(still, "submitted");
    let res = post(
        &client,
        &format!("/claims/{claim_ref}/withdraw"),
        &[("confirm", "true")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let status: String = conn
        .query_row(
            "SELECT status FROM claims WHERE ref = ?1",
            [&claim_ref],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "withdrawn");
}

#[rocket::async_test]
async fn others_get_404_and_cannot_withdraw() {
    let (client, dir) = common::client().await;
    through_review(&client, "owner@example.com", "Owner").await;
    let res = post(&client, "/claims/new/review", &[]).await;
    let loc = location(&res);
    let claim_ref = loc.trim_start_matches("/claims/").to_string();
    // CSRF is required.
    let res = client
        .post(format!("{loc}/withdraw"))
        .header(ContentType::Form)
        .body("csrf_token=nope")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    // Anonymous visitor (another cookie jar on the same database).
    let other =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    // Signed out: sent to sign in (as for any reference); the withdrawal is refused.
    let (status, _, to) = get(&other, &loc).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(
        to.as_deref(),
        Some(format!("/login?next=%2Fclaims%2F{claim_ref}").as_str())
    );
    let res = post(&other, &format!("{loc}/withdraw"), &[("confirm", "true")]).await;
    assert_eq!(res.status(), Status::Unauthorized);
    // Another passenger, signed in.
    let res = post(
        &other,
        "/register",
        &[
            ("name", "Eve"),
            ("email", "eve@example.com"),
            ("password", "violet tandem orbit 93 caramel"),
            ("password_confirm", "violet tandem orbit 93 caramel"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert!(common::confirm_registration(&other, "eve@example.com").await);
    let (status, _, _) = get(&other, &loc).await;
    assert_eq!(status, Status::NotFound);
    let res = post(&other, &format!("{loc}/withdraw"), &[("confirm", "true")]).await;
    assert_eq!(res.status(), Status::NotFound);
    let (status, _, _) = get(&other, "/claims/FC-22222").await;
    assert_eq!(status, Status::NotFound, "malformed ref");
    let conn = db(dir.path());
    let status: String = conn
        .query_row(
            "SELECT status FROM claims WHERE ref = ?1",
            [&claim_ref],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "submitted");
}

#[rocket::async_test]
async fn steps_validate_and_keep_values() {
    let (client, _dir) = common::client().await;
    let (status, _, loc) = get(&client, "/claims/new").await;
    assert_eq!(
        (status, loc.as_deref()),
        (Status::SeeOther, Some("/claims/new/flights"))
    );
    // Cannot skip ahead.
    let (_, _, loc) = get(&client, "/claims/new/payout").await;
    assert_eq!(loc.as_deref(), Some("/claims/new/flights"));
    let res = post(
        &client,
        "/claims/new/flights?lang=en",
        &[("action", "next"), ("legs[0].flight", "<script>x")],
    )
    .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    let page = res.into_string().await.unwrap();
    assert!(page.contains("error-summary"), "{page}");
    assert!(!page.contains("<script>x"), "escaped");
    through_result(&client).await;
    let res = post(
        &client,
        "/claims/new/passengers?lang=en",
        &[
            ("action", "next"),
            ("booking_ref", "12"),
            ("passengers[0].first_name", "<b>Zoé</b>"),
            ("email", "nope"),
        ],
    )
    .await;
    let page = res.into_string().await.unwrap();
    assert!(page.contains("Enter the booking reference"));
    assert!(page.contains("Enter the last name."));
    assert!(page.contains("Enter a valid email address"));
    assert!(page.contains("&lt;b&gt;Zoé&lt;/b&gt;"), "kept and escaped");
    // Add / remove co-passengers without JS.
    let res = post(
        &client,
        "/claims/new/passengers",
        &[("action", "add"), ("passengers[0].first_name", "A")],
    )
    .await;
    let page = res.into_string().await.unwrap();
    assert!(page.contains("passengers[1].first_name"));
    let res = post(
        &client,
        "/claims/new/passengers",
        &[
            ("action", "remove-1"),
            ("passengers[0].first_name", "A"),
            ("passengers[1].first_name", "B"),
        ],
    )
    .await;
    let page = res.into_string().await.unwrap();
    assert!(!page.contains("passengers[1].first_name"));
}

#[rocket::async_test]
async fn iban_is_checked() {
    let (client, _dir) = common::client().await;
    through_review(&client, "iban@example.com", "Iban").await;
    for (iban, msg) in [
        ("FR76 3000 6000 0112 3456 7890 188", "not valid"),
        ("US12 3456", "SEPA"),
        ("FR76 3000", "wrong number"),
    ] {
        let res = post(
            &client,
            "/claims/new/payout?lang=en",
            &[("iban", iban), ("holder", "M")],
        )
        .await;
        assert_eq!(res.status(), Status::Ok);
        let page = res.into_string().await.unwrap();
        assert!(page.contains(msg), "{iban}: {page}");
        assert!(page.contains(&format!("value=\"{iban}\"")));
    }
}

#[rocket::async_test]
async fn draft_resumes_with_the_cookie_and_duplicates_are_caught() {
    let (client, dir) = common::client().await;
    through_result(&client).await;
    // A new request with the same cookie jar resumes at the furthest step.
    let (_, _, loc) = get(&client, "/claims/new").await;
    assert_eq!(loc.as_deref(), Some("/claims/new/passengers"));
    let conn = db(dir.path());
    let n: i64 = conn
        .query_row("SELECT count(*) FROM claim_drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);

    through_review(&client, "dup@example.com", "Dupont").await;
    let res = post(&client, "/claims/new/review", &[]).await;
    assert_eq!(res.status(), Status::SeeOther);
    // Signed in now (with the emailed link): the same flight and lead passenger again.
    common::confirm_claim_account(&client, dir.path(), "dup@example.com").await;
    through_review(&client, "dup@example.com", "DUPONT").await;
    let res = post(&client, "/claims/new/review", &[]).await;
    assert_eq!(res.status(), Status::Ok);
    let page = res.into_string().await.unwrap();
    assert!(page.contains("Une demande existe déjà"), "{page}");
}

/// A refused duplicate creates nothing: before the use-case layer, an anonymous visitor's
/// duplicate committed the passenger account made for it (no claim, but a user row).
#[rocket::async_test]
async fn refused_anonymous_duplicate_creates_no_account() {
    let (client, dir) = common::client().await;
    through_review(&client, "first@example.com", "Dupont").await;
    assert_eq!(
        post(&client, "/claims/new/review", &[]).await.status(),
        Status::SeeOther
    );
    let other =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    through_review(&other, "second@example.com", "Dupont").await;
    let res = post(&other, "/claims/new/review", &[]).await;
    assert_eq!(res.status(), Status::Ok);
    let page = res.into_string().await.unwrap();
    assert!(page.contains("Une demande existe déjà"), "{page}");
    let conn = db(dir.path());
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM users WHERE email = 'second@example.com'"),
        0
    );
    assert_eq!(count("SELECT count(*) FROM claims"), 1);
    assert_eq!(count("SELECT count(*) FROM account_tokens"), 1);
    assert_eq!(count("SELECT count(*) FROM outbox"), 2);
}

#[rocket::async_test]
async fn existing_account_must_sign_in_first() {
    let (client, dir) = common::client().await;
    through_review(&client, "taken@example.com", "Taken").await;
    assert_eq!(
        post(&client, "/claims/new/review", &[]).await.status(),
        Status::SeeOther
    );
    let other =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    through_review(&other, "taken@example.com", "Someone").await;
    let res = post(&other, "/claims/new/review", &[]).await;
    assert_eq!(res.status(), Status::Ok);
    let page = res.into_string().await.unwrap();
    assert!(page.contains("Un compte existe déjà"));
    assert!(page.contains("/login?next=/claims/new/review"));
    let n: i64 = db(dir.path())
        .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}
