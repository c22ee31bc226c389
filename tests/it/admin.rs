//! The staff dashboard: who may open what, and what staff actions leave behind.

use crate::common;

use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

const PASSWORD: &str = "staff passphrase for tests 1";

/// Creates an account with a role straight in the database, as `create-admin` would.
fn seed(dir: &std::path::Path, email: &str, role: &str) {
    let db = flightclaim::db::Db::open(&dir.join("flightclaim.sqlite3")).unwrap();
    let hash = flightclaim::accounts::password::hash(PASSWORD).unwrap();
    let email = email.to_string();
    let role = role.to_string();
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

async fn form(
    client: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (Status, Option<String>, String) {
    let res = common::submit(client, page, action, fields).await;
    let location = res.headers().get_one("Location").map(str::to_string);
    (
        res.status(),
        location,
        res.into_string().await.unwrap_or_default(),
    )
}

async fn staff_client(dir: &std::path::Path, email: &str) -> Client {
    let client = Client::tracked(flightclaim::app::build(common::test_config(dir, "")).unwrap())
        .await
        .unwrap();
    let (status, location, _) = form(
        &client,
        "/admin/login",
        "/admin/login",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, Status::SeeOther, "{email} signs in");
    assert_eq!(location.as_deref(), Some("/admin"));
    client
}

#[rocket::async_test]
async fn every_admin_page_by_role() {
    let (anonymous, dir) = common::client().await;
    seed(dir.path(), "agent@example.com", "agent");
    seed(dir.path(), "boss@example.com", "admin");
    seed(dir.path(), "pax@example.com", "passenger");
    let agent = staff_client(dir.path(), "agent@example.com").await;
    let admin = staff_client(dir.path(), "boss@example.com").await;
    // A passenger with a valid passenger session.
    let passenger =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    let (s, _, _) = form(
        &passenger,
        "/login",
        "/login",
        &[("email", "pax@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    // A passenger cannot use the staff sign-in either.
    let (s, _, body) = form(
        &passenger,
        "/admin/login",
        "/admin/login",
        &[("email", "pax@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(s, Status::Ok);
    assert!(body.contains("Adresse, mot de passe ou droits incorrects"));

    // (path, anonymous, passenger, agent, admin)
    let table: [(&str, Status, Status, Status, Status); 6] = [
        (
            "/admin",
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            "/admin/users",
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            "/admin/emails",
            Status::SeeOther,
            Status::SeeOther,
            Status::Forbidden,
            Status::Ok,
        ),
        (
            "/admin/system",
            Status::SeeOther,
            Status::SeeOther,
            Status::Forbidden,
            Status::Ok,
        ),
        (
            "/admin/audit",
            Status::SeeOther,
            Status::SeeOther,
            Status::Forbidden,
            Status::Ok,
        ),
        (
            "/admin/emails/1",
            Status::SeeOther,
            Status::SeeOther,
            Status::Forbidden,
            Status::NotFound,
        ),
    ];
    for (path, anon, pax, ag, ad) in table {
        assert_eq!(
            anonymous.get(path).dispatch().await.status(),
            anon,
            "anonymous {path}"
        );
        assert_eq!(
            passenger.get(path).dispatch().await.status(),
            pax,
            "passenger {path}"
        );
        assert_eq!(
            agent.get(path).dispatch().await.status(),
            ag,
            "agent {path}"
        );
        assert_eq!(
            admin.get(path).dispatch().await.status(),
            ad,
            "admin {path}"
        );
    }
    let res = anonymous.get("/admin/users").dispatch().await;
    assert_eq!(
        res.headers().get_one("Location"),
        Some("/admin/login?next=%2Fadmin%2Fusers")
    );
}

#[rocket::async_test]
async fn staff_cookie_is_strict_and_scoped() {
    let (client, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    let html = client
        .get("/admin/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let body = format!(
        "csrf_token={}&email=boss%40example.com&password={}",
        common::enc(&common::csrf_from(&html)),
        common::enc(PASSWORD)
    );
    let res = client
        .post("/admin/login")
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    let cookie = res
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("fc_staff="))
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/admin")
            && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[rocket::async_test]
async fn role_changes_are_audited_and_agents_cannot_make_them() {
    let (_c, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    seed(dir.path(), "agent@example.com", "agent");
    seed(dir.path(), "pax@example.com", "passenger");
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let agent = staff_client(dir.path(), "agent@example.com").await;
    let pax_id: i64 = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT id FROM users WHERE email = 'pax@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let action = format!("/admin/users/{pax_id}/role");
    let (s, _, _) = form(&agent, "/admin/users", &action, &[("role", "admin")]).await;
    assert_eq!(s, Status::Forbidden);
    let (s, _, _) = form(&admin, "/admin/users", &action, &[("role", "superuser")]).await;
    assert_eq!(s, Status::BadRequest);
    let (s, _, _) = form(&admin, "/admin/users", &action, &[("role", "agent")]).await;
    assert_eq!(s, Status::SeeOther);
    let (s, _, _) = form(
        &admin,
        "/admin/users",
        &format!("/admin/users/{pax_id}/disabled"),
        &[("disabled", "true")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);

    let audit = admin
        .get("/admin/audit?action=user.role")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(audit.contains("boss@example.com") && audit.contains(&format!("user:{pax_id}")));
    assert!(
        audit.contains("passenger") && audit.contains("agent"),
        "before and after"
    );
    let audit = admin
        .get("/admin/audit?action=user.disabled")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(audit.contains("disabled"));
    // The audit log has no route that changes it.
    let res = admin.post("/admin/audit").dispatch().await;
    assert_eq!(res.status(), Status::NotFound);
}

#[rocket::async_test]
async fn emails_page_shows_previews_and_retries() {
    let (client, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    // A passenger registers: the verification email waits in the outbox (no SMTP configured).
    let (s, _, _) = form(
        &client,
        "/register",
        "/register",
        &[
            ("name", "Ada <b>"),
            ("email", "ada@example.com"),
            ("password", "violet tandem orbit 93 caramel"),
            ("password_confirm", "violet tandem orbit 93 caramel"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let list = admin
        .get("/admin/emails")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(list.contains("ada@example.com"), "{list}");
    let id: i64 = rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT id FROM outbox WHERE to_addr = 'ada@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let page = admin
        .get(format!("/admin/emails/{id}"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        page.contains("/verify-email/[hidden-link-1]"),
        "text part shown, link hidden"
    );
    assert!(!page.contains("Ada <b>"), "escaped");
    let html = admin
        .get(format!("/admin/emails/{id}/html"))
        .dispatch()
        .await;
    assert_eq!(html.status(), Status::Ok);
    let csp = html
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap()
        .to_string();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let (s, location, _) = form(
        &admin,
        &format!("/admin/emails/{id}"),
        &format!("/admin/emails/{id}/retry"),
        &[],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(location, Some(format!("/admin/emails/{id}")));
    let audit = admin
        .get("/admin/audit?action=email.retry")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(audit.contains(&format!("email:{id}")));
    // Hostile list parameters never break the page.
    for q in [
        "status=%3Cscript%3E",
        "page=-1",
        "page=99999999999999999999",
        "status=sent&page=abc",
    ] {
        assert_eq!(
            admin
                .get(format!("/admin/emails?{q}"))
                .dispatch()
                .await
                .status(),
            Status::Ok,
            "{q}"
        );
    }
}

#[rocket::async_test]
async fn system_page_and_the_test_email_without_smtp() {
    let (_c, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let page = admin
        .get("/admin/system?lang=en")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("Schema (current / expected)"));
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
    assert!(page.contains("secret_key"), "configuration summary");
    let (s, _, body) = form(
        &admin,
        "/admin/system",
        "/admin/system/test-email",
        &[("to", "ops@example.com")],
    )
    .await;
    assert_eq!(s, Status::Ok);
    assert!(body.contains("SMTP is not configured"), "an operator hint");
}

#[rocket::async_test]
async fn hostile_user_filters_are_echoed_escaped() {
    let (_c, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    let admin = staff_client(dir.path(), "boss@example.com").await;
    for q in [
        "q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%27%20OR%201%3D1%20--",
        "role=root",
        "before=-5",
        "before=999999999999999999999999",
        "q=%25%25%25",
    ] {
        let res = admin.get(format!("/admin/users?{q}")).dispatch().await;
        assert_eq!(res.status(), Status::Ok, "{q}");
        assert!(
            !res.into_string()
                .await
                .unwrap()
                .contains("<script>alert(1)"),
            "{q}"
        );
    }
}
