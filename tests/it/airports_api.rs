//! The airport autocomplete API as the widget and outside clients use it.

use crate::common;

use rocket::http::{ContentType, Status};

async fn json(
    client: &rocket::local::asynchronous::Client,
    uri: &str,
) -> (Status, serde_json::Value) {
    let res = client.get(uri.to_string()).dispatch().await;
    let status = res.status();
    assert_eq!(res.content_type(), Some(ContentType::JSON), "{uri}");
    (status, res.into_json().await.unwrap_or_default())
}

#[rocket::async_test]
async fn search_finds_airports_by_code_city_and_typo() {
    let (client, _dir) = common::client().await;
    for (q, first) in [
        ("cdg", "CDG"),
        ("LFPG", "CDG"),
        ("lisb", "LIS"),
        ("barcelna", "BCN"),
        ("zürich", "ZRH"),
    ] {
        let (status, body) = json(
            &client,
            &format!("/api/v1/airports/search?q={}", common::enc(q)),
        )
        .await;
        assert_eq!(status, Status::Ok, "{q}");
        assert_eq!(body[0]["iata"], first, "{q}: {body}");
    }
    // London: the big airports before the small fields, whatever language the city is typed in.
    for q in ["london", "Londres"] {
        let (_, body) = json(&client, &format!("/api/v1/airports/search?q={q}&limit=3")).await;
        let top: Vec<&str> = body
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["iata"].as_str())
            .collect();
        assert!(
            top[..2].contains(&"LHR") && top[..2].contains(&"LGW"),
            "{q}: {top:?}"
        );
    }
    let (_, body) = json(&client, "/api/v1/airports/search?q=paris+orly&limit=3").await;
    assert_eq!(body[0]["iata"], "ORY");
    assert!(body.as_array().unwrap().len() <= 3);
    for key in [
        "iata",
        "icao",
        "name",
        "city",
        "country",
        "country_name",
        "lat",
        "lon",
        "tz",
        "label",
    ] {
        assert!(!body[0][key].is_null(), "{key}");
    }
}

#[rocket::async_test]
async fn labels_follow_the_language() {
    let (client, _dir) = common::client().await;
    let (_, fr) = json(&client, "/api/v1/airports/search?q=LHR&lang=fr").await;
    let (_, en) = json(&client, "/api/v1/airports/search?q=LHR&lang=en").await;
    assert!(
        fr[0]["label"].as_str().unwrap().contains("Royaume-Uni"),
        "{fr}"
    );
    assert!(
        en[0]["label"].as_str().unwrap().contains("United Kingdom"),
        "{en}"
    );
}

#[rocket::async_test]
async fn responses_are_cacheable() {
    let (client, _dir) = common::client().await;
    let res = client
        .get("/api/v1/airports/search?q=nice")
        .dispatch()
        .await;
    assert_eq!(
        res.headers().get_one("Cache-Control"),
        Some("public, max-age=3600")
    );
    assert_eq!(
        res.headers().get_one("Access-Control-Allow-Origin"),
        Some("*")
    );
}

#[rocket::async_test]
async fn one_airport_by_code() {
    let (client, _dir) = common::client().await;
    let (status, body) = json(&client, "/api/v1/airports/cdg").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["icao"], "LFPG");
    assert_eq!(body["tz"], "Europe/Paris");
    let (status, body) = json(&client, "/api/v1/airports/QQQ?lang=en").await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(body["error"], "not_found");
    assert!(body["message"].as_str().unwrap().contains("QQQ"));
    let (status, _) = json(&client, "/api/v1/airports/%3Cscript%3E").await;
    assert_eq!(status, Status::NotFound);
}

#[rocket::async_test]
async fn hostile_queries_get_400_or_results_never_5xx() {
    let (client, _dir) = common::client().await;
    let long = "a".repeat(101);
    for (uri, want) in [
        (
            format!("/api/v1/airports/search?q={long}"),
            Status::BadRequest,
        ),
        (
            "/api/v1/airports/search?q=par%00is".to_string(),
            Status::BadRequest,
        ),
        (
            "/api/v1/airports/search?q=cdg&limit=0".to_string(),
            Status::BadRequest,
        ),
        (
            "/api/v1/airports/search?q=cdg&limit=21".to_string(),
            Status::BadRequest,
        ),
        (
            "/api/v1/airports/search?q=cdg&limit=abc".to_string(),
            Status::BadRequest,
        ),
        (
            "/api/v1/airports/search?q=cdg&limit=-1".to_string(),
            Status::BadRequest,
        ),
        (
            "/api/v1/airports/search?q=%2A%3A%28%22".to_string(),
            Status::Ok,
        ),
        (
            "/api/v1/airports/search?q=name%3Aparis+OR+1%3D1".to_string(),
            Status::Ok,
        ),
        (
            "/api/v1/airports/search?q=%F0%9F%9B%AB".to_string(),
            Status::Ok,
        ),
        ("/api/v1/airports/search".to_string(), Status::Ok),
        ("/api/v1/airports/search?q=%ZZ".to_string(), Status::Ok),
    ] {
        let res = client.get(uri.clone()).dispatch().await;
        assert_eq!(res.status(), want, "{uri}");
    }
    let (_, body) = json(&client, "/api/v1/airports/search?q=cdg&limit=0&lang=en").await;
    assert_eq!(body["field"], "limit");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("between 1 and 20")
    );
}

#[rocket::async_test]
async fn the_typing_limit_stops_a_scraper() {
    let (client, _dir) = common::client_with("rate_limit_typing = \"5/min\"").await;
    let ip = "198.51.100.20:1000".parse().unwrap();
    for _ in 0..5 {
        assert_eq!(
            client
                .get("/api/v1/airports/search?q=ber")
                .remote(ip)
                .dispatch()
                .await
                .status(),
            Status::Ok
        );
    }
    let res = client
        .get("/api/v1/airports/search?q=ber")
        .remote(ip)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::TooManyRequests);
    assert!(res.headers().get_one("Retry-After").is_some());
    let body: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
}
