//! Staff TOTP: enrolment, the second sign-in step (replay refused, rate-limited), and
//! `staff_totp_required` forcing enrolment before any admin page. Codes are computed here with
//! `totp-rs`, as an authenticator app would.

#![allow(clippy::too_many_lines)] // journeys read top to bottom

use crate::common;

use rocket::http::Status;
use rocket::local::asynchronous::Client;
use totp_rs::{Algorithm, Secret, TOTP};

const PASSWORD: &str = "staff passphrase for tests 1";

fn seed(dir: &std::path::Path, email: &str, role: &str) {
    let db = flightclaim::db::Db::open(&dir.join("flightclaim.sqlite3")).unwrap();
    flightclaim::db::migrate::run(&db).unwrap();
    let hash = flightclaim::accounts::password::hash(PASSWORD).unwrap();
    let (email, role) = (email.to_string(), role.to_string());
    db.write_blocking(move |tx| {
        flightclaim::db::users::upsert_admin(tx, &email, &hash)?;
        tx.execute(
            "UPDATE users SET role = ?1 WHERE email = ?2",
            [&role, &email],
        )?;
        Ok(())
    })
    .unwrap();
}

fn app(dir: &std::path::Path, extra: &str) -> rocket::Rocket<rocket::Build> {
    flightclaim::app::build(common::test_config(dir, extra)).unwrap()
}

fn code_at(secret: &str, unix: u64) -> String {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("FlightClaim".into()),
        "test".into(),
    )
    .unwrap()
    .generate(unix)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn password_step(client: &Client, email: &str) -> (Status, Option<String>) {
    let res = common::submit(
        client,
        "/admin/login",
        "/admin/login",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    (
        res.status(),
        res.headers().get_one("Location").map(str::to_string),
    )
}

async fn enrol(client: &Client) -> String {
    let s = common::submit(client, "/admin/profile", "/admin/profile/totp/start", &[])
        .await
        .status();
    assert_eq!(s, Status::SeeOther);
    let page = client
        .get("/admin/profile")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let start = page
        .find("<code id=\"totp-secret\">")
        .expect("secret shown")
        + 23;
    let secret = page[start..start + page[start..].find('<').unwrap()].to_string();
    assert!(
        page.contains("otpauth://totp/FlightClaim"),
        "otpauth URI shown"
    );
    // A wrong code does not turn it on.
    let res = common::submit(
        client,
        "/admin/profile",
        "/admin/profile/totp/confirm",
        &[("code", "000000")],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("aria-invalid=\"true\"")
    );
    let code = code_at(&secret, now());
    let res = common::submit(
        client,
        "/admin/profile",
        "/admin/profile/totp/confirm",
        &[("code", &code)],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    secret
}

#[rocket::async_test]
async fn enrolment_and_second_step() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path(), "boss@example.com", "admin");
    let first = Client::tracked(app(dir.path(), "")).await.unwrap();
    let (s, location) = password_step(&first, "boss@example.com").await;
    assert_eq!(
        (s, location.as_deref()),
        (Status::SeeOther, Some("/admin")),
        "no factor yet: one step"
    );
    let secret = enrol(&first).await;
    let audit: i64 = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'staff.totp_enabled'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 1);

    // A new browser: the password alone no longer opens the dashboard.
    let second = Client::tracked(app(dir.path(), "")).await.unwrap();
    let (s, location) = password_step(&second, "boss@example.com").await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/admin/login/totp?next=%2Fadmin"));
    assert_eq!(
        second.get("/admin").dispatch().await.status(),
        Status::SeeOther
    );
    assert_eq!(
        second.get("/admin/login/totp").dispatch().await.status(),
        Status::Ok
    );
    let res = common::submit(
        &second,
        "/admin/login/totp",
        "/admin/login/totp",
        &[("code", "123456"), ("next", "/admin")],
    )
    .await;
    assert_eq!(res.status(), Status::Ok, "wrong code: form again");
    // The code used to confirm enrolment is spent; the next step's code (clock drift) works once.
    let code = code_at(&secret, now() + 30);
    let res = common::submit(
        &second,
        "/admin/login/totp",
        "/admin/login/totp",
        &[("code", &code), ("next", "/admin/users")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(res.headers().get_one("Location"), Some("/admin/users"));
    assert_eq!(second.get("/admin").dispatch().await.status(), Status::Ok);
    // Replay of the same code in a third browser: refused.
    let third = Client::tracked(app(dir.path(), "")).await.unwrap();
    password_step(&third, "boss@example.com").await;
    let res = common::submit(
        &third,
        "/admin/login/totp",
        "/admin/login/totp",
        &[("code", &code)],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        third.get("/admin").dispatch().await.status(),
        Status::SeeOther
    );
    // Without the password step, the code page sends back to the login.
    let stranger = Client::tracked(app(dir.path(), "")).await.unwrap();
    let res = stranger.get("/admin/login/totp").dispatch().await;
    assert_eq!(res.headers().get_one("Location"), Some("/admin/login"));

    // Guessing is rate-limited.
    let mut limited = false;
    for _ in 0..30 {
        let res = common::submit(
            &third,
            "/admin/login/totp",
            "/admin/login/totp",
            &[("code", "999999")],
        )
        .await;
        if res.status() == Status::TooManyRequests {
            limited = true;
            break;
        }
    }
    assert!(limited, "code guesses are rate-limited");

    // Turning it off needs a current code.
    let res = common::submit(
        &second,
        "/admin/profile",
        "/admin/profile/totp/disable",
        &[("code", "000000")],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    // (Time passes: the next 30-second step begins. Simulated by moving the spent step back.)
    rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .execute("UPDATE staff_totp SET last_step = last_step - 2", [])
        .unwrap();
    let code = code_at(&secret, now());
    let res = common::submit(
        &second,
        "/admin/profile",
        "/admin/profile/totp/disable",
        &[("code", &code)],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let fourth = Client::tracked(app(dir.path(), "")).await.unwrap();
    let (_, location) = password_step(&fourth, "boss@example.com").await;
    assert_eq!(location.as_deref(), Some("/admin"));
}

#[rocket::async_test]
async fn required_second_factor_forces_enrolment() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path(), "agent@example.com", "agent");
    let client = Client::tracked(app(dir.path(), "staff_totp_required = true"))
        .await
        .unwrap();
    let (s, _) = password_step(&client, "agent@example.com").await;
    assert_eq!(s, Status::SeeOther);
    for path in [
        "/admin",
        "/admin/users",
        "/admin/analytics",
        "/admin/emails",
    ] {
        let res = client.get(path).dispatch().await;
        assert_eq!(res.status(), Status::SeeOther, "{path}");
        assert_eq!(
            res.headers().get_one("Location"),
            Some("/admin/profile"),
            "{path}"
        );
    }
    let page = client
        .get("/admin/profile")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("exige un second facteur"));
    enrol(&client).await;
    assert_eq!(client.get("/admin").dispatch().await.status(), Status::Ok);
    // Required: it cannot be turned off.
    let res = common::submit(
        &client,
        "/admin/profile",
        "/admin/profile/totp/disable",
        &[("code", "000000")],
    )
    .await;
    assert_eq!(res.status(), Status::Forbidden);
}

/// Audit finding (issue 12): enrolment offered only the secret as text, and the secret was
/// stored in clear, so a copy of the database gave away every staff member's second factor.
#[rocket::async_test]
async fn enrolment_shows_a_qr_code_and_the_secret_is_stored_sealed() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path(), "boss@example.com", "admin");
    let client = Client::tracked(app(dir.path(), "")).await.unwrap();
    password_step(&client, "boss@example.com").await;
    common::submit(&client, "/admin/profile", "/admin/profile/totp/start", &[]).await;
    let page = client
        .get("/admin/profile")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        page.contains("<svg role=\"img\" aria-label=\"QR code à scanner"),
        "a labelled QR code is shown"
    );
    assert!(!page.contains("<?xml"), "inline SVG, no XML prolog in HTML");
    let secret = enrol(&client).await;
    let stored: String = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .query_row("SELECT secret FROM staff_totp", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("v1:"), "sealed: {stored}");
    assert!(!stored.contains(&secret));

    // The sealed secret still signs in, from a new browser.
    let second = Client::tracked(app(dir.path(), "")).await.unwrap();
    password_step(&second, "boss@example.com").await;
    let res = common::submit(
        &second,
        "/admin/login/totp",
        "/admin/login/totp",
        &[("code", &code_at(&secret, now() + 30)), ("next", "/admin")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(second.get("/admin").dispatch().await.status(), Status::Ok);
    // The sign-in through the second step is in the audit log with the client's address.
    let with_address: i64 = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'staff.login' AND target LIKE 'ip:%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        with_address >= 2,
        "password step and code step both recorded"
    );
}

#[rocket::async_test]
async fn a_secret_stored_in_clear_by_an_older_version_is_sealed_at_start_and_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path(), "boss@example.com", "admin");
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .execute(
            "INSERT INTO staff_totp (user_id, secret, enabled_at)
             SELECT id, ?1, '2026-01-01T00:00:00Z' FROM users WHERE email = 'boss@example.com'",
            [secret],
        )
        .unwrap();
    let client = Client::tracked(app(dir.path(), "")).await.unwrap();
    let stored: String = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .query_row("SELECT secret FROM staff_totp", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("v1:") && !stored.contains(secret));
    let (_, location) = password_step(&client, "boss@example.com").await;
    assert_eq!(location.as_deref(), Some("/admin/login/totp?next=%2Fadmin"));
    let res = common::submit(
        &client,
        "/admin/login/totp",
        "/admin/login/totp",
        &[("code", &code_at(secret, now())), ("next", "/admin")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(client.get("/admin").dispatch().await.status(), Status::Ok);
}

#[rocket::async_test]
async fn the_system_page_warns_while_a_second_factor_is_optional() {
    for (setting, warned) in [("", true), ("staff_totp_required = true", false)] {
        let dir = tempfile::tempdir().unwrap();
        seed(dir.path(), "boss@example.com", "admin");
        let client = Client::tracked(app(dir.path(), setting)).await.unwrap();
        password_step(&client, "boss@example.com").await;
        if !warned {
            enrol(&client).await;
        }
        let page = client
            .get("/admin/system")
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap();
        assert_eq!(
            page.contains("FLIGHTCLAIM_STAFF_TOTP_REQUIRED=true"),
            warned,
            "{setting:?}"
        );
    }
}

/// A secret-key rotation (docs/RUNBOOK.md): with the former key as `secret_key_previous`, a
/// staff member's second factor keeps working and is sealed again under the new key, so the
/// former key can then be dropped. Without this, rotating the key after a leak locked every
/// staff member with a second factor out.
#[rocket::async_test]
async fn a_secret_key_rotation_keeps_second_factors_working() {
    use base64::Engine as _;
    let key = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 64]);
    let (old_key, new_key) = (key(7), key(9));
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path(), "boss@example.com", "admin");
    let before = Client::tracked(app(dir.path(), &format!("secret_key = \"{old_key}\"")))
        .await
        .unwrap();
    password_step(&before, "boss@example.com").await;
    let secret = enrol(&before).await;
    drop(before);

    let rotating = Client::tracked(app(
        dir.path(),
        &format!("secret_key = \"{new_key}\"\nsecret_key_previous = \"{old_key}\""),
    ))
    .await
    .unwrap();
    let (_, location) = password_step(&rotating, "boss@example.com").await;
    assert_eq!(location.as_deref(), Some("/admin/login/totp?next=%2Fadmin"));
    let res = common::submit(
        &rotating,
        "/admin/login/totp",
        "/admin/login/totp",
        &[("code", &code_at(&secret, now() + 30)), ("next", "/admin")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther, "the factor still opens");
    assert_eq!(rotating.get("/admin").dispatch().await.status(), Status::Ok);

    // Stored under the new key alone now: the former key can go.
    let stored: String = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .query_row("SELECT secret FROM staff_totp", [], |r| r.get(0))
        .unwrap();
    let new_only = flightclaim::crypto::Sealer::new(
        &flightclaim::config::Secret::new(new_key),
        flightclaim::crypto::Purpose::TotpSecret,
    );
    assert_eq!(
        new_only.open(&stored).map(String::from_utf8),
        Some(Ok(secret))
    );
}
