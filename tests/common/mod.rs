//! Shared fixtures: every test gets its own temporary data directory and a real `SQLite` file.
#![allow(dead_code)]

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use flightclaim::config::AppConfig;
use rocket::local::asynchronous::Client;
use rocket::{Build, Rocket};
use tempfile::TempDir;

/// A configuration pointing at a fresh temp dir, with extra TOML lines applied on top.
pub fn test_config(dir: &std::path::Path, extra_toml: &str) -> AppConfig {
    let figment = Figment::from(Serialized::defaults(AppConfig::default()))
        .merge(Serialized::default("data_dir", dir))
        .merge(Serialized::default("log_to_file", false))
        .merge(Serialized::default("shutdown_grace_secs", 0))
        .merge(Toml::string(extra_toml));
    AppConfig::from_figment(&figment).expect("valid test config")
}

pub fn rocket_with(extra_toml: &str) -> (Rocket<Build>, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = test_config(dir.path(), extra_toml);
    (flightclaim::app::build(cfg).expect("app builds"), dir)
}

/// A tracked client over the real application; keep the `TempDir` alive for the test.
pub async fn client() -> (Client, TempDir) {
    client_with("").await
}

pub async fn client_with(extra_toml: &str) -> (Client, TempDir) {
    let (rocket, dir) = rocket_with(extra_toml);
    (Client::tracked(rocket).await.expect("client"), dir)
}

/// The value of the hidden `csrf_token` field in a page.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a csrf_token field") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_string()
}

/// Percent-encodes a form value.
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Submits a form the way a browser does: loads `page` to get the CSRF token, then posts the
/// fields (percent-encoded) to `action`.
pub async fn submit<'c>(
    client: &'c rocket::local::asynchronous::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> rocket::local::asynchronous::LocalResponse<'c> {
    use std::fmt::Write as _;
    let html = client
        .get(page.to_string())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap_or_default();
    let mut body = format!("csrf_token={}", enc(&csrf_from(&html)));
    for (k, v) in fields {
        let _ = write!(body, "&{k}={}", enc(v));
    }
    client
        .post(action.to_string())
        .header(rocket::http::ContentType::Form)
        .body(body)
        .dispatch()
        .await
}
