//! `/admin/users`: detail page, support actions (audited), roles, the last-admin rule and
//! staff invitations end to end.

#![allow(clippy::too_many_lines)] // journeys read top to bottom

use crate::common;

use rocket::http::Status;
use rocket::local::asynchronous::Client;

const PASSWORD: &str = "staff passphrase for tests 1";

fn db(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("flightclaim.sqlite3")).unwrap()
}

fn seed(dir: &std::path::Path, email: &str, role: &str) -> i64 {
    let db = flightclaim::db::Db::open(&dir.join("flightclaim.sqlite3")).unwrap();
    let hash = flightclaim::accounts::password::hash(PASSWORD).unwrap();
    let (email, role) = (email.to_string(), role.to_string());
    db.write_blocking(move |tx| {
        flightclaim::db::users::upsert_admin(tx, &email, &hash)?;
        tx.execute(
            "UPDATE users SET role = ?1 WHERE email = ?2",
            [&role, &email],
        )?;
        Ok(
            tx.query_row("SELECT id FROM users WHERE email = ?1", [&email], |r| {
                r.get(0)
            })?,
        )
    })
    .unwrap()
}

async fn sign_in(client: &Client, login: &str, email: &str, password: &str) -> Status {
    common::submit(
        client,
        login,
        login,
        &[("email", email), ("password", password)],
    )
    .await
    .status()
}

async fn staff_client(dir: &std::path::Path, email: &str) -> Client {
    let client = Client::tracked(flightclaim::app::build(common::test_config(dir, "")).unwrap())
        .await
        .unwrap();
    assert_eq!(
        sign_in(&client, "/admin/login", email, PASSWORD).await,
        Status::SeeOther,
        "{email}"
    );
    client
}

async fn post(
    client: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (Status, Option<String>) {
    let res = common::submit(client, page, action, fields).await;
    (
        res.status(),
        res.headers().get_one("Location").map(str::to_string),
    )
}

fn audit_rows(
    dir: &std::path::Path,
    action: &str,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    let conn = db(dir);
    let mut stmt = conn
        .prepare("SELECT actor, target, before, after FROM audit_log WHERE action = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([action], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn outbox_link(dir: &std::path::Path, to: &str, kind: &str, prefix: &str) -> String {
    let body = common::received_mail(dir, to, kind).body_text;
    let re = regex::Regex::new(&format!("{}([A-Za-z0-9_-]+)", regex::escape(prefix))).unwrap();
    re.captures(&body)
        .unwrap_or_else(|| panic!("no link in {body}"))[1]
        .to_string()
}

#[rocket::async_test]
async fn user_routes_by_role() {
    let (anonymous, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    seed(dir.path(), "agent@example.com", "agent");
    let pax = seed(dir.path(), "pax@example.com", "passenger");
    let other_agent = seed(dir.path(), "agent2@example.com", "agent");
    let agent = staff_client(dir.path(), "agent@example.com").await;
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let passenger =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    assert_eq!(
        sign_in(&passenger, "/login", "pax@example.com", PASSWORD).await,
        Status::SeeOther
    );

    // GET: (path, anonymous, passenger, agent, admin)
    let detail = format!("/admin/users/{pax}");
    for (path, an, pa, ag, ad) in [
        (
            detail.as_str(),
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            "/admin/users/999999",
            Status::SeeOther,
            Status::SeeOther,
            Status::NotFound,
            Status::NotFound,
        ),
        (
            "/admin/users/abc",
            Status::SeeOther,
            Status::SeeOther,
            Status::UnprocessableEntity,
            Status::UnprocessableEntity,
        ),
        (
            "/admin/users?q=%27%22%3Cscript%3E&before=-7",
            Status::SeeOther,
            Status::SeeOther,
            Status::Ok,
            Status::Ok,
        ),
        (
            "/admin/emails?before=99999999999999999999999&status=%3Cx%3E",
            Status::SeeOther,
            Status::SeeOther,
            Status::Forbidden,
            Status::Ok,
        ),
    ] {
        assert_eq!(
            anonymous.get(path).dispatch().await.status(),
            an,
            "anonymous {path}"
        );
        assert_eq!(
            passenger.get(path).dispatch().await.status(),
            pa,
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
    let body = agent
        .get("/admin/users?q=%3Cscript%3E")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(body.contains("&lt;script&gt;") && !body.contains("<script>"));

    // POST actions: agents may help passengers, not act on staff; roles and invitations are
    // admin-only.
    let on_agent = format!("/admin/users/{other_agent}");
    for (action, page, who, expected) in [
        (
            format!("{on_agent}/password-reset"),
            on_agent.clone(),
            &agent,
            Status::Forbidden,
        ),
        (
            format!("{on_agent}/resend-verification"),
            on_agent.clone(),
            &agent,
            Status::Forbidden,
        ),
        (
            format!("{detail}/role"),
            detail.clone(),
            &agent,
            Status::Forbidden,
        ),
        (
            format!("{detail}/disabled"),
            detail.clone(),
            &agent,
            Status::Forbidden,
        ),
        (
            "/admin/invitations".to_string(),
            "/admin/users".to_string(),
            &agent,
            Status::Forbidden,
        ),
        (
            format!("{detail}/resend-verification"),
            detail.clone(),
            &agent,
            Status::SeeOther,
        ),
    ] {
        let (status, _) = post(
            who,
            &page,
            &action,
            &[("role", "admin"), ("email", "x@example.com")],
        )
        .await;
        assert_eq!(status, expected, "{action}");
    }
    // Without the CSRF token: refused.
    let res = admin
        .post(format!("{detail}/password-reset"))
        .dispatch()
        .await;
    assert!(
        res.status() == Status::Forbidden
            || res.status() == Status::BadRequest
            || res.status() == Status::UnprocessableEntity,
        "{}",
        res.status()
    );
}

#[rocket::async_test]
async fn support_actions_are_audited_and_take_effect() {
    let (_c, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    seed(dir.path(), "agent@example.com", "agent");
    let pax = seed(dir.path(), "pax@example.com", "passenger");
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let agent = staff_client(dir.path(), "agent@example.com").await;
    let passenger =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    assert_eq!(
        sign_in(&passenger, "/login", "pax@example.com", PASSWORD).await,
        Status::SeeOther
    );
    let detail = format!("/admin/users/{pax}");

    // Resend verification (agent on a passenger whose address is not confirmed, e.g. since an
    // email change).
    rusqlite::Connection::open(dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .execute(
            "UPDATE users SET email_verified_at = NULL WHERE email = 'pax@example.com'",
            [],
        )
        .unwrap();
    let (s, location) = post(
        &agent,
        &detail,
        &format!("{detail}/resend-verification"),
        &[],
    )
    .await;
    assert_eq!(
        (s, location.as_deref()),
        (Status::SeeOther, Some(detail.as_str()))
    );
    outbox_link(
        dir.path(),
        "pax@example.com",
        "email_verification",
        "/verify-email/",
    );
    let rows = audit_rows(dir.path(), "user.resend_verification");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "agent@example.com");
    assert_eq!(rows[0].1, format!("user:{pax}"));
    let page = agent
        .get(detail.as_str())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        page.contains("E-mail de vérification renvoyé"),
        "flash shown"
    );

    // Force a password reset: sessions end, the old password stops working, a link is mailed.
    let (s, _) = post(&agent, &detail, &format!("{detail}/password-reset"), &[]).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(
        passenger.get("/account").dispatch().await.status(),
        Status::SeeOther,
        "signed out"
    );
    assert_ne!(
        sign_in(&passenger, "/login", "pax@example.com", PASSWORD).await,
        Status::SeeOther
    );
    let token = outbox_link(
        dir.path(),
        "pax@example.com",
        "password_reset",
        "/password/reset/",
    );
    assert_eq!(
        passenger
            .get(format!("/password/reset/{token}"))
            .dispatch()
            .await
            .status(),
        Status::Ok
    );
    let rows = audit_rows(dir.path(), "user.force_password_reset");
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].2.as_deref().unwrap_or("").contains("sessions"),
        "before: {:?}",
        rows[0]
    );

    // Disable: the passenger cannot sign in; enable again.
    let new_password = "a fresh passphrase for pax 9";
    let reset = format!("/password/reset/{token}");
    let res = common::submit(
        &passenger,
        &reset,
        &reset,
        &[
            ("password", new_password),
            ("password_confirm", new_password),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let (s, _) = post(
        &admin,
        &detail,
        &format!("{detail}/disabled"),
        &[("disabled", "true")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let fresh =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    assert_ne!(
        sign_in(&fresh, "/login", "pax@example.com", new_password).await,
        Status::SeeOther
    );
    let (s, _) = post(
        &admin,
        &detail,
        &format!("{detail}/disabled"),
        &[("disabled", "false")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(
        sign_in(&fresh, "/login", "pax@example.com", new_password).await,
        Status::SeeOther
    );
    let rows = audit_rows(dir.path(), "user.disabled");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].2.as_deref(), rows[0].3.as_deref()),
        (Some("enabled"), Some("disabled"))
    );
    assert_eq!(
        (rows[1].2.as_deref(), rows[1].3.as_deref()),
        (Some("disabled"), Some("enabled"))
    );

    // The detail page lists the account's claims section and the actions.
    let page = admin
        .get(detail.as_str())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("pax@example.com") && page.contains("/password-reset"));
}

#[rocket::async_test]
async fn the_last_admin_keeps_the_role() {
    let (_c, dir) = common::client().await;
    let boss = seed(dir.path(), "boss@example.com", "admin");
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let me = format!("/admin/users/{boss}");
    let (s, _) = post(&admin, &me, &format!("{me}/role"), &[("role", "agent")]).await;
    assert_eq!(s, Status::SeeOther);
    let role: String = db(dir.path())
        .query_row("SELECT role FROM users WHERE id = ?1", [boss], |r| r.get(0))
        .unwrap();
    assert_eq!(role, "admin", "last admin not demoted");
    assert!(audit_rows(dir.path(), "user.role").is_empty());

    // With a second admin, stepping down works, is audited, and ends the staff session.
    let second = seed(dir.path(), "second@example.com", "admin");
    let (s, location) = post(&admin, &me, &format!("{me}/role"), &[("role", "agent")]).await;
    assert_eq!(
        (s, location.as_deref()),
        (Status::SeeOther, Some("/admin/login"))
    );
    let rows = audit_rows(dir.path(), "user.role");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].2.as_deref(), rows[0].3.as_deref()),
        (Some("admin"), Some("agent"))
    );
    assert_eq!(
        admin.get("/admin").dispatch().await.status(),
        Status::SeeOther
    );
    // The remaining admin is now the last one.
    let other = staff_client(dir.path(), "second@example.com").await;
    let page = format!("/admin/users/{second}");
    post(
        &other,
        &page,
        &format!("{page}/role"),
        &[("role", "passenger")],
    )
    .await;
    let role: String = db(dir.path())
        .query_row("SELECT role FROM users WHERE id = ?1", [second], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(role, "admin");
}

#[rocket::async_test]
async fn an_invited_agent_joins_the_team() {
    let (_c, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    seed(dir.path(), "pax@example.com", "passenger");
    let admin = staff_client(dir.path(), "boss@example.com").await;

    let (s, _) = post(
        &admin,
        "/admin/users",
        "/admin/invitations",
        &[("email", "not an email")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (s, _) = post(
        &admin,
        "/admin/users",
        "/admin/invitations",
        &[("email", "pax@example.com")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let page = admin
        .get("/admin/users")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        page.contains("changez plutôt son rôle"),
        "existing account: no invitation"
    );
    let (s, _) = post(
        &admin,
        "/admin/users",
        "/admin/invitations",
        &[("email", "New.Agent@Example.com")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let rows = audit_rows(dir.path(), "staff.invite");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "email:New.Agent@example.com");
    let token = outbox_link(
        dir.path(),
        "New.Agent@example.com",
        "staff_invitation",
        "/admin/invitation/",
    );

    let visitor =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    let link = format!("/admin/invitation/{token}");
    let res = visitor.get(link.as_str()).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("New.Agent@example.com")
    );
    assert_eq!(
        visitor
            .get("/admin/invitation/not-a-token")
            .dispatch()
            .await
            .status(),
        Status::NotFound
    );

    // Weak password and mismatch: the form comes back with messages.
    let res = common::submit(
        &visitor,
        &link,
        &link,
        &[
            ("name", "Nadia Agent"),
            ("password", "short"),
            ("password_confirm", "other"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    let body = res.into_string().await.unwrap();
    assert!(body.contains("aria-invalid=\"true\"") && body.contains("Nadia Agent"));
    let password = "a long agent passphrase 2026";
    let res = common::submit(
        &visitor,
        &link,
        &link,
        &[
            ("name", "Nadia Agent"),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(
        res.headers().get_one("Location"),
        Some("/admin"),
        "signed in right away"
    );
    let res = visitor.get("/admin?lang=en").dispatch().await;
    assert_eq!(
        res.status(),
        Status::Ok,
        "the new agent is in the dashboard"
    );
    let body = res.into_string().await.unwrap();
    assert!(
        body.contains("Welcome to the team: you are signed in.") && body.contains("Nadia Agent")
    );
    assert!(
        audit_rows(dir.path(), "staff.login")
            .iter()
            .any(|r| r.0.eq_ignore_ascii_case("new.agent@example.com")),
        "the sign-in is audited"
    );
    common::submit(&visitor, "/admin", "/admin/logout", &[]).await;
    let (role, name): (String, String) = db(dir.path())
        .query_row(
            "SELECT role, name FROM users WHERE email = 'new.agent@example.com'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((role.as_str(), name.as_str()), ("agent", "Nadia Agent"));
    assert_eq!(audit_rows(dir.path(), "staff.invitation_accepted").len(), 1);
    // Single use.
    assert_eq!(
        visitor.get(link.as_str()).dispatch().await.status(),
        Status::NotFound
    );
    // The new agent signs in to the dashboard.
    assert_eq!(
        sign_in(&visitor, "/admin/login", "new.agent@example.com", password).await,
        Status::SeeOther
    );
    assert_eq!(visitor.get("/admin").dispatch().await.status(), Status::Ok);
    // English page too.
    let res = visitor
        .get("/admin/invitation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .header(rocket::http::Header::new("Accept-Language", "en"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::NotFound);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Ask an admin for a new invitation")
    );
}

#[rocket::async_test]
async fn with_totp_required_an_invited_agent_lands_on_enrolment() {
    let (visitor, dir) = common::client_with("staff_totp_required = true").await;
    let boss = seed(dir.path(), "boss@example.com", "admin");
    let (link_token, digest) = flightclaim::accounts::token::generate();
    flightclaim::db::Db::open(&dir.path().join("flightclaim.sqlite3"))
        .unwrap()
        .write_blocking(move |tx| {
            flightclaim::db::invitations::insert(
                tx,
                &digest,
                "totp.agent@example.com",
                flightclaim::db::users::Role::Agent,
                boss,
                "2999-01-01T00:00:00Z",
            )
        })
        .unwrap();
    let link = format!("/admin/invitation/{link_token}");
    let password = "a long agent passphrase 2026";
    let res = common::submit(
        &visitor,
        &link,
        &link,
        &[
            ("name", "Tom Agent"),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(res.headers().get_one("Location"), Some("/admin/profile"));
    let res = visitor.get("/admin/profile").dispatch().await;
    assert_eq!(res.status(), Status::Ok, "signed in, enrolment page");
    assert_ne!(
        visitor.get("/admin/claims").dispatch().await.status(),
        Status::Ok,
        "nothing else before a second factor"
    );
}

#[rocket::async_test]
async fn an_invited_finance_officer_joins_with_the_finance_role() {
    let (_c, dir) = common::client().await;
    seed(dir.path(), "boss@example.com", "admin");
    let admin = staff_client(dir.path(), "boss@example.com").await;
    let users = admin
        .get("/admin/users?lang=en")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        users.contains("Role of the invited member")
            && users.contains("<option value=\"finance\">Finance</option>"),
        "{users}"
    );
    let (s, _) = post(
        &admin,
        "/admin/users",
        "/admin/invitations",
        &[("email", "money@example.com"), ("role", "admin")],
    )
    .await;
    assert_eq!(s, Status::BadRequest, "admins are not invited");
    let (s, _) = post(
        &admin,
        "/admin/users",
        "/admin/invitations",
        &[("email", "money@example.com"), ("role", "finance")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let rows = audit_rows(dir.path(), "staff.invite");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].3.as_deref(), Some("finance"));
    let mail = common::received_mail(dir.path(), "money@example.com", "staff_invitation");
    assert!(
        mail.body_text.contains("as a finance officer"),
        "{}",
        mail.body_text
    );
    let token = outbox_link(
        dir.path(),
        "money@example.com",
        "staff_invitation",
        "/admin/invitation/",
    );
    let visitor =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    let link = format!("/admin/invitation/{token}");
    let html = visitor
        .get(format!("{link}?lang=en"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("invited as a finance officer"), "{html}");
    let password = "a long finance passphrase 2026";
    let res = common::submit(
        &visitor,
        &link,
        &link,
        &[
            ("name", "Fanny Finance"),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let db = flightclaim::db::Db::open(&dir.path().join("flightclaim.sqlite3")).unwrap();
    let role: String = db
        .read_blocking(|c| {
            Ok(c.query_row(
                "SELECT role FROM users WHERE email = 'money@example.com'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(role, "finance");
    // The new member records money: the finance pages open for them.
    let res = visitor.get("/admin/invoices").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
}
