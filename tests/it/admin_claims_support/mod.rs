//! Shared fixtures of `tests/it/admin_claims.rs` and `tests/it/admin_claims_queue.rs`: staff and
//! passenger accounts, claims inserted through the repository, signed-in clients.
#![allow(dead_code)]

use std::fmt::Write as _;

use flightclaim::db::Db;
use flightclaim::db::claims::{self, ClaimPassenger, NewClaim};
use flightclaim::domain::eligibility::{evaluate, parse_request};
use flightclaim::refdata::RefData;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

use super::common;

pub const PASSWORD: &str = "staff passphrase for tests 1";
pub const IBAN: &str = "FR7630006000011234567890189";

pub fn db(dir: &std::path::Path) -> Db {
    Db::open(&dir.join("flightclaim.sqlite3")).unwrap()
}

/// An account with a role, as `create-admin` would make it; returns its id.
pub fn seed(dir: &std::path::Path, email: &str, role: &str, locale: &str) -> i64 {
    let hash = flightclaim::accounts::password::hash(PASSWORD).unwrap();
    let (email, role, locale) = (email.to_string(), role.to_string(), locale.to_string());
    db(dir)
        .write_blocking(move |tx| {
            let id = flightclaim::db::users::insert_passenger(tx, &email, "", &hash, &locale)?;
            flightclaim::db::users::mark_verified(tx, id)?;
            tx.execute("UPDATE users SET role = ?1 WHERE id = ?2", (&role, id))?;
            Ok(id)
        })
        .unwrap()
}

/// A submitted claim straight through the repository, with a real engine request and answer.
pub fn claim(
    dir: &std::path::Path,
    user: i64,
    flight: &str,
    date: &str,
    last: &str,
    cents: i64,
) -> String {
    let json = format!(
        r#"{{"legs":[{{"flight_number":"{flight}","from_iata":"CDG","to_iata":"JFK",
        "scheduled_departure_local":"{date}T10:30","scheduled_arrival_local":"{date}T12:55"}}],
        "disruption":{{"type":"delay","arrival_delay_minutes":240,"reason":"technical"}}}}"#
    );
    let req = parse_request(json.as_bytes()).unwrap();
    let resp = evaluate(
        &req,
        RefData::embedded(),
        "en",
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let new = NewClaim {
        user_id: user,
        request_json: serde_json::to_string(&req).unwrap(),
        result_json: serde_json::to_string(&resp).unwrap(),
        amount_cents: cents,
        currency: "EUR".into(),
        regime: "EU261".into(),
        reason_code: "ELIGIBLE_DELAY".into(),
        operating_carrier: flight[..2].to_string(),
        flight_number: flight.into(),
        flight_date: date.into(),
        route: "CDG → JFK".into(),
        booking_ref: "K7QX2M".into(),
        fee_percent: 25,
        payout_iban: IBAN.into(),
        payout_holder: "Jeanne Martin".into(),
        lead_name_key: format!("jeanne{}", last.to_lowercase()),
    };
    let passengers = vec![ClaimPassenger {
        first_name: "Jeanne".into(),
        last_name: last.into(),
        birth_date: None,
        is_minor: false,
        email: Some("jeanne@example.com".into()),
        phone: None,
    }];
    db(dir)
        .write_blocking(move |tx| {
            claims::insert(tx, &new, &passengers)
                .map(|(_, r)| r.to_string())
                .map_err(|_| flightclaim::db::DbError::Conflict("insert".into()))
        })
        .unwrap()
}

pub async fn sign_in(dir: &std::path::Path, page: &str, email: &str) -> Client {
    let client = Client::tracked(flightclaim::app::build(common::test_config(dir, "")).unwrap())
        .await
        .unwrap();
    let status = common::submit(
        &client,
        page,
        page,
        &[("email", email), ("password", PASSWORD)],
    )
    .await
    .status();
    assert_eq!(status, Status::SeeOther, "{email} signs in at {page}");
    client
}

pub async fn page(client: &Client, uri: &str) -> (Status, String) {
    let res = client.get(uri.to_string()).dispatch().await;
    (res.status(), res.into_string().await.unwrap_or_default())
}

/// POSTs a form with the CSRF token of `from`.
pub async fn post(
    client: &Client,
    from: &str,
    uri: &str,
    fields: &[(&str, &str)],
) -> (Status, Option<String>, String) {
    let (_, html) = page(client, from).await;
    let mut body = format!("csrf_token={}", common::enc(&common::csrf_from(&html)));
    for (k, v) in fields {
        let _ = write!(body, "&{k}={}", common::enc(v));
    }
    let res = client
        .post(uri.to_string())
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    let location = res.headers().get_one("Location").map(str::to_string);
    (
        res.status(),
        location,
        res.into_string().await.unwrap_or_default(),
    )
}

pub struct World {
    pub dir: tempfile::TempDir,
    pub anonymous: Client,
    pub passenger: Client,
    pub agent: Client,
    pub admin: Client,
    pub pax_id: i64,
    pub agent_id: i64,
}

pub async fn world() -> World {
    let (anonymous, dir) = common::client().await;
    let pax_id = seed(dir.path(), "pax@example.com", "passenger", "en");
    let agent_id = seed(dir.path(), "agent@example.com", "agent", "fr");
    seed(dir.path(), "boss@example.com", "admin", "fr");
    let passenger = sign_in(dir.path(), "/login", "pax@example.com").await;
    let agent = sign_in(dir.path(), "/admin/login", "agent@example.com").await;
    let admin = sign_in(dir.path(), "/admin/login", "boss@example.com").await;
    World {
        dir,
        anonymous,
        passenger,
        agent,
        admin,
        pax_id,
        agent_id,
    }
}

pub fn count(dir: &std::path::Path, sql: &str) -> i64 {
    let sql = sql.to_string();
    db(dir)
        .read_blocking(move |c| Ok(c.query_row(&sql, [], |r| r.get(0))?))
        .unwrap()
}

pub fn text(dir: &std::path::Path, sql: &str) -> Vec<String> {
    let sql = sql.to_string();
    db(dir)
        .read_blocking(move |c| {
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}
