//! The web shell as a visitor meets it: pages, languages, headers, assets, errors, ops endpoints.

use crate::common;

use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::Client;

#[rocket::async_test]
async fn home_is_french_by_default() {
    let (client, _dir) = common::client().await;
    let res = client.get("/").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::HTML));
    let body = res.into_string().await.unwrap();
    assert!(body.contains("<html lang=\"fr\">"));
    assert!(body.contains("Vérifier mon vol"));
    assert!(body.contains("href=\"/check\""));
    assert!(body.contains("href=\"/claims/new\""));
    assert!(body.contains("600 €"));
}

#[rocket::async_test]
async fn accept_language_and_the_switch_choose_english_and_stick() {
    let (client, _dir) = common::client().await;
    let res = client
        .get("/")
        .header(Header::new("Accept-Language", "en-GB,en;q=0.9"))
        .dispatch()
        .await;
    let body = res.into_string().await.unwrap();
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("Check my flight"));

    // The switch link sets a cookie that wins over Accept-Language afterwards.
    let res = client
        .get("/faq?lang=fr")
        .header(Header::new("Accept-Language", "en"))
        .dispatch()
        .await;
    assert!(res.cookies().get("lang").is_some_and(|c| c.value() == "fr"));
    let body = res.into_string().await.unwrap();
    assert!(body.contains("<html lang=\"fr\">"));
    assert!(
        body.contains("href=\"/faq?lang=en\""),
        "switch keeps the page"
    );
    let res = client
        .get("/")
        .header(Header::new("Accept-Language", "en"))
        .dispatch()
        .await;
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("<html lang=\"fr\">")
    );

    // An unknown language is ignored, never an error.
    let res = client.get("/?lang=xx%3Cscript%3E").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
}

#[rocket::async_test]
async fn content_pages_exist_in_both_languages() {
    let (client, _dir) = common::client().await;
    for (path, fr, en) in [
        ("/faq", "Questions fréquentes", "Frequently asked questions"),
        ("/privacy", "Politique de confidentialité", "Privacy policy"),
        ("/terms", "Conditions générales", "Terms of service"),
        ("/legal", "Mentions légales", "Legal notice"),
    ] {
        let body = client
            .get(format!("{path}?lang=fr"))
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap();
        assert!(body.contains(fr), "{path} fr");
        let body = client
            .get(format!("{path}?lang=en"))
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap();
        assert!(body.contains(en), "{path} en");
    }
}

/// Without the `operator_*` keys, `/legal` says the details are missing and the footer names
/// no operator; with them, `/legal` lists them and the footer shows the legal name and email.
#[rocket::async_test]
async fn legal_notice_shows_the_configured_operator() {
    let (client, _dir) = common::client().await;
    let body = client
        .get("/legal?lang=en")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        body.contains("data-testid=\"legal-not-configured\""),
        "{body}"
    );
    assert!(!body.contains("data-testid=\"legal-operator\""));
    assert!(!body.contains("data-testid=\"footer-operator\""));
    assert!(body.contains("href=\"/legal\""), "footer links the notice");

    let (client, _dir) = common::client_with(
        r#"
operator_legal_name = "Vols Retardés & Cie SAS"
operator_legal_form = "SAS au capital de 10 000 €"
operator_address = "12 rue de l'Exemple, 75001 Paris"
operator_registration_number = "RCS Paris 123 456 789"
operator_vat_number = "FR12123456789"
operator_email = "contact@vols.example"
operator_phone = "+33 1 23 45 67 89"
operator_representative = "Camille Martin"
"#,
    )
    .await;
    for (lang, label) in [("fr", "Raison sociale"), ("en", "Legal name")] {
        let body = client
            .get(format!("/legal?lang={lang}"))
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap();
        assert!(body.contains(label), "{lang}");
        for value in [
            "Vols Retardés &amp; Cie SAS",
            "SAS au capital de 10 000 €",
            "RCS Paris 123 456 789",
            "FR12123456789",
            "+33 1 23 45 67 89",
            "Camille Martin",
        ] {
            assert!(body.contains(value), "{lang}: {value} in {body}");
        }
        assert!(!body.contains("legal-not-configured"), "{lang}");
        assert!(!body.contains("Vols Retardés & Cie"), "escaped");
    }
    let home = client
        .get("/?lang=en")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(home.contains("data-testid=\"footer-operator\""));
    assert!(
        home.contains("Operated by Vols Retardés &amp; Cie SAS"),
        "{home}"
    );
    assert!(home.contains("href=\"mailto:contact@vols.example\""));
}

#[rocket::async_test]
async fn security_headers_on_pages_and_errors() {
    let (client, _dir) = common::client().await;
    for path in ["/", "/does-not-exist"] {
        let res = client.get(path).dispatch().await;
        let h = res.headers();
        let csp = h.get_one("Content-Security-Policy").expect("CSP");
        for part in [
            "default-src 'self'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {part}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(h.get_one("X-Content-Type-Options"), Some("nosniff"));
        assert!(h.get_one("Referrer-Policy").is_some());
        assert!(h.get_one("Permissions-Policy").is_some());
        assert_eq!(h.get_one("Cross-Origin-Opener-Policy"), Some("same-origin"));
        assert_eq!(h.get_one("X-Request-Id").map(str::len), Some(16));
        assert!(
            h.get_one("Strict-Transport-Security").is_none(),
            "no HSTS over http"
        );
        assert!(h.get_one("Server").is_none());
    }
}

#[rocket::async_test]
async fn hsts_when_the_base_url_is_https() {
    let (client, _dir) = common::client_with("base_url = \"https://claims.example.com\"").await;
    let res = client.get("/").dispatch().await;
    assert!(
        res.headers()
            .get_one("Strict-Transport-Security")
            .unwrap()
            .contains("max-age=")
    );
    assert!(
        res.headers()
            .get_one("Set-Cookie")
            .unwrap()
            .contains("Secure")
    );
}

#[rocket::async_test]
async fn not_found_is_translated_and_shows_the_request_id() {
    let (client, _dir) = common::client().await;
    let res = client.get("/nope?lang=en").dispatch().await;
    assert_eq!(res.status(), Status::NotFound);
    let id = res.headers().get_one("X-Request-Id").unwrap().to_string();
    let body = res.into_string().await.unwrap();
    assert!(body.contains("Page not found"));
    assert!(body.contains(&id), "request id printed on the page");
    // The language chosen with ?lang= sticks for the next error page too.
    let res = client.get("/still-nope").dispatch().await;
    assert!(res.into_string().await.unwrap().contains("Page not found"));
    let res = client.get("/nope?lang=fr").dispatch().await;
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Page introuvable")
    );
}

#[rocket::async_test]
async fn api_errors_are_json() {
    let (client, _dir) = common::client().await;
    let res = client.get("/api/v1/nothing-here").dispatch().await;
    assert_eq!(res.status(), Status::NotFound);
    assert_eq!(res.content_type(), Some(ContentType::JSON));
    let json: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(json["error"], "not_found");
    assert!(json["request_id"].as_str().is_some());
}

async fn asset_url(client: &Client, logical: &str) -> String {
    let body = client
        .get("/")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let ext = logical.rsplit('.').next().unwrap();
    let stem = logical.trim_end_matches(&format!(".{ext}"));
    let start = body
        .find(&format!("/assets/{stem}."))
        .expect("asset referenced");
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_string()
}

#[rocket::async_test]
async fn assets_are_hashed_compressed_and_cached_for_a_year() {
    let (client, _dir) = common::client().await;
    let url = asset_url(&client, "css/app.css").await;
    let res = client
        .get(url.clone())
        .header(Header::new("Accept-Encoding", "gzip, br"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.headers().get_one("Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(res.headers().get_one("Content-Encoding"), Some("br"));
    assert_eq!(res.content_type(), Some(ContentType::CSS));
    let etag = res.headers().get_one("ETag").unwrap().to_string();
    let res = client
        .get(url.clone())
        .header(Header::new("Accept-Encoding", "gzip"))
        .dispatch()
        .await;
    assert_eq!(res.headers().get_one("Content-Encoding"), Some("gzip"));
    let res = client.get(url.clone()).dispatch().await;
    assert!(res.headers().get_one("Content-Encoding").is_none());
    assert!(res.into_string().await.unwrap().contains(":root"));
    let res = client
        .get(url)
        .header(Header::new("If-None-Match", etag))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::NotModified);
    // A stale or guessed name is a 404, never a file from disk.
    assert_eq!(
        client.get("/assets/css/app.css").dispatch().await.status(),
        Status::NotFound
    );
    assert_eq!(
        client
            .get("/assets/../Cargo.toml")
            .dispatch()
            .await
            .status(),
        Status::NotFound
    );
    assert_eq!(
        client.get("/favicon.ico").dispatch().await.status(),
        Status::Ok
    );
}

#[rocket::async_test]
async fn health_ready_and_metrics() {
    let (client, _dir) = common::client().await;
    let res = client.get("/health").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.into_string().await.unwrap(), "ok");

    // The details are for loopback (or the metrics token); see security_regressions_infra.rs.
    let res = client
        .get("/ready")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let ready: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(ready["database"], "ok");
    assert_eq!(ready["migrations"]["up_to_date"], true);

    // Metrics: refused from outside, open on direct loopback, refused when proxied.
    let res = client
        .get("/metrics")
        .remote("203.0.113.9:5000".parse().unwrap())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    let res = client
        .get("/metrics")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let text = res.into_string().await.unwrap();
    assert!(
        text.contains(
            "flightclaim_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(text.contains("flightclaim_db_pool_max 8"));
    assert!(text.contains("process_resident_memory_bytes"));
    let res = client
        .get("/metrics")
        .remote("127.0.0.1:5000".parse().unwrap())
        .header(Header::new("X-Forwarded-For", "203.0.113.9"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
}

/// `/ready` is 503 when the disk is nearly full or migrations are pending; strangers get only
/// the status word, loopback gets the reasons.
#[rocket::async_test]
async fn ready_is_unavailable_when_the_disk_is_nearly_full() {
    // No file system has an exabyte free.
    let (client, _dir) = common::client_with("disk_min_free_mb = 1000000000000").await;
    let res = client
        .get("/ready")
        .remote("203.0.113.9:5000".parse().unwrap())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::ServiceUnavailable);
    let public: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(public, serde_json::json!({ "status": "unavailable" }));
    let res = client
        .get("/ready")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::ServiceUnavailable);
    let ready: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(ready["reasons"], serde_json::json!(["disk_nearly_full"]));
    assert!(ready["disk"]["free_bytes"].as_u64().unwrap() > 0);
    // Liveness is not readiness.
    assert_eq!(client.get("/health").dispatch().await.status(), Status::Ok);
    let text = client
        .get("/metrics")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(text.contains("flightclaim_ready 0"), "{text}");
}

#[rocket::async_test]
async fn ready_is_unavailable_while_migrations_are_pending() {
    let (client, dir) = common::client().await;
    let latest = flightclaim::db::migrate::latest_version();
    let conn = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3")).unwrap();
    conn.pragma_update(None, "user_version", latest - 1)
        .unwrap();
    let res = client
        .get("/ready")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::ServiceUnavailable);
    let ready: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(ready["reasons"], serde_json::json!(["migrations_pending"]));
    assert_eq!(ready["migrations"]["up_to_date"], false);
}

#[rocket::async_test]
async fn metrics_name_the_build_and_the_free_disk_space() {
    let (client, _dir) = common::client().await;
    let text = client
        .get("/metrics")
        .remote("127.0.0.1:5000".parse().unwrap())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        text.contains(&format!(
            "flightclaim_build_info{{version=\"{}\",revision=\"",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    let free = text
        .lines()
        .find_map(|l| l.strip_prefix("flightclaim_disk_free_bytes "))
        .expect("flightclaim_disk_free_bytes");
    assert!(free.parse::<f64>().unwrap() > 0.0);
    assert!(
        text.contains("flightclaim_disk_min_free_bytes 1048576"),
        "{text}"
    );
    assert!(text.contains("flightclaim_ready 1"), "{text}");
}

/// A write that fails for lack of space (`SQLITE_FULL`) gets the translated "temporarily
/// unavailable" page with 503, not the generic server error.
#[rocket::async_test]
async fn a_full_disk_answers_a_translated_503() {
    let (client, _dir) = common::client().await;
    let db = client
        .rocket()
        .state::<flightclaim::db::Db>()
        .unwrap()
        .clone();
    // The database may not grow by a single page any more: what a full disk does to SQLite.
    db.with_writer(|c| {
        c.execute_batch("VACUUM")?;
        let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let _: i64 = c.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
            r.get(0)
        })?;
        Ok(())
    })
    .unwrap();
    let res = common::submit(
        &client,
        "/register?lang=en",
        "/register",
        &[
            ("name", "Marie Curie"),
            ("email", "marie@example.com"),
            ("password", "violet tandem orbit 93 caramel"),
            ("password_confirm", "violet tandem orbit 93 caramel"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::ServiceUnavailable);
    let html = res.into_string().await.unwrap();
    assert!(html.contains("Temporarily unavailable"), "{html}");
    assert!(!html.contains("Server error"), "{html}");
}

#[rocket::async_test]
async fn metrics_with_a_bearer_token() {
    let (client, _dir) = common::client_with("metrics_token = \"tok-123456\"").await;
    let remote = "203.0.113.9:5000".parse().unwrap();
    let res = client
        .get("/metrics")
        .remote(remote)
        .header(Header::new("Authorization", "Bearer tok-123456"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let res = client
        .get("/metrics")
        .remote(remote)
        .header(Header::new("Authorization", "Bearer wrong"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn json_accept_gets_json_errors_elsewhere_too() {
    let (client, _dir) = common::client().await;
    let res = client.get("/missing").header(Accept::JSON).dispatch().await;
    assert_eq!(res.content_type(), Some(ContentType::JSON));
}

#[rocket::async_test]
async fn secret_key_is_generated_once_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt as _;
    let (client, dir) = common::client().await;
    drop(client);
    let path = dir.path().join("secret.key");
    let first = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let cfg = common::test_config(dir.path(), "");
    let _again = flightclaim::app::build(cfg).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        first,
        "kept across restarts"
    );
    let _ = Cookie::new("unused", "x");
}
