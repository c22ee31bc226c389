//! Passenger accounts through the real forms: registration, sign-in, the account page, and the
//! rules around them (passwords, CSRF, rate limits, other people's sessions).

use crate::common;

use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

const GOOD_PASSWORD: &str = "violet tandem orbit 93 caramel";

async fn csrf(client: &Client, page: &str) -> String {
    let html = client
        .get(page.to_string())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    common::csrf_from(&html)
}

async fn post<'c>(
    client: &'c Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'c> {
    common::submit(client, page, action, fields).await
}

/// Registers, then (when an account was created) opens it with the emailed link, as a
/// passenger does. Returns the answer to the registration form.
async fn register<'c>(
    client: &'c Client,
    name: &str,
    email: &str,
    password: &str,
) -> LocalResponse<'c> {
    let res = post(
        client,
        "/register",
        "/register",
        &[
            ("name", name),
            ("email", email),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await;
    if res.headers().get_one("Location") == Some("/register/sent") {
        common::confirm_registration(client, email).await;
    }
    res
}

#[rocket::async_test]
async fn registration_opens_the_account_through_the_emailed_link() {
    let (client, dir) = common::client().await;
    let res = post(
        &client,
        "/register",
        "/register",
        &[
            ("name", "Marie Curie"),
            ("email", "marie@example.com"),
            ("password", GOOD_PASSWORD),
            ("password_confirm", GOOD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(res.headers().get_one("Location"), Some("/register/sent"));
    let sent = client
        .get("/register/sent")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(sent.contains("Vérifiez votre boîte mail"), "{sent}");
    // No account before the address is confirmed, even with the right password.
    assert_eq!(
        client.get("/account").dispatch().await.status(),
        Status::SeeOther
    );
    let login = post(
        &client,
        "/login",
        "/login",
        &[("email", "marie@example.com"), ("password", GOOD_PASSWORD)],
    )
    .await;
    assert_eq!(login.status(), Status::Ok, "refused until confirmed");
    assert!(
        login
            .into_string()
            .await
            .unwrap()
            .contains("nous venons de vous renvoyer le lien par e-mail"),
        "the page says why and that a new link was sent"
    );
    assert_eq!(
        client.get("/account").dispatch().await.status(),
        Status::SeeOther
    );
    // The emailed link opens it (a new one was sent at the refused sign-in: the newest works).
    assert!(common::confirm_registration(&client, "marie@example.com").await);
    let page = client
        .get("/account")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("Bonjour Marie Curie"), "{page}");
    assert!(!page.contains("Confirmez votre adresse marie@example.com"));
    // And the password works from now on, in another browser.
    let other =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    let res = post(
        &other,
        "/login",
        "/login",
        &[("email", "marie@example.com"), ("password", GOOD_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn registration_errors_keep_what_was_typed() {
    let (client, _dir) = common::client().await;
    let res = post(
        &client,
        "/register?lang=en",
        "/register",
        &[
            ("name", ""),
            ("email", "not-an-email"),
            ("password", "password123"),
            ("password_confirm", "password124"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    let page = res.into_string().await.unwrap();
    for msg in [
        "Enter your full name.",
        "Enter a valid email address",
        "too easy to guess",
        "not the same",
    ] {
        assert!(page.contains(msg), "{msg}");
    }
    assert!(page.contains("value=\"not-an-email\""), "typed email kept");
    assert!(!page.contains("password123"), "passwords never echoed");
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(
        page.contains("href=\"#email\""),
        "error summary links to the field"
    );
}

#[rocket::async_test]
async fn duplicate_email_is_refused_case_insensitively() {
    let (client, dir) = common::client().await;
    let first = register(&client, "A", "same@example.com", GOOD_PASSWORD).await;
    let first = (
        first.headers().get_one("Location").map(str::to_string),
        first.headers().get("Set-Cookie").count(),
    );
    let stranger =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    // The page answers exactly as for a new account (issue #12: it must not tell who has
    // one): same redirect, same page after it, no cookie; the owner of the address is told by
    // email, and no second account is made.
    let res = register(&stranger, "B", "SAME@example.com", GOOD_PASSWORD).await;
    let second = (
        res.headers().get_one("Location").map(str::to_string),
        res.headers().get("Set-Cookie").count(),
    );
    assert_eq!(first, second);
    assert_eq!(second, (Some("/register/sent".to_string()), 0));
    let conn = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3")).unwrap();
    let (accounts, hints): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM users),
                    (SELECT count(*) FROM outbox WHERE kind = 'account_exists' AND to_addr = 'same@example.com')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((accounts, hints), (1, 1));
    assert_eq!(
        stranger.get("/account").dispatch().await.status(),
        Status::SeeOther,
        "not signed in to the existing account"
    );
}

#[rocket::async_test]
async fn names_are_escaped() {
    let (client, _dir) = common::client().await;
    register(
        &client,
        "<script>alert(1)</script>",
        "x@example.com",
        GOOD_PASSWORD,
    )
    .await;
    let page = client
        .get("/account")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("&lt;script&gt;"));
}

#[rocket::async_test]
async fn sign_in_out_and_the_account_page_needs_a_session() {
    let (client, _dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    let res = post(&client, "/account", "/logout", &[]).await;
    assert_eq!(res.status(), Status::SeeOther);

    let res = client.get("/account").dispatch().await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(
        res.headers().get_one("Location"),
        Some("/login?next=%2Faccount")
    );

    let res = post(
        &client,
        "/login",
        "/login",
        &[
            ("email", "ada@example.com"),
            ("password", "wrong password here"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Adresse e-mail ou mot de passe incorrect")
    );
    let res = post(
        &client,
        "/login",
        "/login",
        &[("email", "nobody@example.com"), ("password", GOOD_PASSWORD)],
    )
    .await;
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Adresse e-mail ou mot de passe incorrect"),
        "same answer for unknown accounts"
    );

    let res = post(
        &client,
        "/login",
        "/login",
        &[
            ("email", "ADA@example.com"),
            ("password", GOOD_PASSWORD),
            ("next", "/faq"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(res.headers().get_one("Location"), Some("/faq"));
    let res = post(
        &client,
        "/login",
        "/login",
        &[
            ("email", "ada@example.com"),
            ("password", GOOD_PASSWORD),
            ("next", "//evil.example"),
        ],
    )
    .await;
    assert_eq!(res.headers().get_one("Location"), Some("/account"));
    assert_eq!(client.get("/account").dispatch().await.status(), Status::Ok);
}

#[rocket::async_test]
async fn session_cookie_is_hardened_and_rotates_at_sign_in() {
    let (client, _dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    let first = client
        .cookies()
        .get_private("fc_session")
        .expect("signed in by the emailed link")
        .value()
        .to_string();
    let res = post(
        &client,
        "/login",
        "/login",
        &[("email", "ada@example.com"), ("password", GOOD_PASSWORD)],
    )
    .await;
    let cookie = res
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("fc_session="))
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let second = client
        .cookies()
        .get_private("fc_session")
        .unwrap()
        .value()
        .to_string();
    assert_ne!(first, second, "a new session token at sign-in");
}

#[rocket::async_test]
async fn per_account_failures_slow_down_but_never_lock_out_the_owner() {
    let (client, _dir) = common::client_with("rate_limit_account = \"3/hour\"").await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    for i in 0..4 {
        let ip = format!("203.0.113.{i}:1000").parse().unwrap();
        let token = csrf(&client, "/login").await;
        let body = format!(
            "csrf_token={}&email=ada%40example.com&password=nope",
            common::enc(&token)
        );
        let res = client
            .post("/login")
            .remote(ip)
            .header(ContentType::Form)
            .body(body)
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Ok);
    }
    // Past the account's ceiling, the owner's own device is slowed, not refused (issue #12).
    let res = post(
        &client,
        "/login",
        "/login",
        &[("email", "ada@example.com"), ("password", GOOD_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn ip_limit_on_sign_in() {
    let (client, _dir) = common::client_with("rate_limit_auth = \"4/min\"").await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            post(
                &client,
                "/login",
                "/login",
                &[("email", "a@example.com"), ("password", "x")],
            )
            .await
            .status(),
        );
    }
    assert_eq!(statuses.last(), Some(&Status::TooManyRequests));
}

#[rocket::async_test]
async fn change_password_signs_out_other_devices() {
    let (phone, dir) = common::client().await;
    register(&phone, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    // A second browser on the same server, signed in too.
    let laptop =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    post(
        &laptop,
        "/login",
        "/login",
        &[("email", "ada@example.com"), ("password", GOOD_PASSWORD)],
    )
    .await;
    assert_eq!(laptop.get("/account").dispatch().await.status(), Status::Ok);

    let res = post(
        &phone,
        "/account",
        "/account/password",
        &[
            ("current_password", "wrong"),
            ("password", "another long passphrase 42"),
            ("password_confirm", "another long passphrase 42"),
        ],
    )
    .await;
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Le mot de passe n&#39;est pas le bon")
    );
    let res = post(
        &phone,
        "/account",
        "/account/password",
        &[
            ("current_password", GOOD_PASSWORD),
            ("password", "another long passphrase 42"),
            ("password_confirm", "another long passphrase 42"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(
        phone.get("/account").dispatch().await.status(),
        Status::Ok,
        "this device stays signed in"
    );
    assert_eq!(
        laptop.get("/account").dispatch().await.status(),
        Status::SeeOther,
        "the other is signed out"
    );
}

#[rocket::async_test]
async fn sign_out_everywhere() {
    let (client, _dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    let res = post(&client, "/account", "/account/sessions", &[]).await;
    assert_eq!(res.headers().get_one("Location"), Some("/login"));
    assert_eq!(
        client.get("/account").dispatch().await.status(),
        Status::SeeOther
    );
}

#[rocket::async_test]
async fn language_preference_is_stored_and_applied() {
    let (client, _dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    let res = post(
        &client,
        "/account",
        "/account/profile",
        &[("name", "Ada Lovelace"), ("language", "en")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let page = client
        .get("/account")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("Hello Ada Lovelace"));
    let res = post(
        &client,
        "/account",
        "/account/profile",
        &[("name", "Ada"), ("language", "de")],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
}

#[rocket::async_test]
async fn export_then_delete() {
    let (client, _dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    let res = client.get("/account/export").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert!(
        res.headers()
            .get_one("Content-Disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let json: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(json["account"]["email"], "ada@example.com");
    assert!(json["account"].get("password_hash").is_none());

    let res = post(
        &client,
        "/account",
        "/account/delete",
        &[("password", GOOD_PASSWORD)],
    )
    .await;
    assert!(
        res.into_string().await.unwrap().contains("Cochez la case"),
        "needs the confirmation box"
    );
    let res = post(
        &client,
        "/account",
        "/account/delete",
        &[("password", GOOD_PASSWORD), ("confirm", "true")],
    )
    .await;
    assert_eq!(res.headers().get_one("Location"), Some("/"));
    let res = post(
        &client,
        "/login",
        "/login",
        &[("email", "ada@example.com"), ("password", GOOD_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), Status::Ok, "the account is gone");
}

#[rocket::async_test]
async fn forgot_password_answers_the_same_for_unknown_addresses() {
    let (client, _dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    let known = post(
        &client,
        "/password/forgot",
        "/password/forgot",
        &[("email", "ada@example.com")],
    )
    .await
    .into_string()
    .await
    .unwrap();
    let unknown = post(
        &client,
        "/password/forgot",
        "/password/forgot",
        &[("email", "nobody@example.com")],
    )
    .await
    .into_string()
    .await
    .unwrap();
    let strip = |s: &str| s.replace(|c: char| c.is_ascii_hexdigit(), "");
    assert!(known.contains("Vérifiez votre boîte mail"));
    assert_eq!(strip(&known).len(), strip(&unknown).len());
}

#[rocket::async_test]
async fn bad_links_are_explained_not_errors() {
    let (client, _dir) = common::client().await;
    let res = client.get("/password/reset/not-a-token").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Ce lien n&#39;est plus valable")
    );
    let token = "A".repeat(43);
    let res = client
        .get(format!("/verify-email/{token}"))
        .dispatch()
        .await;
    assert_eq!(
        res.headers().get_one("Location"),
        Some("/verify-email/invalid")
    );
    assert_eq!(
        client
            .get("/verify-email/invalid")
            .dispatch()
            .await
            .status(),
        Status::Ok
    );
}

#[rocket::async_test]
async fn forms_without_csrf_are_refused() {
    let (client, _dir) = common::client().await;
    let res = client
        .post("/register")
        .header(ContentType::Form)
        .body(format!(
            "name=A&email=a%40example.com&password={0}&password_confirm={0}",
            common::enc(GOOD_PASSWORD)
        ))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
}

/// The newest email of a kind sent to an address, as its recipient receives it (the stored
/// row keeps one-time links sealed): `(subject, text body, locale)`.
fn last_mail(dir: &std::path::Path, to: &str, kind: &str) -> (String, String, String) {
    let row = common::received_mail(dir, to, kind);
    (row.subject, row.body_text, row.locale)
}

/// The path of the first link to `prefix` in a text body.
fn link(body: &str, prefix: &str) -> String {
    let start = body.find(prefix).expect("link in the email");
    let end = body[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(body.len(), |e| start + e);
    body[start..end]
        .trim_end_matches(['.', ')', '>'])
        .to_string()
}

#[rocket::async_test]
async fn verification_email_in_the_passengers_language_confirms_the_address() {
    let (client, dir) = common::client().await;
    let res = post(
        &client,
        "/register?lang=en",
        "/register",
        &[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", GOOD_PASSWORD),
            ("password_confirm", GOOD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_subject, body, locale) = last_mail(dir.path(), "ada@example.com", "email_verification");
    assert_eq!(locale, "en");
    let path = link(&body, "/verify-email/");
    let res = client.get(path.clone()).dispatch().await;
    assert_eq!(res.headers().get_one("Location"), Some("/account"));
    let page = client
        .get("/account")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("Your email address is confirmed"));
    assert!(!page.contains("Confirm your address"));
    // A used link does not work twice.
    let res = client.get(path).dispatch().await;
    assert_eq!(
        res.headers().get_one("Location"),
        Some("/verify-email/invalid")
    );
}

#[rocket::async_test]
async fn reset_link_sets_a_new_password_once_and_signs_out_everywhere() {
    let (client, dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    post(
        &client,
        "/password/forgot",
        "/password/forgot",
        &[("email", "ADA@example.com")],
    )
    .await;
    let (_s, body, locale) = last_mail(dir.path(), "ada@example.com", "password_reset");
    assert_eq!(locale, "fr");
    let path = link(&body, "/password/reset/");
    assert_eq!(
        client.get(path.clone()).dispatch().await.status(),
        Status::Ok
    );

    let res = post(
        &client,
        &path,
        &path,
        &[("password", "short"), ("password_confirm", "short")],
    )
    .await;
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("au moins 10 caractères")
    );
    let new = "a brand new passphrase 77";
    let res = post(
        &client,
        &path,
        &path,
        &[("password", new), ("password_confirm", new)],
    )
    .await;
    assert_eq!(res.headers().get_one("Location"), Some("/login"));
    assert_eq!(
        client.get("/account").dispatch().await.status(),
        Status::SeeOther,
        "signed out everywhere"
    );
    let res = post(
        &client,
        "/login",
        &path,
        &[("password", new), ("password_confirm", new)],
    )
    .await;
    assert!(
        res.into_string().await.unwrap().contains("plus valable"),
        "single use"
    );
    let res = post(
        &client,
        "/login",
        "/login",
        &[("email", "ada@example.com"), ("password", new)],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn email_change_happens_when_the_new_address_confirms() {
    let (client, dir) = common::client().await;
    register(&client, "Ada", "ada@example.com", GOOD_PASSWORD).await;
    let res = post(
        &client,
        "/account",
        "/account/email",
        &[
            ("new_email", "ada@newmail.example"),
            ("password", GOOD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let page = client
        .get("/account")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        page.contains("Adresse actuelle : ada@example.com"),
        "not changed yet"
    );
    let (_s, body, _) = last_mail(dir.path(), "ada@newmail.example", "email_verification");
    client.get(link(&body, "/verify-email/")).dispatch().await;
    let page = client
        .get("/account")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("Adresse actuelle : ada@newmail.example"));
}
