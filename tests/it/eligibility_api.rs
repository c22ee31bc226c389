//! `POST /api/v1/eligibility` as outside clients use it: every public sample case over HTTP,
//! JSON errors for every kind of bad input (never a 500), both languages, CORS, rate limit.

use crate::common;

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use serde_json::{Value, json};

const CASES: &str = include_str!("../data/eu261-cases-public.json");
const URI: &str = "/api/v1/eligibility";

async fn post_json<'c>(
    client: &'c Client,
    uri: &str,
    body: impl Into<Vec<u8>>,
) -> LocalResponse<'c> {
    client
        .post(uri.to_string())
        .header(ContentType::JSON)
        .body(body.into())
        .dispatch()
        .await
}

async fn json_of(res: LocalResponse<'_>) -> (Status, Value) {
    let status = res.status();
    assert_eq!(res.content_type(), Some(ContentType::JSON), "{status}");
    (status, res.into_json().await.unwrap_or(Value::Null))
}

/// Numbers compare as numbers (`250` == `250.0`), the rest structurally.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64().unwrap_or(f64::NAN) - y.as_f64().unwrap_or(f64::NAN)).abs() < 1e-9
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn cdg_jfk(delay: i64, reason: &str) -> Value {
    json!({
        "booking": "single",
        "claim_date": "2025-10-15",
        "legs": [{"flight_number": "AF6", "from_iata": "CDG", "to_iata": "JFK",
                  "scheduled_departure_local": "2025-05-14T10:30",
                  "scheduled_arrival_local": "2025-05-14T12:55"}],
        "disruption": {"type": "delay", "arrival_delay_minutes": delay, "reason": reason}
    })
}

#[rocket::async_test]
async fn every_public_case_over_http() {
    // The public file's distances predate the 1 km coordinate cross-check (issue 13): Madrid and
    // Frankfurt routes are up to 2 km longer now, in the same band.
    every_case_over_http(CASES, 2.0).await;
}

/// Issue 13's journey cases (return tickets, carriers, causes, forums, dated data).
#[rocket::async_test]
async fn every_journey_case_over_http() {
    every_case_over_http(include_str!("../data/eu261-cases-journeys.json"), 0.0).await;
}

fn distance_close(key: &str, have: &Value, want: &Value, tolerance_km: f64) -> bool {
    key == "distance_km"
        && (have.as_f64().unwrap_or(f64::NAN) - want.as_f64().unwrap_or(f64::NAN)).abs()
            < tolerance_km
}

async fn every_case_over_http(json: &str, distance_tolerance_km: f64) {
    let (client, _dir) = common::client().await;
    let doc: Value = serde_json::from_str(json).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let res = post_json(&client, URI, case["request"].to_string()).await;
        let (status, got) = json_of(res).await;
        if status != Status::Ok {
            failures.push(format!("{id}: HTTP {status}: {got}"));
            continue;
        }
        for (k, want) in case["expected"].as_object().unwrap() {
            let have = got.get(k).unwrap_or(&Value::Null);
            if !same(have, want) && !distance_close(k, have, want, distance_tolerance_km) {
                failures.push(format!("{id}: {k} expected {want}, got {have}"));
            }
        }
        assert!(
            !got["explanation"].as_str().unwrap_or("").is_empty(),
            "{id}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[rocket::async_test]
async fn a_four_hour_delay_cdg_jfk_is_600_eur_with_all_contract_fields() {
    let (client, _dir) = common::client().await;
    let (status, body) =
        json_of(post_json(&client, URI, cdg_jfk(240, "technical").to_string()).await).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["eligible"], true);
    assert_eq!(body["regime"], "EU261");
    assert_eq!(body["amount"], 600);
    assert_eq!(body["currency"], "EUR");
    assert_eq!(body["reason_code"], "ELIGIBLE_DELAY");
    assert_eq!(body["liable_carrier"], "AF");
    assert!(body["distance_km"].as_f64().unwrap() > 5800.0);
    let weather = json_of(post_json(&client, URI, cdg_jfk(240, "weather").to_string()).await)
        .await
        .1;
    assert_eq!(weather["eligible"], false);
    assert_eq!(weather["amount"], 0);
    assert_eq!(weather["currency"], Value::Null);
    assert_eq!(weather["regime"], "none");
    assert_eq!(weather["reason_code"], "EXTRAORDINARY_CIRCUMSTANCES");
}

#[rocket::async_test]
async fn explanation_follows_lang_then_accept_language_then_french() {
    let (client, _dir) = common::client().await;
    let body = cdg_jfk(240, "technical").to_string();
    let explanation = |v: Value| v["explanation"].as_str().unwrap_or("").to_string();

    let fr = json_of(post_json(&client, URI, body.clone()).await).await.1;
    assert!(explanation(fr).contains("s'applique"), "French by default");

    let en = client
        .post(URI)
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "en-GB,en;q=0.9"))
        .body(body.clone())
        .dispatch()
        .await;
    assert!(explanation(json_of(en).await.1).contains("applies"));

    let query = client
        .post(format!("{URI}?lang=en"))
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "fr"))
        .body(body.clone())
        .dispatch()
        .await;
    assert!(explanation(json_of(query).await.1).contains("applies"));

    // Error messages are translated too (`?lang=` also set the cookie: name French explicitly).
    let bad = cdg_jfk(-5, "technical").to_string();
    let (_, fr_err) =
        json_of(post_json(&client, &format!("{URI}?lang=fr"), bad.clone()).await).await;
    let (_, en_err) = json_of(post_json(&client, &format!("{URI}?lang=en"), bad).await).await;
    assert_ne!(fr_err["message"], en_err["message"]);
    assert!(
        en_err["message"].as_str().unwrap().contains("negative"),
        "{en_err}"
    );
}

#[rocket::async_test]
async fn bad_input_is_a_json_400_naming_the_field() {
    let (client, _dir) = common::client().await;
    let mut unknown_airport = cdg_jfk(240, "technical");
    unknown_airport["legs"][0]["to_iata"] = json!("ZZQ");
    let mut impossible = cdg_jfk(240, "technical");
    impossible["legs"][0]["scheduled_arrival_local"] = json!("2025-05-14T02:00");
    let mut no_delay = cdg_jfk(240, "technical");
    no_delay["disruption"]
        .as_object_mut()
        .unwrap()
        .remove("arrival_delay_minutes");
    let mut no_notice = cdg_jfk(240, "technical");
    no_notice["disruption"] = json!({"type": "cancellation"});
    let mut bad_reason = cdg_jfk(240, "technical");
    bad_reason["disruption"]["reason"] = json!("aliens");
    let mut no_legs = cdg_jfk(240, "technical");
    no_legs.as_object_mut().unwrap().remove("legs");
    let cases: Vec<(String, &str, &str)> = vec![
        ("{not json".into(), "invalid_json", ""),
        ("[]".into(), "invalid_type", ""),
        (
            unknown_airport.to_string(),
            "unknown_airport",
            "legs[0].to_iata",
        ),
        (
            impossible.to_string(),
            "arrival_before_departure",
            "legs[0]",
        ),
        (
            cdg_jfk(-1, "technical").to_string(),
            "negative_value",
            "disruption.arrival_delay_minutes",
        ),
        (
            no_delay.to_string(),
            "missing_field",
            "disruption.arrival_delay_minutes",
        ),
        (
            no_notice.to_string(),
            "missing_field",
            "disruption.notice_days",
        ),
        (
            bad_reason.to_string(),
            "unknown_reason",
            "disruption.reason",
        ),
        (no_legs.to_string(), "missing_field", "legs"),
    ];
    for (body, code, field) in cases {
        let (status, err) = json_of(post_json(&client, URI, body.clone()).await).await;
        assert_eq!(status, Status::BadRequest, "{body}: {err}");
        assert_eq!(err["error"], code, "{body}: {err}");
        assert!(
            err["field"].as_str().unwrap_or("").starts_with(field),
            "{body}: {err}"
        );
        assert!(!err["message"].as_str().unwrap_or("").is_empty(), "{err}");
    }
    // The accepted cabin classes are listed too.
    let mut bad_class = cdg_jfk(240, "technical");
    bad_class["disruption"] = json!({"type": "downgrade", "booked_class": "luxury",
                                     "flown_class": "economy", "flight_price_excl_taxes": 400});
    let (status, err) =
        json_of(post_json(&client, &format!("{URI}?lang=en"), bad_class.to_string()).await).await;
    assert_eq!(status, Status::BadRequest, "{err}");
    assert_eq!(err["field"], "disruption.booked_class", "{err}");
    let message = err["message"].as_str().unwrap_or("");
    for class in ["economy", "premium_economy", "business", "first"] {
        assert!(message.contains(class), "{err}");
    }
    // The accepted reasons are listed, never guessed.
    let (_, err) =
        json_of(post_json(&client, &format!("{URI}?lang=en"), bad_reason.to_string()).await).await;
    assert!(
        err["message"].as_str().unwrap().contains("weather"),
        "{err}"
    );
}

#[rocket::async_test]
async fn wrong_content_type_and_oversized_bodies_are_json_4xx() {
    let (client, _dir) = common::client().await;
    let body = cdg_jfk(240, "technical").to_string();
    for ct in [Some(ContentType::Form), Some(ContentType::Plain), None] {
        let mut req = client.post(URI).body(body.clone());
        if let Some(ct) = ct.clone() {
            req = req.header(ct);
        }
        let (status, err) = json_of(req.dispatch().await).await;
        assert_eq!(status, Status::UnsupportedMediaType, "{ct:?}");
        assert_eq!(err["error"], "unsupported_media_type");
    }
    // application/json with a charset is fine.
    let res = client
        .post(URI)
        .header(ContentType::new("application", "json").with_params(("charset", "utf-8")))
        .body(body.clone())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);

    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(200 * 1024));
    let (status, err) = json_of(post_json(&client, URI, huge).await).await;
    assert_eq!(status, Status::PayloadTooLarge);
    assert_eq!(err["error"], "payload_too_large");
    assert!(err.get("message").is_some() && err.get("field").is_some());

    // Other methods: JSON too.
    let res = client.get(URI).dispatch().await;
    assert!(res.status().code >= 400 && res.status().code < 500);
    assert_eq!(res.content_type(), Some(ContentType::JSON));
}

#[rocket::async_test]
async fn hostile_bodies_never_cause_a_500() {
    let (client, _dir) = common::client().await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut many_legs = cdg_jfk(240, "technical");
    many_legs["legs"] = json!(vec![many_legs["legs"][0].clone(); 40]);
    let bodies = [
        deep,
        "null".into(),
        "\"string\"".into(),
        "{\"legs\": 5, \"disruption\": {}}".into(),
        many_legs.to_string(),
        "\u{0}\u{1}\u{2}".into(),
        r#"{"legs":[{"flight_number":"AF6","from_iata":"CDG","to_iata":"JFK","scheduled_departure_local":"2025-13-45T99:99","scheduled_arrival_local":"x"}],"disruption":{"type":"delay","arrival_delay_minutes":1e300}}"#.into(),
    ];
    for body in bodies {
        let (status, err) = json_of(post_json(&client, URI, body.clone()).await).await;
        assert_eq!(
            status,
            Status::BadRequest,
            "{}: {err}",
            &body[..body.len().min(60)]
        );
        assert!(err["error"].is_string());
    }
}

#[rocket::async_test]
async fn cors_preflight_and_header() {
    let (client, _dir) = common::client().await;
    let res = client
        .req(rocket::http::Method::Options, URI)
        .header(Header::new("Origin", "https://example.org"))
        .header(Header::new("Access-Control-Request-Method", "POST"))
        .header(Header::new(
            "Access-Control-Request-Headers",
            "content-type",
        ))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::NoContent);
    let h = res.headers();
    assert_eq!(h.get_one("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(
        h.get_one("Access-Control-Allow-Methods"),
        Some("POST, OPTIONS")
    );
    assert_eq!(
        h.get_one("Access-Control-Allow-Headers"),
        Some("Content-Type")
    );
    assert!(
        h.get_one("Access-Control-Max-Age")
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 0
    );

    let res = client
        .post(URI)
        .header(ContentType::JSON)
        .header(Header::new("Origin", "https://example.org"))
        .body(cdg_jfk(240, "technical").to_string())
        .dispatch()
        .await;
    assert_eq!(
        res.headers().get_one("Access-Control-Allow-Origin"),
        Some("*")
    );
}

#[rocket::async_test]
async fn the_api_rate_limit_answers_429_with_retry_after() {
    let (client, _dir) = common::client_with("rate_limit_api = \"3/min\"").await;
    let ip = "198.51.100.30:1000".parse().unwrap();
    let body = cdg_jfk(240, "technical").to_string();
    for _ in 0..3 {
        let res = client
            .post(URI)
            .remote(ip)
            .header(ContentType::JSON)
            .body(body.clone())
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Ok);
    }
    let res = client
        .post(URI)
        .remote(ip)
        .header(ContentType::JSON)
        .body(body.clone())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::TooManyRequests);
    assert!(
        res.headers()
            .get_one("Retry-After")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let err: Value = res.into_json().await.unwrap();
    assert_eq!(err["error"], "rate_limited");
    // Another client is not affected.
    let other = client
        .post(URI)
        .remote("198.51.100.31:1000".parse().unwrap())
        .header(ContentType::JSON)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(other.status(), Status::Ok);
}
