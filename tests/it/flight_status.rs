//! Flight status lookups through the real HTTP client, against a fake `AeroDataBox` started on
//! 127.0.0.1 by each test: normal answer, not found, cache, timeout, 429, 500, malformed JSON,
//! feature off. Whatever the provider does, our API answers 200, 400, 404 or the documented 503.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use flightclaim::domain::flight::parse_flight_number;
use flightclaim::flights::{FlightState, FlightStatusService, LookupError};
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

/// How long the fake sleeps for the "slow" flight; the app's timeout is set far below it.
const SLOW_MS: u64 = 3000;
const TIMEOUT_MS: u64 = 300;

/// A fake provider. Flight numbers choose the behaviour: AF1234 answers, AF404 is unknown,
/// AF9 is slow, AF429 rate-limits, AF500 fails, AF777 sends garbage.
struct Fake {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    fn start() -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake provider");
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (h, r) = (hits.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (h, r) = (h.clone(), r.clone());
                std::thread::spawn(move || serve(stream, &h, &r));
            }
        });
        Fake {
            addr,
            hits,
            requests,
        }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn toml(&self) -> String {
        format!(
            "flight_status_provider = \"aerodatabox\"\nflight_status_api_key = \"test-key-123\"\nflight_status_base_url = \"http://{}\"\nflight_status_timeout_ms = {TIMEOUT_MS}\nrate_limit_api = \"1000/min\"\n",
            self.addr
        )
    }
}

fn serve(stream: TcpStream, hits: &AtomicUsize, requests: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    if head.is_empty() {
        return;
    }
    hits.fetch_add(1, Ordering::SeqCst);
    requests.lock().unwrap().push(head.clone());
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    // /flights/number/AF1234/2024-03-01?...
    let mut parts = path.split('?').next().unwrap_or("").split('/').skip(3);
    let number = parts.next().unwrap_or("");
    let date = parts.next().unwrap_or("");
    let (status, extra, body) = match number {
        "AF1234" => ("200 OK", "", answer(date)),
        "AF404" => ("204 No Content", "", String::new()),
        "AF9" => {
            std::thread::sleep(Duration::from_millis(SLOW_MS));
            ("200 OK", "", answer(date))
        }
        "AF429" => (
            "429 Too Many Requests",
            "Retry-After: 120\r\n",
            "{\"message\":\"Too many requests\"}".to_string(),
        ),
        "AF777" => ("200 OK", "", "<html>this is not json".to_string()),
        _ => (
            "500 Internal Server Error",
            "",
            "{\"message\":\"boom\"}".to_string(),
        ),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

/// `AeroDataBox`'s `FlightContract` array for AF1234 CDG → LIS on `date`, landed 3 h 15 late.
fn answer(date: &str) -> String {
    format!(
        r#"[{{"number":"AF 1234","callSign":"AFR1234","status":"Arrived","codeshareStatus":"IsOperator","isCargo":false,
"lastUpdatedUtc":"{date} 13:00Z","greatCircleDistance":{{"meter":1450000,"km":1450,"mile":901,"nm":783,"feet":4757217}},
"airline":{{"name":"Air France","iata":"AF","icao":"AFR"}},
"aircraft":{{"reg":"F-HBNA","model":"Airbus A320"}},
"departure":{{"airport":{{"icao":"LFPG","iata":"CDG","name":"Paris Charles de Gaulle","timeZone":"Europe/Paris"}},
 "scheduledTime":{{"utc":"{date} 06:55Z","local":"{date} 07:55+01:00"}},
 "revisedTime":{{"utc":"{date} 09:40Z","local":"{date} 10:40+01:00"}},
 "runwayTime":{{"utc":"{date} 09:52Z","local":"{date} 10:52+01:00"}},
 "terminal":"2F","gate":"F32","quality":["Basic","Live"]}},
"arrival":{{"airport":{{"icao":"LPPT","iata":"LIS","name":"Lisbon Humberto Delgado","timeZone":"Europe/Lisbon"}},
 "scheduledTime":{{"utc":"{date} 09:35Z","local":"{date} 09:35+00:00"}},
 "revisedTime":{{"utc":"{date} 12:50Z","local":"{date} 12:50+00:00"}},
 "runwayTime":{{"utc":"{date} 12:41Z","local":"{date} 12:41+00:00"}},
 "quality":["Basic","Live"]}}}}]"#
    )
}

/// A departure date a month ago: old enough to be settled, recent enough to be accepted.
fn past_date() -> NaiveDate {
    chrono::Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(30))
        .unwrap()
}

async fn get(client: &Client, uri: &str) -> (Status, serde_json::Value, Option<String>) {
    let res = client.get(uri.to_string()).dispatch().await;
    let status = res.status();
    assert!(
        matches!(status.code, 200 | 400 | 404 | 503),
        "{uri}: unexpected {status}"
    );
    assert_eq!(res.content_type(), Some(ContentType::JSON), "{uri}");
    let retry = res.headers().get_one("Retry-After").map(str::to_string);
    (status, res.into_json().await.unwrap_or_default(), retry)
}

#[rocket::async_test]
async fn a_known_flight_is_answered_and_cached() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    let (status, body, _) = get(&client, &format!("/api/v1/flights/AF1234/{date}")).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["number"], "AF1234");
    assert_eq!(body["date"], date.to_string());
    assert_eq!(body["status"], "landed");
    assert_eq!(body["airline_name"], "Air France");
    assert_eq!(body["source"], "aerodatabox");
    assert_eq!(body["departure"]["airport"], "CDG");
    assert_eq!(
        body["departure"]["scheduled"],
        format!("{date}T07:55:00+01:00")
    );
    assert_eq!(body["arrival"]["airport"], "LIS");
    assert_eq!(body["arrival"]["actual"], format!("{date}T12:50:00Z"));
    assert_eq!(body["arrival_delay_minutes"], 195);
    assert_eq!(fake.hits(), 1);
    let head = fake.requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(head.contains("x-rapidapi-key: test-key-123"), "{head}");
    assert!(
        head.starts_with(&format!("get /flights/number/af1234/{date}?")),
        "{head}"
    );

    // Same flight typed differently: served from the cache, the provider is not asked again.
    for uri in [
        format!("/api/v1/flights/AF1234/{date}"),
        format!("/api/v1/flights/af%201234/{date}?lang=en"),
    ] {
        let (status, body, _) = get(&client, &uri).await;
        assert_eq!(status, Status::Ok, "{uri}");
        assert_eq!(body["number"], "AF1234");
    }
    assert_eq!(fake.hits(), 1, "cache hits must not reach the provider");
}

#[rocket::async_test]
async fn the_rust_api_caches_and_reports_not_found() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = common::test_config(dir.path(), &fake.toml());
    let service = FlightStatusService::from_config(&cfg).unwrap();
    assert!(service.is_enabled());
    let af = parse_flight_number("AF1234").unwrap();
    let date = past_date();
    let first = service.lookup(&af, date).await.unwrap().unwrap();
    assert_eq!(first.status, FlightState::Landed);
    assert_eq!(first.arrival.delay_minutes(), Some(195));
    let second = service.lookup(&af, date).await.unwrap().unwrap();
    assert_eq!(first, second);
    assert_eq!(fake.hits(), 1);

    let unknown = parse_flight_number("AF404").unwrap();
    assert_eq!(service.lookup(&unknown, date).await, Ok(None));
    assert_eq!(service.lookup(&unknown, date).await, Ok(None));
    assert_eq!(fake.hits(), 2, "\"not found\" is cached too");
}

#[rocket::async_test]
async fn an_unknown_flight_is_a_translated_404() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    let (status, body, _) = get(&client, &format!("/api/v1/flights/AF404/{date}")).await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(body["error"], "not_found");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("AF404") && message.contains("Nous ne trouvons pas"),
        "{message}"
    );
    let (_, body, _) = get(&client, &format!("/api/v1/flights/AF404/{date}?lang=en")).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("We cannot find"),
        "{body}"
    );
    assert_eq!(fake.hits(), 1);
}

#[rocket::async_test]
async fn a_slow_provider_times_out_into_a_503() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    let start = Instant::now();
    let (status, body, _) = get(&client, &format!("/api/v1/flights/AF9/{date}")).await;
    let took = start.elapsed();
    assert_eq!(status, Status::ServiceUnavailable);
    assert_eq!(body["error"], "flight_status_unavailable");
    assert!(
        body["message"].as_str().unwrap().contains("vous-même"),
        "{body}"
    );
    assert!(
        took < Duration::from_millis(SLOW_MS - 500),
        "gave up after {took:?}, not after the {TIMEOUT_MS} ms timeout"
    );
    // Errors are not cached: the next lookup asks again.
    let (status, _, _) = get(&client, &format!("/api/v1/flights/AF9/{date}")).await;
    assert_eq!(status, Status::ServiceUnavailable);
    assert_eq!(fake.hits(), 2);

    let dir = tempfile::tempdir().unwrap();
    let service =
        FlightStatusService::from_config(&common::test_config(dir.path(), &fake.toml())).unwrap();
    let slow = parse_flight_number("AF9").unwrap();
    assert!(matches!(
        service.lookup(&slow, date).await,
        Err(LookupError::Timeout(_))
    ));
}

#[rocket::async_test]
async fn a_429_backs_off_for_retry_after() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    let (status, body, retry) = get(&client, &format!("/api/v1/flights/AF429/{date}")).await;
    assert_eq!(status, Status::ServiceUnavailable);
    assert_eq!(body["error"], "flight_status_unavailable");
    let retry: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((100..=120).contains(&retry), "{retry}");
    // While backing off, no lookup reaches the provider, whatever the flight.
    for number in ["AF429", "AF1234", "AF500"] {
        let (status, _, retry) = get(&client, &format!("/api/v1/flights/{number}/{date}")).await;
        assert_eq!(status, Status::ServiceUnavailable, "{number}");
        assert!(retry.is_some(), "{number}");
    }
    assert_eq!(
        fake.hits(),
        1,
        "the provider must not be hammered after a 429"
    );
}

#[rocket::async_test]
async fn a_500_or_garbage_is_a_503_and_not_cached() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    for number in ["AF500", "AF777"] {
        for _ in 0..2 {
            let (status, body, retry) =
                get(&client, &format!("/api/v1/flights/{number}/{date}")).await;
            assert_eq!(status, Status::ServiceUnavailable, "{number}");
            assert_eq!(body["error"], "flight_status_unavailable", "{number}");
            assert!(retry.is_none(), "{number}");
        }
    }
    assert_eq!(fake.hits(), 4, "errors are never cached");

    let dir = tempfile::tempdir().unwrap();
    let service =
        FlightStatusService::from_config(&common::test_config(dir.path(), &fake.toml())).unwrap();
    let garbage = parse_flight_number("AF777").unwrap();
    assert!(matches!(
        service.lookup(&garbage, date).await,
        Err(LookupError::Malformed(_))
    ));
    let failing = parse_flight_number("AF500").unwrap();
    assert_eq!(
        service.lookup(&failing, date).await,
        Err(LookupError::Upstream(500))
    );
}

#[rocket::async_test]
async fn without_a_provider_the_feature_is_off() {
    let (client, _dir) = common::client().await;
    let date = past_date();
    let (status, body, _) = get(&client, &format!("/api/v1/flights/AF1234/{date}")).await;
    assert_eq!(status, Status::ServiceUnavailable);
    assert_eq!(body["error"], "flight_status_disabled");
    assert!(
        body["message"].as_str().unwrap().contains("Saisissez"),
        "{body}"
    );
    let (_, body, _) = get(&client, &format!("/api/v1/flights/AF1234/{date}?lang=en")).await;
    assert!(
        body["message"].as_str().unwrap().contains("Type the times"),
        "{body}"
    );
    assert!(!FlightStatusService::disabled().is_enabled());
}

#[rocket::async_test]
async fn bad_numbers_and_dates_are_400s_naming_the_field() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    for (uri, field, code) in [
        (
            format!("/api/v1/flights/AFR1234/{date}"),
            "number",
            "invalid_flight_number",
        ),
        (
            format!("/api/v1/flights/AF12345/{date}"),
            "number",
            "invalid_flight_number",
        ),
        (
            "/api/v1/flights/AF1234/01-03-2024".to_string(),
            "date",
            "invalid_date",
        ),
        (
            "/api/v1/flights/AF1234/2024-02-30".to_string(),
            "date",
            "invalid_date",
        ),
        (
            "/api/v1/flights/AF1234/1999-01-01".to_string(),
            "date",
            "date_out_of_range",
        ),
    ] {
        let (status, body, _) = get(&client, &uri).await;
        assert_eq!(status, Status::BadRequest, "{uri}");
        assert_eq!(body["field"], field, "{uri}");
        assert_eq!(body["error"], code, "{uri}");
        assert!(!body["message"].as_str().unwrap_or("").is_empty(), "{uri}");
    }
    let (_, body, _) = get(&client, &format!("/api/v1/flights/AFR1234/{date}")).await;
    assert!(
        body["message"].as_str().unwrap().contains("2 caractères"),
        "{body}"
    );
    assert_eq!(fake.hits(), 0);
}

#[rocket::async_test]
async fn flight_numbers_are_normalised_and_named() {
    let (client, _dir) = common::client().await;
    let (status, body, _) = get(&client, "/api/v1/flight-numbers/af%20012").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["normalised"], "AF12");
    assert_eq!(body["carrier"], "AF");
    assert_eq!(body["airline_name"], "Air France");
    assert!(body["warning"].is_null());

    let (status, body, _) = get(&client, "/api/v1/flight-numbers/Q9-123?lang=en").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["normalised"], "Q9123");
    assert!(body["airline_name"].is_null());
    assert!(
        body["warning"].as_str().unwrap().contains("\"Q9\""),
        "{body}"
    );
    let (_, body, _) = get(&client, "/api/v1/flight-numbers/Q9-123?lang=fr").await;
    assert!(
        body["warning"].as_str().unwrap().contains("« Q9 »"),
        "{body}"
    );

    for (input, word) in [
        ("A*12", "compagnie"),
        ("AF", "numéro"),
        ("AF12345", "chiffres"),
    ] {
        let (status, body, _) = get(
            &client,
            &format!("/api/v1/flight-numbers/{}?lang=fr", common::enc(input)),
        )
        .await;
        assert_eq!(status, Status::BadRequest, "{input}");
        assert_eq!(body["error"], "invalid_flight_number", "{input}");
        assert!(
            body["message"].as_str().unwrap().contains(word),
            "{input}: {body}"
        );
    }
}

/// Posts the wizard's step 1 with the CSRF token of the page.
async fn post_flights(
    client: &Client,
    fields: &[(&str, String)],
) -> (Status, Option<String>, String) {
    let html = client
        .get("/claims/new/flights")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap_or_default();
    let mut body = format!("csrf_token={}", common::enc(&common::csrf_from(&html)));
    for (k, v) in fields {
        body.push('&');
        body.push_str(k);
        body.push('=');
        body.push_str(&common::enc(v));
    }
    let res = client
        .post("/claims/new/flights")
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

fn leg(flight: &str, date: NaiveDate) -> Vec<(&'static str, String)> {
    vec![
        ("action", "next".into()),
        ("legs[0].flight", flight.into()),
        ("legs[0].date", date.to_string()),
        ("legs[0].from", "CDG".into()),
        ("legs[0].to", "LIS".into()),
        ("legs[0].dep_time", String::new()),
        ("legs[0].arr_time", String::new()),
    ]
}

#[rocket::async_test]
async fn the_wizard_prefills_times_and_the_delay_from_flight_data() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    let res = client.get("/claims/new?lang=en").dispatch().await;
    assert!(matches!(res.status().code, 200 | 303), "{}", res.status());

    // Times left empty: the provider's scheduled times fill them and the step passes.
    let (status, location, html) = post_flights(&client, &leg("AF1234", date)).await;
    assert_eq!(status, Status::SeeOther, "{html}");
    assert_eq!(location.as_deref(), Some("/claims/new/disruption"));
    let flights = client
        .get("/claims/new/flights")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        flights.contains("value=\"07:55\"") && flights.contains("value=\"09:35\""),
        "{flights}"
    );

    // Step 2 is pre-answered: a delay of 3 h 15 min, said in a sentence the passenger can correct.
    let step2 = client
        .get("/claims/new/disruption")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(step2.contains("arrived 3 h 15 min late"), "{step2}");
    assert!(
        step2.contains("value=\"3\"") && step2.contains("value=\"15\""),
        "{step2}"
    );
}

#[rocket::async_test]
async fn without_flight_data_the_passenger_types_the_times() {
    let fake = Fake::start();
    let (client, _dir) = common::client_with(&fake.toml()).await;
    let date = past_date();
    client.get("/claims/new?lang=en").dispatch().await;
    // Unknown (204), rate-limited and broken answers: the form asks for the times, no 500.
    for flight in ["AF404", "AF429", "AF777", "AF500"] {
        let (status, _, html) = post_flights(&client, &leg(flight, date)).await;
        assert_eq!(status, Status::UnprocessableEntity, "{flight}");
        assert!(html.contains("leg0-dep-time-error"), "{flight}: {html}");
    }
    // Typed times win over the provider's.
    let mut typed = leg("AF1234", date);
    typed[5].1 = "08:05".into();
    typed[6].1 = "09:45".into();
    let (status, _, _) = post_flights(&client, &typed).await;
    assert_eq!(status, Status::SeeOther);
    let flights = client
        .get("/claims/new/flights")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        flights.contains("value=\"08:05\"") && !flights.contains("value=\"07:55\""),
        "{flights}"
    );
}
