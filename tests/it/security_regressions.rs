//! Regression tests for the audit's critical finding (issue 12): staff could take over any
//! account, admin included, by reading one-time links in the outbox. Each test reproduces the
//! attack as the audit did and fails on the code before the fix.

use crate::common;

use rocket::http::Status;
use rocket::local::asynchronous::Client;

const PASSWORD: &str = "correct horse battery staple 42";

fn seed(dir: &std::path::Path, email: &str, role: &str) {
    common::seed_user(dir, email, role, PASSWORD);
}

async fn staff_client(dir: &std::path::Path, email: &str) -> Client {
    common::staff_client(dir, email, PASSWORD).await
}

async fn body(client: &Client, path: &str) -> (Status, String) {
    let res = client.get(path).dispatch().await;
    let status = res.status();
    (status, res.into_string().await.unwrap_or_default())
}

/// The token after `prefix` in the message as the recipient receives it.
fn received_token(dir: &std::path::Path, to: &str, kind: &str, prefix: &str) -> String {
    let row = common::received_mail(dir, to, kind);
    let start = row
        .body_text
        .find(prefix)
        .expect("link in the received mail")
        + prefix.len();
    row.body_text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn stored(dir: &std::path::Path, kind: &str) -> (i64, String) {
    rusqlite::Connection::open(dir.join("flightclaim.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT id, subject || body_text || body_html || coalesce(secrets, '') FROM outbox
             WHERE kind = ?1 ORDER BY id DESC LIMIT 1",
            [kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[rocket::async_test]
async fn an_agent_cannot_take_over_the_admin_through_a_reset_link_in_the_outbox() {
    let (anonymous, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    seed(dir.path(), "second@example.com", "admin");
    seed(dir.path(), "agent@example.com", "agent");

    // The audit's reproduction: an anonymous reset request for the admin's address…
    let res = common::submit(
        &anonymous,
        "/password/forgot",
        "/password/forgot",
        &[("email", "boss@example.com")],
    )
    .await;
    assert!(res.status().code < 400);
    let token = received_token(
        dir.path(),
        "boss@example.com",
        "password_reset",
        "/password/reset/",
    );
    assert!(token.len() >= 20, "a real token reaches the recipient");
    let (id, stored_text) = stored(dir.path(), "password_reset");
    assert!(
        !stored_text.contains(&token),
        "the stored message never holds the link"
    );

    // …then the agent opens the outbox: refused, list, message and HTML preview alike.
    let agent = staff_client(dir.path(), "agent@example.com").await;
    for path in [
        "/admin/emails".to_string(),
        format!("/admin/emails/{id}"),
        format!("/admin/emails/{id}/html"),
    ] {
        let (status, page) = body(&agent, &path).await;
        assert_eq!(status, Status::Forbidden, "{path}");
        assert!(!page.contains(&token), "{path}");
    }
    let (_, overview) = body(&agent, "/admin").await;
    assert!(
        !overview.contains("href=\"/admin/emails\""),
        "no outbox link for agents"
    );

    // Another admin reads the message, but not the link, in any form.
    let other_admin = staff_client(dir.path(), "second@example.com").await;
    for path in [
        format!("/admin/emails/{id}"),
        format!("/admin/emails/{id}/html"),
    ] {
        let (status, page) = body(&other_admin, &path).await;
        assert_eq!(status, Status::Ok, "{path}");
        assert!(!page.contains(&token), "{path} shows no token");
        assert!(
            page.contains("[hidden-link-1]"),
            "{path} says a link is hidden"
        );
    }
    let (_, page) = body(&other_admin, &format!("/admin/emails/{id}")).await;
    assert!(
        page.contains("exemplaire du destinataire les contient"),
        "the page explains why"
    );

    // Sending again (a staff action) puts the message back in the queue for its recipient and
    // still shows no token.
    let res = common::submit(
        &other_admin,
        &format!("/admin/emails/{id}"),
        &format!("/admin/emails/{id}/retry"),
        &[],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_, page) = body(&other_admin, &format!("/admin/emails/{id}")).await;
    assert!(!page.contains(&token));

    // The recipient's link works.
    let (status, page) = body(&anonymous, &format!("/password/reset/{token}")).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("name=\"password\""), "the reset form opens");
}

#[rocket::async_test]
async fn a_pending_invitation_cannot_be_accepted_from_the_outbox() {
    let (_c, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let res = common::submit(
        &admin,
        "/admin/users",
        "/admin/invitations",
        &[("email", "newcomer@example.com")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let token = received_token(
        dir.path(),
        "newcomer@example.com",
        "staff_invitation",
        "/admin/invitation/",
    );
    let (id, stored_text) = stored(dir.path(), "staff_invitation");
    assert!(!stored_text.contains(&token));
    let (_, page) = body(&admin, &format!("/admin/emails/{id}")).await;
    assert!(!page.contains(&token));
    assert!(page.contains("/admin/invitation/[hidden-link-1]"));
    let (_, list) = body(&admin, "/admin/emails").await;
    assert!(!list.contains(&token));
}

#[rocket::async_test]
async fn verification_links_of_passengers_are_hidden_too() {
    let (anonymous, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    let res = common::submit(
        &anonymous,
        "/register",
        "/register",
        &[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let token = received_token(
        dir.path(),
        "ada@example.com",
        "email_verification",
        "/verify-email/",
    );
    let (id, stored_text) = stored(dir.path(), "email_verification");
    assert!(!stored_text.contains(&token));
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let (_, page) = body(&admin, &format!("/admin/emails/{id}")).await;
    assert!(!page.contains(&token));
}

#[rocket::async_test]
async fn links_stored_by_an_older_version_are_sealed_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = common::test_config(dir.path(), "");
    // A database as the previous version left it: bodies with the token in clear.
    drop(flightclaim::app::build(cfg.clone()).unwrap());
    let token = "LegacyToken_0123456789abcdefABCDEF-xyz";
    let conn = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3")).unwrap();
    for (id, status) in [(1, "queued"), (2, "sent")] {
        conn.execute(
            "INSERT INTO outbox (id, message_id, kind, to_addr, locale, subject, body_text,
                 body_html, status, next_attempt_at, created_at, updated_at)
             VALUES (?1, ?2, 'password_reset', 'old@example.com', 'fr', 'Reset', ?3, ?4, ?5,
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
                     '2026-01-01T00:00:00.000Z')",
            rusqlite::params![
                id,
                format!("<legacy{id}@x>"),
                format!("Open http://127.0.0.1:8000/password/reset/{token} soon"),
                format!("<a href=\"http://127.0.0.1:8000/password/reset/{token}\">go</a>"),
                status,
            ],
        )
        .unwrap();
    }
    drop(conn);
    drop(flightclaim::app::build(cfg).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3")).unwrap();
    let leftovers: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE body_text || body_html LIKE '%' || ?1 || '%'",
            [token],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leftovers, 0, "no stored body keeps the token");
    let sent_secrets: Option<String> = conn
        .query_row("SELECT secrets FROM outbox WHERE id = 2", [], |r| r.get(0))
        .unwrap();
    assert!(sent_secrets.is_none(), "a sent message keeps no secret");
    // The queued one still reaches its recipient with the working link.
    let row = common::received_mail(dir.path(), "old@example.com", "password_reset");
    assert_eq!(row.id, 2, "newest first");
    let queued = flightclaim::db::outbox::find_by_id(&conn, 1).unwrap();
    let key = common::test_key(&common::test_config(dir.path(), ""));
    let sealer = flightclaim::crypto::Sealer::new(&key, flightclaim::crypto::Purpose::MailSecrets);
    let revealed = flightclaim::mail::sealed::reveal(&queued, &sealer);
    assert!(
        revealed
            .body_text
            .contains(&format!("/password/reset/{token} soon"))
    );
    assert!(
        revealed
            .body_html
            .contains(&format!("/password/reset/{token}\""))
    );
}
