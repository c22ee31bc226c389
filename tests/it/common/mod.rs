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
        // `/ready` must not depend on the free space of the machine running the tests (a
        // shared CI disk may be under the 512 MiB default); tests that want it set it.
        .merge(Serialized::default("disk_min_free_mb", 1))
        .merge(Toml::string(extra_toml));
    AppConfig::from_figment(&figment).expect("valid test config")
}

/// An account with `role` (`passenger`, `agent`, `admin`) and `password`, created the way
/// `create-admin` does it, then given its role.
pub fn seed_user(dir: &std::path::Path, email: &str, role: &str, password: &str) {
    let db = flightclaim::db::Db::open(&dir.join("flightclaim.sqlite3")).expect("database");
    flightclaim::db::migrate::run(&db).expect("migrations");
    let hash = flightclaim::accounts::password::hash(password).expect("hash");
    let (email, role) = (email.to_string(), role.to_string());
    db.write_blocking(move |tx| {
        flightclaim::db::users::upsert_admin(tx, &email, &hash)?;
        tx.execute(
            "UPDATE users SET role = ?1 WHERE email = ?2",
            [&role, &email],
        )?;
        Ok(())
    })
    .expect("seed user");
}

/// A new browser on the application over `dir`, signed in on `/admin/login` as `email`.
pub async fn staff_client(dir: &std::path::Path, email: &str, password: &str) -> Client {
    let client = Client::tracked(flightclaim::app::build(test_config(dir, "")).expect("app"))
        .await
        .expect("client");
    let status = submit(
        &client,
        "/admin/login",
        "/admin/login",
        &[("email", email), ("password", password)],
    )
    .await
    .status();
    assert_eq!(status, rocket::http::Status::SeeOther, "{email} signs in");
    client
}

/// The instance's secret key (generated in the data directory on first use, as `serve` does).
pub fn test_key(cfg: &AppConfig) -> flightclaim::config::Secret {
    flightclaim::app::secret_key(cfg).expect("secret key")
}

/// Every message of `kind` to `to`, oldest first, as its recipient receives it: one-time
/// links, which stored rows keep sealed, are restored with the instance's key.
pub fn received_mails(
    dir: &std::path::Path,
    to: &str,
    kind: &str,
) -> Vec<flightclaim::db::outbox::OutboxRow> {
    let conn = rusqlite::Connection::open(dir.join("flightclaim.sqlite3")).expect("database");
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM outbox WHERE to_addr = ?1 AND kind = ?2 ORDER BY id")
        .expect("query")
        .query_map([to, kind], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids");
    let key = test_key(&test_config(dir, ""));
    let sealer = flightclaim::crypto::Sealer::new(&key, flightclaim::crypto::Purpose::MailSecrets);
    ids.into_iter()
        .map(|id| {
            let row = flightclaim::db::outbox::find_by_id(&conn, id).expect("outbox row");
            flightclaim::mail::sealed::reveal(&row, &sealer)
        })
        .collect()
}

/// The newest message of `kind` to `to`, as its recipient receives it. Panics when none.
pub fn received_mail(
    dir: &std::path::Path,
    to: &str,
    kind: &str,
) -> flightclaim::db::outbox::OutboxRow {
    received_mails(dir, to, kind)
        .pop()
        .unwrap_or_else(|| panic!("no {kind} mail to {to}"))
}

/// Follows the newest verification link emailed to `email` (registration), as its owner does:
/// it confirms the address and signs the account in. `true` when it did (a used or expired
/// link answers otherwise).
pub async fn confirm_registration(client: &Client, email: &str) -> bool {
    let dir = client
        .rocket()
        .state::<AppConfig>()
        .expect("configuration")
        .data_dir
        .clone();
    let mails = received_mails(&dir, email, "email_verification");
    let Some(mail) = mails.last() else {
        return false;
    };
    let body = &mail.body_text;
    let start = body.find("/verify-email/").expect("the link");
    let end = body[start..]
        .find(char::is_whitespace)
        .map_or(body.len(), |e| start + e);
    let res = client.get(body[start..end].to_string()).dispatch().await;
    res.headers().get_one("Location") == Some("/account")
}

/// Signs in the account made by a claim filed while signed out, the way its owner does: with
/// the link of the confirmation email (until then the account is inert, issue #12).
pub async fn confirm_claim_account(client: &Client, dir: &std::path::Path, email: &str) {
    let body = received_mail(dir, email, "claim_account").body_text;
    let start = body.find("/verify-email/").expect("the link");
    let end = body[start..]
        .find(char::is_whitespace)
        .map_or(body.len(), |e| start + e);
    let res = client.get(body[start..end].to_string()).dispatch().await;
    assert_eq!(res.headers().get_one("Location"), Some("/account"));
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
