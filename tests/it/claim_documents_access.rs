//! Downloads of documents and signed mandates after submission: headers, the PDF's content,
//! uploads from the claim page, the data export — and 404 for anyone but the owner (and staff)
//! on every document, mandate and draft route.

use crate::common;
use crate::flow;

use flow::{count, db, get, location, post, to_documents, upload};
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

const STAFF_PASSWORD: &str = "staff passphrase for tests 1";

async fn other_client(dir: &std::path::Path) -> Client {
    Client::tracked(flightclaim::app::build(common::test_config(dir, "")).unwrap())
        .await
        .unwrap()
}

/// A submitted claim with one document (PDF named with an accent) and a signed mandate;
/// returns `(ref, document id)`.
async fn submitted(client: &Client, email: &str, first: &str, last: &str) -> (String, i64) {
    to_documents(client, email, &[(first, last, false)]).await;
    let res = upload(
        client,
        "/claims/new/documents",
        "boarding_pass",
        "0",
        Some(("carte é<b>.pdf", &flow::pdf())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let res = post(client, "/claims/new/documents/seen", &[]).await;
    assert_eq!(location(&res), "/claims/new/mandate");
    let name = format!("{first} {last}");
    let claim_ref = flow::sign_and_submit(client, &[(0, &name)]).await;
    (claim_ref, 0)
}

fn doc_id(dir: &std::path::Path, claim_ref: &str) -> i64 {
    db(dir)
        .query_row(
            "SELECT d.id FROM documents d JOIN claims c ON c.id = d.claim_id WHERE c.ref = ?1
             ORDER BY d.id LIMIT 1",
            [claim_ref],
            |r| r.get(0),
        )
        .unwrap()
}

#[rocket::async_test]
async fn owner_downloads_with_safe_headers_and_the_signed_pdf() {
    let (client, dir) = common::client().await;
    let (claim_ref, _) = submitted(&client, "owner@example.com", "Élodie", "Ménard").await;
    let id = doc_id(dir.path(), &claim_ref);
    let (status, page, _) = get(&client, &format!("/claims/{claim_ref}?lang=en")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains(&format!("/claims/{claim_ref}/documents/{id}")),
        "{page}"
    );
    assert!(page.contains(&format!("/claims/{claim_ref}/mandates/0")));
    assert!(
        page.contains("enctype=\"multipart/form-data\""),
        "upload more later"
    );
    assert!(
        page.contains(">carte é&lt;b&gt;.pdf<"),
        "name escaped: {page}"
    );

    let res = client
        .get(format!("/claims/{claim_ref}/documents/{id}"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::PDF));
    let h = res.headers();
    assert_eq!(
        h.get_one("Content-Disposition"),
        Some("attachment; filename=\"carte e_b_.pdf\"; filename*=UTF-8''carte%20%C3%A9%3Cb%3E.pdf")
    );
    assert_eq!(h.get_one("X-Content-Type-Options"), Some("nosniff"));
    assert!(h.get_one("Cache-Control").unwrap().contains("no-store"));
    assert_eq!(res.into_bytes().await.unwrap(), flow::pdf());

    let res = client
        .get(format!("/claims/{claim_ref}/mandates/0"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::PDF));
    let disposition = res
        .headers()
        .get_one("Content-Disposition")
        .unwrap()
        .to_string();
    assert!(disposition.starts_with(&format!(
        "attachment; filename=\"mandate-{claim_ref}-1.pdf\""
    )));
    assert_eq!(
        res.headers().get_one("X-Content-Type-Options"),
        Some("nosniff")
    );
    let pdf = res.into_bytes().await.unwrap();
    let path = dir.path().join("mandate.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Élodie Ménard"), "{text}");
    assert!(text.contains("AF6") || text.contains("AF 6"), "{text}");

    // More documents from the claim page, same checks.
    let action = format!("/claims/{claim_ref}/documents");
    let res = upload(&client, &action, "id", "0", Some(("id.png", &flow::png()))).await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(location(&res), format!("/claims/{claim_ref}"));
    let res = upload(
        &client,
        &format!("{action}?lang=en"),
        "id",
        "0",
        Some(("x.pdf", b"MZ\x90\0")),
    )
    .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    assert!(res.into_string().await.unwrap().contains("not accepted"));
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM documents WHERE claim_id IS NOT NULL"
        ),
        2
    );

    flow::confirm_by_email(&client, dir.path(), "owner@example.com").await;
    check_export(&client, &claim_ref).await;
}

/// The data export lists the claim, its document metadata and the mandate.
/// Issue 19: the signed mandate prints a Polish name as typed and names the configured operator
/// as the agent.
#[rocket::async_test]
async fn the_mandate_prints_the_name_as_typed_and_names_the_operator() {
    let (client, dir) = common::client_with("operator_legal_name = \"Vols Retardés SAS\"").await;
    let (claim_ref, _) = submitted(&client, "lw@example.com", "Łukasz", "Wąsowski").await;
    let res = client
        .get(format!("/claims/{claim_ref}/mandates/0"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let path = dir.path().join("mandate.pdf");
    std::fs::write(&path, res.into_bytes().await.unwrap()).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Łukasz Wąsowski"), "{text}");
    assert!(flat.contains("Vols Retardés SAS"), "{text}");
}

async fn check_export(client: &Client, claim_ref: &str) {
    let res = client.get("/account/export").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    let export: serde_json::Value =
        serde_json::from_str(&res.into_string().await.unwrap()).unwrap();
    let claim = &export["claims"][0];
    assert_eq!(claim["claim"]["claim_ref"], claim_ref);
    assert_eq!(claim["documents"].as_array().unwrap().len(), 2);
    assert_eq!(claim["documents"][0]["original_name"], "carte é<b>.pdf");
    assert_eq!(claim["mandates"][0]["signer_name"], "Élodie Ménard");
    // What was declared, the engine's answer, the payout details and the timeline too.
    assert_eq!(claim["declared"]["legs"][0]["flight_number"], "AF6");
    assert_eq!(
        claim["declared"]["disruption"]["arrival_delay_minutes"],
        240
    );
    assert_eq!(claim["eligibility"]["eligible"], true);
    assert!(
        claim["payout"]["iban"]
            .as_str()
            .unwrap()
            .starts_with("FR76")
    );
    assert_eq!(claim["timeline"][0]["to_status"], "submitted");
    assert!(
        claim["mandates"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Élodie Ménard")
    );
}

/// The owner cannot reach another claim's document through their own reference, nor an
/// unknown or malformed id or reference.
async fn owner_cannot_reach_others(
    owner: &Client,
    claim_ref: &str,
    bob_ref: &str,
    bob_doc: i64,
    draft_doc: i64,
) {
    for uri in [
        format!("/claims/{claim_ref}/documents/{bob_doc}"),
        format!("/claims/{claim_ref}/documents/999999"),
        format!("/claims/{claim_ref}/mandates/1"),
        format!("/claims/{claim_ref}/mandates/x"),
        format!("/claims/{claim_ref}/documents/..%2F..%2Fsecret.key"),
        "/claims/new/documents/abc".to_string(),
        format!("/claims/{bob_ref}/documents/{bob_doc}"),
        format!("/claims/{bob_ref}/mandates/0"),
        "/claims/FC-ZZZZZZ/documents/1".to_string(),
        format!("/claims/new/documents/{draft_doc}"),
    ] {
        let (status, _, _) = get(owner, &uri).await;
        assert_eq!(status, Status::NotFound, "{uri}");
    }
}

#[rocket::async_test]
async fn everyone_else_gets_404_on_every_route_and_staff_can_download() {
    let (owner, dir) = common::client().await;
    let (claim_ref, _) = submitted(&owner, "alice@example.com", "Alice", "Martin").await;
    common::confirm_claim_account(&owner, dir.path(), "alice@example.com").await;
    let id = doc_id(dir.path(), &claim_ref);

    // A second passenger with their own claim and an unsubmitted draft holding a document.
    let bob = other_client(dir.path()).await;
    let (bob_ref, _) = submitted(&bob, "bob@example.com", "Bob", "Durand").await;
    let bob_doc = doc_id(dir.path(), &bob_ref);
    // Bob signs in (his claim's confirmation link): a signed-in stranger to Alice's claim.
    common::confirm_claim_account(&bob, dir.path(), "bob@example.com").await;
    let bob_draft = other_client(dir.path()).await;
    to_documents(
        &bob_draft,
        "bob.draft@example.com",
        &[("Bobby", "Draft", false)],
    )
    .await;
    let res = upload(
        &bob_draft,
        "/claims/new/documents",
        "other",
        "0",
        Some(("d.png", &flow::png())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let draft_doc: i64 = db(dir.path())
        .query_row(
            "SELECT id FROM documents WHERE draft_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let anonymous = other_client(dir.path()).await;

    let gets = [
        format!("/claims/{claim_ref}"),
        format!("/claims/{claim_ref}/documents/{id}"),
        format!("/claims/{claim_ref}/mandates/0"),
        format!("/claims/new/documents/{draft_doc}"),
        format!("/admin/claims/{claim_ref}/documents/{id}"),
        format!("/admin/claims/{claim_ref}/mandates/0"),
    ];
    for (client, signed_in) in [(&bob, true), (&anonymous, false)] {
        for uri in &gets {
            let (status, _, location) = get(client, uri).await;
            if !signed_in && uri.starts_with(&format!("/claims/{claim_ref}")) {
                // Signed out: sent to sign in, as for any reference (issue #19).
                assert_eq!(status, Status::SeeOther, "{uri}");
                assert!(
                    location.unwrap_or_default().starts_with("/login?next="),
                    "{uri}"
                );
            } else {
                assert_eq!(status, Status::NotFound, "{uri}");
            }
        }
        let res = upload(
            client,
            &format!("/claims/{claim_ref}/documents"),
            "other",
            "0",
            Some(("x.pdf", &flow::pdf())),
        )
        .await;
        let refused = if signed_in {
            Status::NotFound
        } else {
            Status::Unauthorized
        };
        assert_eq!(res.status(), refused, "upload to another's claim");
        let res = post(
            client,
            &format!("/claims/new/documents/{draft_doc}/remove"),
            &[],
        )
        .await;
        assert_eq!(
            res.status(),
            Status::NotFound,
            "remove another's draft document"
        );
    }
    // The anonymous visitor has no draft: the draft upload is refused too.
    let res = upload(
        &anonymous,
        "/claims/new/documents",
        "other",
        "0",
        Some(("x.pdf", &flow::pdf())),
    )
    .await;
    assert_eq!(res.status(), Status::NotFound);
    owner_cannot_reach_others(&owner, &claim_ref, &bob_ref, bob_doc, draft_doc).await;
    another_draft_cannot_reach(dir.path(), draft_doc).await;
    // The owner's passenger session does not open the staff URLs.
    let (status, _, _) = get(&owner, &format!("/admin/claims/{claim_ref}/documents/{id}")).await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM documents WHERE draft_id IS NOT NULL"
        ),
        1
    );

    staff_downloads(dir.path(), &claim_ref, id, bob_doc).await;
}

/// An agent, signed in on the staff pages.
async fn staff_client(dir: &std::path::Path) -> Client {
    let db_handle = flightclaim::db::Db::open(&dir.join("flightclaim.sqlite3")).unwrap();
    let hash = flightclaim::accounts::password::hash(STAFF_PASSWORD).unwrap();
    db_handle
        .write_blocking(move |tx| {
            flightclaim::db::users::upsert_admin(tx, "agent@example.com", &hash)?;
            tx.execute(
                "UPDATE users SET role = 'agent' WHERE email = 'agent@example.com'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let staff = other_client(dir).await;
    let res = common::submit(
        &staff,
        "/admin/login",
        "/admin/login",
        &[("email", "agent@example.com"), ("password", STAFF_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    drop(res);
    staff
}

/// Staff download any claim's files through /admin, and it is audited.
async fn staff_downloads(dir: &std::path::Path, claim_ref: &str, id: i64, bob_doc: i64) {
    let staff = staff_client(dir).await;
    let res = staff
        .get(format!("/admin/claims/{claim_ref}/documents/{id}"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.headers().get_one("X-Content-Type-Options"),
        Some("nosniff")
    );
    assert!(
        res.headers()
            .get_one("Content-Disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    // The staff claim page lists the document with a new-tab view for the PDF, and the
    // signed mandate; `?view=inline` shows the PDF in the browser (still nosniff, still staff).
    let (status, html, _) = get(&staff, &format!("/admin/claims/{claim_ref}")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        html.contains(&format!(
            "/admin/claims/{claim_ref}/documents/{id}?view=inline"
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!("/admin/claims/{claim_ref}/mandates/0")),
        "{html}"
    );
    assert!(
        html.contains("carte é&lt;b&gt;.pdf"),
        "the original name, escaped: {html}"
    );
    let res = staff
        .get(format!(
            "/admin/claims/{claim_ref}/documents/{id}?view=inline"
        ))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::PDF));
    assert!(
        res.headers()
            .get_one("Content-Disposition")
            .unwrap()
            .starts_with("inline;")
    );
    assert_eq!(
        res.headers().get_one("X-Content-Type-Options"),
        Some("nosniff")
    );
    let res = staff
        .get(format!("/admin/claims/{claim_ref}/mandates/0"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::PDF));
    let (status, _, _) = get(
        &staff,
        &format!("/admin/claims/{claim_ref}/documents/{bob_doc}"),
    )
    .await;
    assert_eq!(status, Status::NotFound, "document of another claim");
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM audit_log WHERE action LIKE '%.download'"
        ),
        3
    );
}

/// A visitor with a draft of their own cannot reach another draft's document either.
async fn another_draft_cannot_reach(dir: &std::path::Path, draft_doc: i64) {
    let carol = other_client(dir).await;
    to_documents(&carol, "carol@example.com", &[("Carol", "Third", false)]).await;
    let (status, _, _) = get(&carol, &format!("/claims/new/documents/{draft_doc}")).await;
    assert_eq!(status, Status::NotFound);
    let res = post(
        &carol,
        &format!("/claims/new/documents/{draft_doc}/remove"),
        &[],
    )
    .await;
    assert_eq!(res.status(), Status::NotFound);
}

#[rocket::async_test]
async fn an_upload_answers_the_teams_document_request() {
    let (owner, dir) = common::client().await;
    let (claim_ref, _) = submitted(&owner, "carol@example.com", "Carol", "Petit").await;
    let staff = staff_client(dir.path()).await;
    let page = format!("/admin/claims/{claim_ref}");
    let res = common::submit(
        &staff,
        &page,
        &format!("/admin/claims/{claim_ref}/documents"),
        &[("kinds", "identity_document"), ("note", "Recto et verso")],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let needed = |html: &str| html.contains("data-testid=\"needed\"");
    let (_, html, _) = get(&owner, &format!("/claims/{claim_ref}")).await;
    assert!(needed(&html), "the passenger sees what we need: {html}");
    // Without the browser's zone, a French page shows Paris time, and says so.
    let human_time =
        regex::Regex::new(r">\d{1,2} [a-zéû]+\.? \d{4} à \d{2}:\d{2} CES?T</time>").unwrap();
    assert!(
        human_time.is_match(&html),
        "timeline times read as dates, in French: {html}"
    );
    // With it (the `tz` cookie tz.js sets), the reader's own zone.
    let in_new_york = owner
        .get(format!("/claims/{claim_ref}"))
        .cookie(rocket::http::Cookie::new("tz", "America/New_York"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap_or_default();
    let new_york_time =
        regex::Regex::new(r">\d{1,2} [a-zéû]+\.? \d{4} à \d{2}:\d{2} ED?S?T</time>").unwrap();
    assert!(
        new_york_time.is_match(&in_new_york),
        "times in the reader's zone: {in_new_york}"
    );
    assert!(html.contains("Recto et verso"));

    // Another kind of document does not answer it; an identity document does.
    let uri = format!("/claims/{claim_ref}/documents");
    let res = upload(
        &owner,
        &uri,
        "boarding_pass",
        "0",
        Some(("bp.png", &flow::png())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_, html, _) = get(&owner, &format!("/claims/{claim_ref}")).await;
    assert!(needed(&html), "still needed after a boarding pass");
    let res = upload(
        &owner,
        &uri,
        "id",
        "0",
        Some(("passport.jpg", &flow::jpeg())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_, html, _) = get(&owner, &format!("/claims/{claim_ref}")).await;
    assert!(!needed(&html), "the request is answered: {html}");
    let (_, staff_html, _) = get(&staff, &page).await;
    assert!(
        staff_html.contains("passport.jpg"),
        "staff see the new document"
    );
}
