//! Helpers for the documents and mandate tests: the wizard up to step 5, multipart bodies,
//! plain GET/POST with the visitor's CSRF token.
#![allow(dead_code)]

use std::fmt::Write as _;

use flightclaim::domain::eligibility::parse_request;
use flightclaim::web::check::token;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

use super::common;

pub const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
const BOUNDARY: &str = "----flightclaim-test-boundary-7MA4YWxk";

/// A minimal one-page PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n\
      2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n\
      3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n\
      trailer <</Root 1 0 R>>\n%%EOF\n"
        .to_vec()
}

/// A 1×1 PNG.
pub fn png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15,
        0xC4, 0x89, 0, 0, 0, 13, b'I', b'D', b'A', b'T', 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1,
        0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
    ]);
    png
}

/// A minimal JPEG (SOI, APP0/JFIF, EOI).
pub fn jpeg() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    jpeg.extend_from_slice(b"JFIF\0");
    jpeg.extend_from_slice(&[1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9]);
    jpeg
}

fn check_token() -> String {
    let json = br#"{"legs":[{"flight_number":"AF6","from_iata":"CDG","to_iata":"JFK",
        "scheduled_departure_local":"2025-05-14T10:30","scheduled_arrival_local":"2025-05-14T12:55"}],
        "disruption":{"type":"delay","arrival_delay_minutes":240,"reason":"technical"}}"#;
    token::encode(&parse_request(json).unwrap())
}

pub async fn get(client: &Client, uri: &str) -> (Status, String, Option<String>) {
    let res = client.get(uri.to_string()).dispatch().await;
    let location = res.headers().get_one("Location").map(str::to_string);
    (
        res.status(),
        res.into_string().await.unwrap_or_default(),
        location,
    )
}

pub async fn csrf(client: &Client) -> String {
    let (_, html, _) = get(client, "/check").await;
    common::csrf_from(&html)
}

pub async fn post<'c>(client: &'c Client, uri: &str, fields: &[(&str, &str)]) -> LocalResponse<'c> {
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

pub fn location(res: &LocalResponse<'_>) -> String {
    res.headers().get_one("Location").unwrap_or("").to_string()
}

/// A `multipart/form-data` body with text fields and one file part.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (ContentType, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let ct = ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY));
    (ct, body)
}

/// Uploads `bytes` as `filename` (kind, passenger) to `action` with the visitor's CSRF token,
/// in the hidden field and in the action's query string (as the page's form does).
pub async fn upload<'c>(
    client: &'c Client,
    action: &str,
    kind: &str,
    passenger: &str,
    file: Option<(&str, &[u8])>,
) -> LocalResponse<'c> {
    let token = csrf(client).await;
    let (ct, body) = multipart(
        &[
            ("csrf_token", &token),
            ("kind", kind),
            ("passenger", passenger),
        ],
        file,
    );
    let sep = if action.contains('?') { '&' } else { '?' };
    client
        .post(format!("{action}{sep}csrf_token={}", common::enc(&token)))
        .header(ct)
        .body(body)
        .dispatch()
        .await
}

/// Steps 1–4 with the given passengers `(first, last, minor)`; the draft is then at step 5.
pub async fn to_documents(client: &Client, email: &str, passengers: &[(&str, &str, bool)]) {
    let (_, _, loc) = get(client, &format!("/claims/new?from_check={}", check_token())).await;
    assert_eq!(loc.as_deref(), Some("/claims/new/flights"));
    let flights = [
        ("action", "next"),
        ("legs[0].flight", "af 006"),
        ("legs[0].date", "2025-05-14"),
        ("legs[0].from", "CDG"),
        ("legs[0].to", "JFK"),
        ("legs[0].dep_time", "10:30"),
        ("legs[0].arr_time", "12:55"),
    ];
    assert_eq!(
        location(&post(client, "/claims/new/flights", &flights).await),
        "/claims/new/disruption"
    );
    let what = [("step", "what"), ("action", "next"), ("what", "delay")];
    post(client, "/claims/new/disruption", &what).await;
    let details = [
        ("step", "details"),
        ("action", "next"),
        ("delay_h", "4"),
        ("delay_m", "0"),
        ("reason", "technical"),
    ];
    assert_eq!(
        location(&post(client, "/claims/new/disruption", &details).await),
        "/claims/new/result"
    );
    assert_eq!(
        location(&post(client, "/claims/new/result", &[]).await),
        "/claims/new/passengers"
    );
    let mut fields: Vec<(String, String)> = vec![
        ("action".into(), "next".into()),
        ("booking_ref".into(), "k7qx2m".into()),
        ("email".into(), email.into()),
    ];
    for (i, (first, last, minor)) in passengers.iter().enumerate() {
        fields.push((format!("passengers[{i}].first_name"), (*first).into()));
        fields.push((format!("passengers[{i}].last_name"), (*last).into()));
        if *minor {
            fields.push((format!("passengers[{i}].is_minor"), "true".into()));
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let answer = post(client, "/claims/new/passengers", &refs).await;
    assert_eq!(location(&answer), "/claims/new/documents");
}

/// Signs every adult's mandate (step 6) with their names.
pub async fn sign_all<'c>(client: &'c Client, adults: &[(usize, &str)]) -> LocalResponse<'c> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, name) in adults {
        fields.push((format!("signers[{i}].position"), i.to_string()));
        fields.push((format!("signers[{i}].name"), (*name).to_string()));
        fields.push((format!("signers[{i}].consent"), "true".into()));
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(client, "/claims/new/mandate", &refs).await
}

/// From step 6 to the submitted claim; returns its reference.
pub async fn sign_and_submit(client: &Client, adults: &[(usize, &str)]) -> String {
    let res = sign_all(client, adults).await;
    assert_eq!(location(&res), "/claims/new/payout");
    let res = post(
        client,
        "/claims/new/payout",
        &[("iban", IBAN), ("holder", adults[0].1)],
    )
    .await;
    assert_eq!(location(&res), "/claims/new/review");
    let res = post(client, "/claims/new/review", &[]).await;
    let loc = location(&res);
    assert!(loc.starts_with("/claims/FC-"), "{loc}");
    loc.trim_start_matches("/claims/").to_string()
}

pub fn db(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("flightclaim.sqlite3")).unwrap()
}

pub fn count(dir: &std::path::Path, sql: &str) -> i64 {
    db(dir).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Signs in the account made by a claim filed while signed out ([`common::confirm_claim_account`]).
pub async fn confirm_by_email(client: &Client, dir: &std::path::Path, email: &str) {
    common::confirm_claim_account(client, dir, email).await;
}
