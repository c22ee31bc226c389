//! CSRF, rate limits, body limits and panics, exercised through small routes mounted on the
//! real application (the guards are the ones every feature uses).

use crate::common;

use rocket::form::FromForm;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;
use rocket::{get, post, routes};

use flightclaim::ratelimit::{Auth, RateLimit};
use flightclaim::web::guards::{CsrfForm, CsrfToken};

#[derive(FromForm)]
struct Note {
    text: String,
}

#[get("/form")]
fn get_form(token: CsrfToken) -> String {
    token.0
}

#[post("/form", data = "<form>")]
fn post_form(form: CsrfForm<Note>) -> String {
    format!("saved: {}", form.0.text)
}

#[post("/login")]
fn post_login(_limit: RateLimit<Auth>) -> &'static str {
    "checked"
}

#[get("/boom")]
fn get_boom() -> &'static str {
    panic!("handler bug")
}

async fn client(extra: &str) -> (Client, tempfile::TempDir) {
    let (rocket, dir) = common::rocket_with(extra);
    let rocket = rocket.mount("/t", routes![get_form, post_form, post_login, get_boom]);
    (Client::tracked(rocket).await.unwrap(), dir)
}

#[rocket::async_test]
async fn forms_need_the_csrf_token() {
    let (client, _dir) = client("").await;
    let token = client
        .get("/t/form")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();

    let res = client
        .post("/t/form")
        .header(ContentType::Form)
        .body("text=hello")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden, "no token");
    let res = client
        .post("/t/form")
        .header(ContentType::Form)
        .body("text=hello&csrf_token=forged")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden, "wrong token");
    assert!(res.into_string().await.unwrap().contains("Accès refusé"));

    let body = format!("text=caf%C3%A9+%3Cb%3E&csrf_token={}", common::enc(&token));
    let res = client
        .post("/t/form")
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.into_string().await.unwrap(), "saved: café <b>");
}

#[rocket::async_test]
async fn another_visitors_token_does_not_work() {
    let (client, _dir) = client("").await;
    let token = client
        .get("/t/form")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let (other, _dir2) = self::client("").await;
    let _ = other.get("/t/form").dispatch().await;
    let body = format!("text=x&csrf_token={}", common::enc(&token));
    let res = other
        .post("/t/form")
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn oversized_forms_get_413() {
    let (client, _dir) = client("").await;
    let token = client
        .get("/t/form")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let body = format!(
        "csrf_token={}&text={}",
        common::enc(&token),
        "a".repeat(200 * 1024)
    );
    let res = client
        .post("/t/form")
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::PayloadTooLarge);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Envoi trop volumineux")
    );
}

#[rocket::async_test]
async fn auth_rate_limit_answers_429_with_retry_after_per_ip() {
    let (client, _dir) = client("rate_limit_auth = \"3/min\"").await;
    let attacker = "198.51.100.7:4000".parse().unwrap();
    for _ in 0..3 {
        let res = client.post("/t/login").remote(attacker).dispatch().await;
        assert_eq!(res.status(), Status::Ok);
    }
    let res = client.post("/t/login").remote(attacker).dispatch().await;
    assert_eq!(res.status(), Status::TooManyRequests);
    let retry: u64 = res
        .headers()
        .get_one("Retry-After")
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Trop de tentatives")
    );
    let other = "198.51.100.8:4000".parse().unwrap();
    assert_eq!(
        client
            .post("/t/login")
            .remote(other)
            .dispatch()
            .await
            .status(),
        Status::Ok
    );
}

#[rocket::async_test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let (client, _dir) =
        client("rate_limit_auth = \"1/min\"\ntrusted_proxies = \"127.0.0.1\"").await;
    let proxy = "127.0.0.1:4000".parse().unwrap();
    let via = |ip: &'static str| {
        client
            .post("/t/login")
            .remote(proxy)
            .header(rocket::http::Header::new("X-Forwarded-For", ip))
    };
    assert_eq!(via("203.0.113.1").dispatch().await.status(), Status::Ok);
    assert_eq!(
        via("203.0.113.2").dispatch().await.status(),
        Status::Ok,
        "different clients behind the proxy"
    );
    assert_eq!(
        via("203.0.113.1").dispatch().await.status(),
        Status::TooManyRequests
    );

    // An untrusted peer cannot dodge the limit by forging the header.
    let direct = "198.51.100.9:4000".parse().unwrap();
    let forged = |ip: &'static str| {
        client
            .post("/t/login")
            .remote(direct)
            .header(rocket::http::Header::new("X-Forwarded-For", ip))
    };
    assert_eq!(forged("1.1.1.1").dispatch().await.status(), Status::Ok);
    assert_eq!(
        forged("2.2.2.2").dispatch().await.status(),
        Status::TooManyRequests
    );
}

#[rocket::async_test]
async fn a_panicking_handler_is_a_500_page() {
    let (client, _dir) = client("").await;
    let res = client.get("/t/boom?lang=en").dispatch().await;
    assert_eq!(res.status(), Status::InternalServerError);
    let body = res.into_string().await.unwrap();
    assert!(body.contains("Server error"));
    assert!(body.contains("Request reference"));
    // The server goes on serving.
    assert_eq!(client.get("/health").dispatch().await.status(), Status::Ok);
}
