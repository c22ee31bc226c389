//! Getting back in from any device (issue #19): a signed-out visitor of any claim page is sent
//! to sign in and back, with the same answer for a real and a made-up reference; the emailed
//! sign-in link works once, expires, is revoked by a password change, never sits readable in
//! the outbox and is not given to staff accounts; an account made by a claim has no password
//! and its page works: it chooses one, and deletes itself through an emailed link.

use crate::common;
use crate::flow;

use flow::{get, location, post};
use rocket::http::Status;
use rocket::local::asynchronous::Client;

async fn other_device(dir: &std::path::Path) -> Client {
    Client::tracked(flightclaim::app::build(common::test_config(dir, "")).unwrap())
        .await
        .unwrap()
}

/// A claim filed while signed out by `email` (one adult passenger); returns its reference.
async fn filed_signed_out(client: &Client, email: &str) -> String {
    flow::to_documents(client, email, &[("Léa", "Moreau", false)]).await;
    let res = post(client, "/claims/new/documents/seen", &[]).await;
    assert_eq!(location(&res), "/claims/new/mandate");
    flow::sign_and_submit(client, &[(0, "Léa Moreau")]).await
}

/// The sign-in link path (`/login/link/<token>?next=…`) of the newest sign-in email to `email`.
fn emailed_link(dir: &std::path::Path, email: &str) -> String {
    let mail = common::received_mail(dir, email, "sign_in_link");
    let body = &mail.body_text;
    let start = body.find("/login/link/").expect("a sign-in link");
    let end = body[start..]
        .find(char::is_whitespace)
        .map_or(body.len(), |e| start + e);
    body[start..end].to_string()
}

fn sign_in_mails(dir: &std::path::Path, email: &str) -> usize {
    common::received_mails(dir, email, "sign_in_link").len()
}

#[rocket::async_test]
async fn an_email_link_opens_the_claim_on_another_device() {
    let (filer, dir) = common::client().await;
    let claim_ref = filed_signed_out(&filer, "lea@example.com").await;
    let claim_path = format!("/claims/{claim_ref}");
    let phone = other_device(dir.path()).await;

    // A signed-out visitor is sent to sign in and back — for a real claim, a made-up one and a
    // malformed one alike.
    for path in [claim_path.as_str(), "/claims/FC-2A2A2A", "/claims/nonsense"] {
        let (status, _, loc) = get(&phone, path).await;
        assert_eq!(status, Status::SeeOther, "{path}");
        let expected = format!("/login?next={}", path.replace('/', "%2F"));
        assert_eq!(loc.as_deref(), Some(expected.as_str()), "{path}");
    }
    let (_, login, _) = get(
        &phone,
        &format!("/login?next=%2Fclaims%2F{claim_ref}&lang=en"),
    )
    .await;
    assert!(login.contains("Email me a sign-in link"), "{login}");
    assert!(login.contains(&format!("value=\"/claims/{claim_ref}\"")));

    // The same answer for an address with an account and one without.
    let res = post(
        &phone,
        "/login/link",
        &[("email", "lea@example.com"), ("next", &claim_path)],
    )
    .await;
    let known = res.into_string().await.unwrap();
    let res = post(
        &phone,
        "/login/link",
        &[("email", "nobody@example.com"), ("next", &claim_path)],
    )
    .await;
    let unknown = res.into_string().await.unwrap();
    assert!(known.contains("Check your inbox"), "{known}");
    assert_eq!(
        known.replace(char::is_whitespace, "").len(),
        unknown.replace(char::is_whitespace, "").len()
    );
    assert_eq!(sign_in_mails(dir.path(), "nobody@example.com"), 0);

    // The link is not readable in the outbox staff can open.
    let link = emailed_link(dir.path(), "lea@example.com");
    let token = link
        .trim_start_matches("/login/link/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let stored: String = flow::db(dir.path())
        .query_row(
            "SELECT body_text FROM outbox WHERE kind = 'sign_in_link'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored.contains(&token), "{stored}");

    // Opening the link does not use it (mail scanners open links); the button does.
    let (status, page, _) = get(&phone, &format!("{link}&lang=en")).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Sign in to FlightClaim"), "{page}");
    let (status, _, _) = get(&phone, &link).await;
    assert_eq!(status, Status::Ok, "still valid after two visits");
    let res = post(
        &phone,
        &format!("/login/link/{token}"),
        &[("next", &claim_path)],
    )
    .await;
    assert_eq!(location(&res), claim_path);
    let (status, claim_page, _) = get(&phone, &claim_path).await;
    assert_eq!(status, Status::Ok);
    assert!(claim_page.contains(&claim_ref));
    assert!(claim_page.contains("Léa Moreau"), "{claim_page}");

    // Single use: a second device cannot use it again.
    let third = other_device(dir.path()).await;
    let res = post(
        &third,
        &format!("/login/link/{token}"),
        &[("next", &claim_path)],
    )
    .await;
    let page = res.into_string().await.unwrap();
    assert!(
        page.contains("no longer valid") || page.contains("plus valable"),
        "{page}"
    );
    let (status, _, _) = get(&third, &claim_path).await;
    assert_eq!(status, Status::SeeOther);
}

#[rocket::async_test]
async fn sign_in_links_expire_are_revoked_and_skip_staff() {
    let (client, dir) = common::client().await;
    common::seed_user(
        dir.path(),
        "max@example.com",
        "passenger",
        "a long passphrase 42",
    );
    common::seed_user(
        dir.path(),
        "agent@example.com",
        "agent",
        "a long passphrase 43",
    );

    // Staff sign in with a password and a second factor: no link for them.
    let res = post(
        &client,
        "/login/link",
        &[("email", "agent@example.com"), ("next", "/account")],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(sign_in_mails(dir.path(), "agent@example.com"), 0);

    // An expired link does not sign in.
    let _ = post(
        &client,
        "/login/link",
        &[("email", "max@example.com"), ("next", "/account")],
    )
    .await;
    let link = emailed_link(dir.path(), "max@example.com");
    flow::db(dir.path())
        .execute(
            "UPDATE account_tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE purpose = 'sign_in'",
            [],
        )
        .unwrap();
    let (_, page, _) = get(&client, &link).await;
    assert!(page.contains("plus valable"), "{page}");

    // A password change (here by a reset link) revokes the links sent before it.
    let _ = post(
        &client,
        "/login/link",
        &[("email", "max@example.com"), ("next", "/account")],
    )
    .await;
    let link = emailed_link(dir.path(), "max@example.com");
    let (status, _, _) = get(&client, &link).await;
    assert_eq!(status, Status::Ok);
    let _ = post(&client, "/password/forgot", &[("email", "max@example.com")]).await;
    let reset = common::received_mail(dir.path(), "max@example.com", "password_reset").body_text;
    let start = reset.find("/password/reset/").unwrap();
    let end = reset[start..]
        .find(char::is_whitespace)
        .map_or(reset.len(), |e| start + e);
    let res = post(
        &client,
        &reset[start..end],
        &[
            ("password", "another passphrase 77"),
            ("password_confirm", "another passphrase 77"),
        ],
    )
    .await;
    assert_eq!(location(&res), "/login");
    let action = link.split('?').next().unwrap();
    let res = post(&client, action, &[("next", "/account")]).await;
    assert_eq!(res.status(), Status::Ok, "refused, not redirected");
    let (status, _, _) = get(&client, "/account").await;
    assert_eq!(status, Status::SeeOther, "still signed out");

    // Bad input: a malformed address gets the form back with a translated error, not a 500.
    let res = post(
        &client,
        "/login/link?lang=en",
        &[("email", "not an address"), ("next", "//evil.example")],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    let page = res.into_string().await.unwrap();
    assert!(page.contains("aria-invalid=\"true\""), "{page}");
    assert!(!page.contains("evil.example"), "next is made local");
}

#[rocket::async_test]
async fn a_passwordless_account_page_works() {
    let (client, dir) = common::client().await;
    let claim_ref = filed_signed_out(&client, "lea@example.com").await;
    common::confirm_claim_account(&client, dir.path(), "lea@example.com").await;

    // No current password is asked of an account that has none.
    let (_, page, _) = get(&client, "/account?lang=en").await;
    assert!(page.contains("Choose a password"), "{page}");
    assert!(!page.contains("id=\"current_password\""));
    assert!(!page.contains("id=\"delete_password\""));

    // Deletion is confirmed by an emailed link; a claim in progress keeps the account.
    let res = post(&client, "/account/delete", &[("confirm", "true")]).await;
    assert_eq!(location(&res), "/account");
    let mail = common::received_mail(dir.path(), "lea@example.com", "account_deletion").body_text;
    let start = mail.find("/account/delete/").unwrap();
    let end = mail[start..]
        .find(char::is_whitespace)
        .map_or(mail.len(), |e| start + e);
    let link = mail[start..end].to_string();
    let (_, page, _) = get(&client, &format!("{link}?lang=en")).await;
    assert!(page.contains("Delete your account?"), "{page}");
    let res = post(&client, &link, &[]).await;
    assert_eq!(location(&res), "/account");
    let (_, page, _) = get(&client, "/account?lang=en").await;
    assert!(page.contains("still in progress"), "{page}");

    // Choosing a password: then it signs in elsewhere.
    let res = post(
        &client,
        "/account/password",
        &[
            ("password", "my chosen passphrase 5"),
            ("password_confirm", "my chosen passphrase 5"),
        ],
    )
    .await;
    assert_eq!(location(&res), "/account");
    let laptop = other_device(dir.path()).await;
    let res = post(
        &laptop,
        "/login",
        &[
            ("email", "lea@example.com"),
            ("password", "my chosen passphrase 5"),
            ("next", "/account"),
        ],
    )
    .await;
    assert_eq!(location(&res), "/account");

    // Once the claim is over (withdrawn), deleting keeps the claim without the account.
    let res = post(
        &client,
        &format!("/claims/{claim_ref}/withdraw"),
        &[("confirm", "true")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let res = post(
        &client,
        "/account/delete",
        &[("confirm", "true"), ("password", "my chosen passphrase 5")],
    )
    .await;
    assert_eq!(location(&res), "/");
    let conn = flow::db(dir.path());
    let (email, name): (String, String) = conn
        .query_row(
            "SELECT u.email, u.name FROM claims c JOIN users u ON u.id = c.user_id WHERE c.ref = ?1",
            [&claim_ref],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        email.ends_with("@deleted.invalid") && name.is_empty(),
        "{email}"
    );
    let res = post(
        &laptop,
        "/login",
        &[
            ("email", "lea@example.com"),
            ("password", "my chosen passphrase 5"),
            ("next", "/account"),
        ],
    )
    .await;
    assert_ne!(location(&res), "/account", "the account is gone");
}
