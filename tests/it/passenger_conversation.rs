//! After submission, talking to us (issue #19): the passenger's messages from the claim page
//! reach the team (assignee or every agent), wait as "unanswered" until the team writes; staff
//! are named by first name, never by address; the payout account changes only through the
//! emailed link, audited; the contact page reaches the team; a document request is answered
//! only by a new upload of a requested kind. Access: the owner only, 404 for anyone else.

use crate::common;
use crate::flow;

use flow::{get, location, post};
use rocket::http::Status;
use rocket::local::asynchronous::Client;

const STAFF_PASSWORD: &str = "staff passphrase for tests 1";

async fn browser(dir: &std::path::Path) -> Client {
    Client::tracked(flightclaim::app::build(common::test_config(dir, "")).unwrap())
        .await
        .unwrap()
}

/// A claim filed while signed out by `email`, whose account is then opened by its link (the
/// same browser, now signed in); returns the reference.
async fn filed_and_signed_in(
    client: &Client,
    dir: &std::path::Path,
    email: &str,
    last: &str,
) -> String {
    flow::to_documents(client, email, &[("Léa", last, false)]).await;
    let res = post(client, "/claims/new/documents/seen", &[]).await;
    assert_eq!(location(&res), "/claims/new/mandate");
    let claim_ref = flow::sign_and_submit(client, &[(0, &format!("Léa {last}"))]).await;
    common::confirm_claim_account(client, dir, email).await;
    claim_ref
}

async fn upload(client: &Client, path: &str, kind: &str, name: &str, bytes: &[u8]) -> Status {
    flow::upload(
        client,
        &format!("{path}/documents"),
        kind,
        "0",
        Some((name, bytes)),
    )
    .await
    .status()
}

fn count(dir: &std::path::Path, sql: &str) -> i64 {
    flow::db(dir).query_row(sql, [], |r| r.get(0)).unwrap()
}

#[rocket::async_test]
async fn the_passenger_writes_and_the_team_answers() {
    let (client, dir) = common::client().await;
    common::seed_user(dir.path(), "claire@team.example", "agent", STAFF_PASSWORD);
    common::seed_user(dir.path(), "boss@team.example", "admin", STAFF_PASSWORD);
    flow::db(dir.path())
        .execute(
            "UPDATE users SET name = 'Claire Martin' WHERE email = 'claire@team.example'",
            [],
        )
        .unwrap();
    let claim_ref = filed_and_signed_in(&client, dir.path(), "lea@example.com", "Moreau").await;
    let path = format!("/claims/{claim_ref}");

    // Empty and oversized messages are refused with the reason, as typed.
    let res = post(
        &client,
        &format!("{path}/messages?lang=en"),
        &[("body", "   ")],
    )
    .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Write your message before sending it.")
    );
    let long = "é".repeat(5001);
    let res = post(&client, &format!("{path}/messages"), &[("body", &long)]).await;
    assert_eq!(res.status(), Status::UnprocessableEntity);

    // Nobody is assigned: every agent and admin hears of it.
    let res = post(
        &client,
        &format!("{path}/messages"),
        &[("body", "Bonjour,\nune question <b>?</b>")],
    )
    .await;
    assert_eq!(location(&res), format!("{path}#messages"));
    for staff in ["claire@team.example", "boss@team.example"] {
        let mail = common::received_mail(dir.path(), staff, "passenger_message");
        assert!(
            mail.body_text.contains("une question <b>?</b>"),
            "{}",
            mail.body_text
        );
        assert!(
            mail.body_text
                .contains(&format!("/admin/claims/{claim_ref}#messages"))
        );
    }
    let (_, page, _) = get(&client, &path).await;
    assert!(
        page.contains("une question &lt;b&gt;?&lt;/b&gt;"),
        "escaped: {page}"
    );

    // The team sees it waiting: overview, queue filter, claim page.
    let staff = common::staff_client(dir.path(), "claire@team.example", STAFF_PASSWORD).await;
    let (_, overview, _) = get(&staff, "/admin?lang=en").await;
    assert!(
        overview.contains("1 claims with a passenger message waiting for an answer"),
        "{overview}"
    );
    let (_, queue, _) = get(&staff, "/admin/claims?messages=unanswered").await;
    assert!(queue.contains(&claim_ref));
    let (_, detail, _) = get(&staff, &format!("/admin/claims/{claim_ref}?lang=en")).await;
    assert!(detail.contains("Unanswered"), "{detail}");

    // Claire answers: the passenger reads "Claire, from the FlightClaim team", never her address.
    let res = common::submit(
        &staff,
        &format!("/admin/claims/{claim_ref}"),
        &format!("/admin/claims/{claim_ref}/message"),
        &[("body", "Bien reçu, merci.")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_, queue, _) = get(&staff, "/admin/claims?messages=unanswered").await;
    assert!(!queue.contains(&claim_ref), "answered");
    let (_, page, _) = get(&client, &format!("{path}?lang=en")).await;
    assert!(page.contains("Claire, from the FlightClaim team"), "{page}");
    assert!(page.contains("Bien reçu, merci."));
    assert!(!page.contains("claire@team.example"));
    let mail = common::received_mail(dir.path(), "lea@example.com", "team_message");
    assert!(mail.body_text.contains("Claire"), "{}", mail.body_text);
    assert!(!mail.body_text.contains("claire@team.example"));
    assert!(
        mail.body_text
            .contains(&format!("/claims/{claim_ref}#messages"))
    );
    strangers_cannot_write(dir.path(), &path).await;
}

/// Anyone else: 404 (signed in) or the sign-in page (signed out); nothing is stored.
async fn strangers_cannot_write(dir: &std::path::Path, path: &str) {
    let other = browser(dir).await;
    let res = post(&other, &format!("{path}/messages"), &[("body", "intrus")]).await;
    assert_ne!(res.status(), Status::SeeOther);
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM passenger_messages WHERE body = 'intrus'"
        ),
        0
    );
    common::seed_user(
        dir,
        "eve@example.com",
        "passenger",
        "violet tandem orbit 93",
    );
    let res = post(
        &other,
        "/login",
        &[
            ("email", "eve@example.com"),
            ("password", "violet tandem orbit 93"),
            ("next", "/account"),
        ],
    )
    .await;
    assert_eq!(location(&res), "/account");
    let res = post(&other, &format!("{path}/messages"), &[("body", "intrus")]).await;
    assert_eq!(res.status(), Status::NotFound);
    let (status, _, _) = get(&other, path).await;
    assert_eq!(status, Status::NotFound);
}

#[rocket::async_test]
async fn the_payout_account_changes_through_the_emailed_link() {
    let (client, dir) = common::client().await;
    let claim_ref = filed_and_signed_in(&client, dir.path(), "max@example.com", "Payeur").await;
    let path = format!("/claims/{claim_ref}");
    let (_, page, _) = get(&client, &format!("{path}?lang=en")).await;
    assert!(page.contains("FR76 •••• •••• 0189"), "masked: {page}");

    // A bad IBAN is explained next to the field; nothing is sent.
    let res = post(
        &client,
        &format!("{path}/payout?lang=en"),
        &[("iban", "DE89 3704"), ("holder", "Max")],
    )
    .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("aria-invalid=\"true\"")
    );

    let res = post(
        &client,
        &format!("{path}/payout"),
        &[
            ("iban", "DE89 3704 0044 0532 0130 00"),
            ("holder", "Max Payeur"),
        ],
    )
    .await;
    assert_eq!(location(&res), format!("{path}#payout"));
    let (_, page, _) = get(&client, &path).await;
    assert!(
        page.contains("FR76 •••• •••• 0189"),
        "unchanged until confirmed"
    );

    let mail =
        common::received_mail(dir.path(), "max@example.com", "payout_change_requested").body_text;
    assert!(mail.contains("DE89 •••• •••• 3000"), "{mail}");
    let start = mail.find("/claims/payout/confirm/").unwrap();
    let end = mail[start..]
        .find(char::is_whitespace)
        .map_or(mail.len(), |e| start + e);
    let link = mail[start..end].to_string();
    // The link works from another device too (the mailbox proves it), once.
    let phone = browser(dir.path()).await;
    let (status, confirm, _) = get(&phone, &format!("{link}?lang=en")).await;
    assert_eq!(status, Status::Ok);
    assert!(confirm.contains("DE89 3704 0044 0532 0130 00"), "{confirm}");
    let res = post(&phone, &link, &[]).await;
    assert_eq!(location(&res), format!("{path}#payout"));
    let res = post(&phone, &link, &[]).await;
    assert_eq!(res.status(), Status::Ok, "used: the invalid-link page");

    let (_, page, _) = get(&client, &format!("{path}?lang=en")).await;
    assert!(page.contains("DE89 •••• •••• 3000"), "{page}");
    assert!(page.contains("Bank details changed on"));
    let done = common::received_mail(dir.path(), "max@example.com", "payout_changed").body_text;
    assert!(done.contains("DE89 •••• •••• 3000"));
    let conn = flow::db(dir.path());
    let (before, after): (String, String) = conn
        .query_row(
            "SELECT before, after FROM audit_log WHERE action = 'claim.payout_changed'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        before.starts_with("FR76") && after.starts_with("DE89"),
        "{before} → {after}"
    );
    let iban: String = conn
        .query_row(
            "SELECT payout_iban FROM claims WHERE ref = ?1",
            [&claim_ref],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(iban, "DE89370400440532013000");

    // Once the claim is paid, the account is fixed.
    conn.execute(
        "UPDATE claims SET status = 'paid' WHERE ref = ?1",
        [&claim_ref],
    )
    .unwrap();
    let res = post(
        &client,
        &format!("{path}/payout"),
        &[
            ("iban", "FR76 3000 6000 0112 3456 7890 189"),
            ("holder", "Max Payeur"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::NotFound);
}

#[rocket::async_test]
async fn the_contact_page_reaches_the_team() {
    let (client, dir) = common::client().await;
    common::seed_user(dir.path(), "claire@team.example", "agent", STAFF_PASSWORD);
    let (status, page, _) = get(&client, "/contact?lang=en&claim=FC-7K3M9Q").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("value=\"FC-7K3M9Q\""));
    let res = post(
        &client,
        "/contact?lang=en",
        &[("name", ""), ("email", "nope"), ("body", "")],
    )
    .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    let page = res.into_string().await.unwrap();
    assert!(
        page.contains("Enter your name.") && page.contains("Write your message"),
        "{page}"
    );
    let res = post(
        &client,
        "/contact",
        &[
            ("name", "Zoë"),
            ("email", "zoe@example.com"),
            ("claim_ref", "fc-7k3m9q"),
            ("body", "Je n'ai pas déposé cette réclamation."),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::Ok);
    let mail =
        common::received_mail(dir.path(), "claire@team.example", "contact_message").body_text;
    assert!(
        mail.contains("zoe@example.com") && mail.contains("FC-7K3M9Q"),
        "{mail}"
    );
    assert!(mail.contains("Je n'ai pas déposé cette réclamation."));
}

#[rocket::async_test]
async fn a_document_request_is_answered_only_by_a_new_upload_of_its_kind() {
    let (client, dir) = common::client().await;
    common::seed_user(dir.path(), "claire@team.example", "agent", STAFF_PASSWORD);
    let claim_ref = filed_and_signed_in(&client, dir.path(), "ana@example.com", "Docs").await;
    let path = format!("/claims/{claim_ref}");
    // A boarding pass sent before the request does not answer it.
    assert_eq!(
        upload(&client, &path, "boarding_pass", "early.pdf", &flow::pdf()).await,
        Status::SeeOther
    );
    // (Times are kept to the second: the early file is dated a day back, as it would be.)
    flow::db(dir.path())
        .execute(
            "UPDATE documents SET uploaded_at = '2000-01-01T00:00:00Z' WHERE original_name = 'early.pdf'",
            [],
        )
        .unwrap();
    let staff = common::staff_client(dir.path(), "claire@team.example", STAFF_PASSWORD).await;
    let res = common::submit(
        &staff,
        &format!("/admin/claims/{claim_ref}"),
        &format!("/admin/claims/{claim_ref}/documents"),
        &[("kinds", "boarding_pass")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let open = || {
        count(
            dir.path(),
            "SELECT count(*) FROM document_requests WHERE closed_at IS NULL",
        )
    };
    assert_eq!(open(), 1);
    // The same file again is a refused duplicate; a file of another kind does not answer it.
    assert_eq!(
        upload(&client, &path, "boarding_pass", "again.pdf", &flow::pdf()).await,
        Status::SeeOther
    );
    assert_eq!(open(), 1, "a duplicate does not answer the request");
    assert_eq!(
        upload(&client, &path, "id", "passport.png", &flow::png()).await,
        Status::SeeOther
    );
    assert_eq!(open(), 1, "another kind does not answer it");
    // A new boarding pass does.
    assert_eq!(
        upload(&client, &path, "boarding_pass", "new.jpg", &flow::jpeg()).await,
        Status::SeeOther
    );
    assert_eq!(open(), 0);
}
