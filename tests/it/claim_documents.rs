//! Documents (wizard step 5 and the claim page) and the signed mandate (step 6): uploads
//! checked by content and size, removal, the mandate's validation and evidence, submission
//! refused without it, downloads with their headers, the signed PDF, and 404 for everyone but
//! the owner (and staff) on every route.

use crate::common;
use crate::flow;

use flow::{count, db, get, location, post, to_documents, upload};
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

const DOCS: &str = "/claims/new/documents";

/// An upload that must be refused: kind, passenger, file, expected message.
type Case<'a> = (&'a str, &'a str, Option<(&'a str, &'a [u8])>, &'a str);

async fn body(res: rocket::local::asynchronous::LocalResponse<'_>) -> String {
    res.into_string().await.unwrap_or_default()
}

async fn continue_to_mandate(client: &Client) {
    let res = post(client, "/claims/new/documents/seen", &[]).await;
    assert_eq!(location(&res), "/claims/new/mandate");
}

#[rocket::async_test]
async fn uploads_are_checked_listed_deduplicated_and_removable() {
    let (client, dir) = common::client().await;
    to_documents(&client, "docs@example.com", &[("Marie", "Curie", false)]).await;
    let (status, page, _) = get(&client, "/claims/new/documents?lang=en").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    assert!(page.contains("No document yet."));

    // PDF, PNG and JPEG are accepted, whatever their declared type and name.
    for (name, bytes, kind) in [
        ("carte d'embarquement.pdf", flow::pdf(), "boarding_pass"),
        ("screenshot.png", flow::png(), "booking"),
        ("../../passeport.jpg", flow::jpeg(), "id"),
    ] {
        let res = upload(&client, DOCS, kind, "0", Some((name, &bytes))).await;
        assert_eq!(
            res.status(),
            Status::SeeOther,
            "{name}: {}",
            body(res).await
        );
    }
    let (_, page, _) = get(&client, "/claims/new/documents").await;
    assert!(page.contains(">carte d&#39;embarquement.pdf<"), "{page}");
    assert!(page.contains("screenshot.png"));
    assert!(page.contains(">passeport.jpg<"), "path stripped: {page}");
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 3);
    let (ct, pos): (String, Option<i64>) = db(dir.path())
        .query_row(
            "SELECT content_type, passenger_position FROM documents WHERE kind = 'id'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((ct.as_str(), pos), ("image/jpeg", Some(0)));

    // Stored under the content hash, outside the served directories, never under its name.
    let sha: String = db(dir.path())
        .query_row(
            "SELECT sha256 FROM documents WHERE kind = 'boarding_pass'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let stored = dir.path().join("documents").join(&sha);
    assert_eq!(std::fs::read(&stored).unwrap(), flow::pdf());
    let names: Vec<String> = std::fs::read_dir(dir.path().join("documents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.len() == 64), "{names:?}");

    // The same file again is one row.
    let res = upload(
        &client,
        DOCS,
        "other",
        "0",
        Some(("again.pdf", &flow::pdf())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 3);
    let (_, page, _) = get(&client, "/claims/new/documents?lang=en").await;
    assert!(page.contains("already sent this document"), "{page}");

    // The draft owner can download a draft document.
    let id: i64 = db(dir.path())
        .query_row("SELECT id FROM documents WHERE kind = 'booking'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let res = client.get(format!("{DOCS}/{id}")).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::PNG));

    // Remove (CSRF required), then the row is gone and the file too (nobody else uses it).
    let res = client
        .post(format!("{DOCS}/{id}/remove"))
        .header(ContentType::Form)
        .body("csrf_token=wrong")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    let png_sha: String = db(dir.path())
        .query_row("SELECT sha256 FROM documents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    let res = post(&client, &format!("{DOCS}/{id}/remove"), &[]).await;
    assert_eq!(location(&res), DOCS);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 2);
    assert!(!dir.path().join("documents").join(png_sha).exists());
    let res = post(&client, &format!("{DOCS}/{id}/remove"), &[]).await;
    assert_eq!(res.status(), Status::NotFound, "already removed");
}

#[rocket::async_test]
async fn bad_uploads_are_refused_with_a_message_next_to_the_field() {
    let (client, dir) = common::client().await;
    to_documents(
        &client,
        "bad@example.com",
        &[("Marie", "Curie", false), ("Pierre", "Curie", false)],
    )
    .await;
    let _ = get(&client, "/claims/new/documents?lang=en").await;
    let mut too_big = flow::pdf();
    too_big.resize(10 * 1024 * 1024 + 1, b' ');
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0".to_vec();
    let cases: [Case<'_>; 7] = [
        (
            "boarding_pass",
            "0",
            Some(("big.pdf", &too_big)),
            "larger than 10 MB",
        ),
        (
            "boarding_pass",
            "0",
            Some(("notes.pdf", b"boarding pass AF6")),
            "not accepted",
        ),
        ("boarding_pass", "0", Some(("x.pdf", &elf)), "not accepted"),
        (
            "boarding_pass",
            "0",
            Some(("empty.pdf", b"")),
            "This file is empty",
        ),
        ("boarding_pass", "0", None, "Choose a file"),
        (
            "passport",
            "0",
            Some(("a.pdf", b"%PDF-1.4 x")),
            "Choose what this document is",
        ),
        (
            "id",
            "7",
            Some(("a.pdf", b"%PDF-1.4 x")),
            "whose identity document",
        ),
    ];
    for (kind, passenger, file, message) in cases {
        let res = upload(&client, DOCS, kind, passenger, file).await;
        assert_eq!(res.status(), Status::UnprocessableEntity, "{message}");
        let page = body(res).await;
        assert!(page.contains(message), "{message}: {page}");
        assert!(page.contains("field-error"), "next to the field");
        assert!(page.contains("error-summary"));
    }
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 0);
    let leftovers = std::fs::read_dir(dir.path().join("documents")).map_or(0, Iterator::count);
    assert_eq!(leftovers, 0, "no temporary or refused file left");

    // Past the request limit (12 MiB): the 413 page, translated.
    let mut huge = flow::pdf();
    huge.resize(13 * 1024 * 1024, b' ');
    let res = upload(
        &client,
        DOCS,
        "boarding_pass",
        "0",
        Some(("huge.pdf", &huge)),
    )
    .await;
    assert_eq!(res.status(), Status::PayloadTooLarge);
    let page = body(res).await;
    assert!(page.contains("413"), "{page}");

    // CSRF is checked on the multipart form too.
    let (ct, bytes) = flow::multipart(
        &[("csrf_token", "nope"), ("kind", "other")],
        Some(("a.pdf", &flow::pdf())),
    );
    let res = client.post(DOCS).header(ct).body(bytes).dispatch().await;
    assert_eq!(res.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn uploads_are_rate_limited() {
    let (client, _dir) = common::client_with("rate_limit_upload = \"2/min\"").await;
    to_documents(&client, "rl@example.com", &[("Marie", "Curie", false)]).await;
    for _ in 0..2 {
        let res = upload(&client, DOCS, "other", "0", Some(("a.pdf", &flow::pdf()))).await;
        assert_eq!(res.status(), Status::SeeOther);
    }
    let res = upload(&client, DOCS, "other", "0", Some(("a.pdf", &flow::pdf()))).await;
    assert_eq!(res.status(), Status::TooManyRequests);
}

#[rocket::async_test]
async fn mandate_is_validated_per_adult_and_the_lead_signs_for_minors() {
    let (client, dir) = common::client().await;
    to_documents(
        &client,
        "family@example.com",
        &[
            ("Élodie", "Ménard", false),
            ("Paul", "Ménard", false),
            ("Léa", "Ménard", true),
        ],
    )
    .await;
    // Not before step 5 is done.
    let res = flow::sign_all(&client, &[(0, "Élodie Ménard")]).await;
    assert_eq!(location(&res), "/claims/new/documents");
    continue_to_mandate(&client).await;
    let (_, page, _) = get(&client, "/claims/new/mandate?lang=en").await;
    assert!(page.contains("Claim mandate"), "full text: {page}");
    assert!(page.contains("Between Élodie Ménard") && page.contains("Between Paul Ménard"));
    assert!(page.contains("Between Léa Ménard"), "the minor's text too");
    assert!(page.contains("signers[0].name") && page.contains("signers[1].name"));
    assert!(!page.contains("signers[2].name"), "a minor does not sign");

    // Wrong name for one, no consent for the other: both messages, typed values kept.
    let res = post(
        &client,
        "/claims/new/mandate",
        &[
            ("signers[0].position", "0"),
            ("signers[0].name", "Elodie Someone"),
            ("signers[0].consent", "true"),
            ("signers[1].position", "1"),
            ("signers[1].name", "paul menard"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    let page = body(res).await;
    assert!(
        page.contains("as it appears on the claim (Élodie Ménard)"),
        "{page}"
    );
    assert!(page.contains("Tick the box to accept the mandate"));
    assert!(page.contains("value=\"Elodie Someone\""));
    assert!(page.contains("value=\"paul menard\""));
    assert_eq!(
        count(dir.path(), "SELECT count(*) FROM mandates"),
        0,
        "all or none"
    );

    // Both sign (case and accents do not matter): three mandates, the minor's by the lead.
    let res = flow::sign_all(&client, &[(0, "elodie menard"), (1, "Paul Ménard")]).await;
    assert_eq!(location(&res), "/claims/new/payout");
    let rows: Vec<(i64, i64, String, String, String, String)> = db(dir.path())
        .prepare(
            "SELECT passenger_position, signed_by_position, signer_name, text_sha256, ip, text
             FROM mandates ORDER BY passenger_position",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[2].0, rows[2].1), (2, 0));
    assert_eq!(rows[2].2, "elodie menard");
    for (_, _, _, sha, ip, text) in &rows {
        assert_eq!(sha, &flightclaim::mandate::text_sha256(text));
        assert!(!ip.is_empty());
    }
    assert!(rows[2].5.contains("Léa Ménard"));
    // Back on the page: signed, no fields.
    let (_, page, _) = get(&client, "/claims/new/mandate?lang=en").await;
    assert!(page.contains("Signed by elodie menard"), "{page}");
    assert!(!page.contains("signers[0].name"));
}

#[rocket::async_test]
async fn submission_needs_the_mandates_and_moves_everything_to_the_claim() {
    let (client, dir) = common::client().await;
    to_documents(&client, "sub@example.com", &[("Marie", "Curie", false)]).await;
    let res = upload(
        &client,
        DOCS,
        "boarding_pass",
        "0",
        Some(("bp.pdf", &flow::pdf())),
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    continue_to_mandate(&client).await;
    // The payout step cannot be reached before signing.
    let res = post(
        &client,
        "/claims/new/payout",
        &[("iban", flow::IBAN), ("holder", "M")],
    )
    .await;
    assert_eq!(location(&res), "/claims/new/mandate");
    let res = post(&client, "/claims/new/review", &[]).await;
    assert_eq!(location(&res), "/claims/new/mandate");
    let res = flow::sign_all(&client, &[(0, "Marie Curie")]).await;
    assert_eq!(location(&res), "/claims/new/payout");
    post(
        &client,
        "/claims/new/payout",
        &[("iban", flow::IBAN), ("holder", "Marie Curie")],
    )
    .await;
    // The name changes after signing: the signed text is no longer the claim's → refused.
    let res = post(
        &client,
        "/claims/new/passengers",
        &[
            ("action", "next"),
            ("booking_ref", "K7QX2M"),
            ("passengers[0].first_name", "Maria"),
            ("passengers[0].last_name", "Curie"),
            ("email", "sub@example.com"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let res = post(&client, "/claims/new/review?lang=en", &[]).await;
    assert_eq!(res.status(), Status::Ok);
    let page = body(res).await;
    assert!(
        page.contains("The mandate must be signed by every passenger"),
        "{page}"
    );
    assert_eq!(count(dir.path(), "SELECT count(*) FROM claims"), 0);
    // Sign again under the new name, then submit.
    let res = flow::sign_all(&client, &[(0, "Maria Curie")]).await;
    assert_eq!(location(&res), "/claims/new/payout");
    let res = post(&client, "/claims/new/review", &[]).await;
    let claim_ref = location(&res).trim_start_matches("/claims/").to_string();
    assert!(claim_ref.starts_with("FC-"), "{claim_ref}");
    let conn = db(dir.path());
    let claim_id: i64 = conn
        .query_row("SELECT id FROM claims WHERE ref = ?1", [&claim_ref], |r| {
            r.get(0)
        })
        .unwrap();
    let (docs, doc_drafts): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(draft_id) FROM documents WHERE claim_id = ?1",
            [claim_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((docs, doc_drafts), (1, 0));
    let signer: String = conn
        .query_row(
            "SELECT signer_name FROM mandates WHERE claim_id = ?1 AND draft_id IS NULL",
            [claim_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(signer, "Maria Curie");
    assert_eq!(count(dir.path(), "SELECT count(*) FROM claim_drafts"), 0);
}

#[rocket::async_test]
async fn old_drafts_and_their_unused_files_are_cleaned_up() {
    let (owner, dir) = common::client().await;
    // A submitted claim holding the PDF.
    to_documents(&owner, "keep@example.com", &[("Kim", "Keeper", false)]).await;
    let res = upload(&owner, DOCS, "booking", "0", Some(("r.pdf", &flow::pdf()))).await;
    assert_eq!(res.status(), Status::SeeOther);
    continue_to_mandate(&owner).await;
    flow::sign_and_submit(&owner, &[(0, "Kim Keeper")]).await;

    // An abandoned draft with the same PDF and a PNG of its own.
    let other =
        Client::tracked(flightclaim::app::build(common::test_config(dir.path(), "")).unwrap())
            .await
            .unwrap();
    to_documents(&other, "gone@example.com", &[("Gil", "Gone", false)]).await;
    for (kind, file) in [
        ("booking", ("r.pdf", flow::pdf())),
        ("boarding_pass", ("b.png", flow::png())),
    ] {
        let res = upload(&other, DOCS, kind, "0", Some((file.0, &file.1))).await;
        assert_eq!(res.status(), Status::SeeOther);
    }
    let docs = dir.path().join("documents");
    // Leftovers of an interrupted upload and of a removed document.
    std::fs::write(docs.join(".upload-abc.tmp"), b"partial").unwrap();
    std::fs::write(docs.join("ab".repeat(32)), b"orphan").unwrap();
    let fresh_orphan = "cd".repeat(32);

    // Six months and more later (files dated back too, except one just written).
    let conn = db(dir.path());
    conn.execute(
        "UPDATE claim_drafts SET updated_at = '2020-01-01T00:00:00Z' WHERE id IN
         (SELECT draft_id FROM documents WHERE draft_id IS NOT NULL)",
        [],
    )
    .unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_hours(72);
    for entry in std::fs::read_dir(&docs).unwrap() {
        let f = std::fs::File::options()
            .append(true)
            .open(entry.unwrap().path())
            .unwrap();
        f.set_modified(old).unwrap();
    }
    std::fs::write(docs.join(&fresh_orphan), b"uploading right now").unwrap();
    let files = |d: &std::path::Path| std::fs::read_dir(d).unwrap().count();
    assert_eq!(files(&docs), 5);

    let handle = flightclaim::db::Db::open(&dir.path().join("flightclaim.sqlite3")).unwrap();
    let store = flightclaim::documents::DocumentStore::new(dir.path());
    let (drafts, removed) = flightclaim::jobs::clean_up_drafts(&handle, &store, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (drafts, removed),
        (1, 3),
        "the draft; its PNG, the temp file, the old orphan"
    );
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM documents WHERE draft_id IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM documents WHERE claim_id IS NOT NULL"
        ),
        1
    );
    // The claim's PDF (also the draft's) and the file being uploaded stay.
    assert_eq!(files(&docs), 2);
    assert!(docs.join(&fresh_orphan).exists());
    flow::confirm_by_email(&owner, dir.path(), "keep@example.com").await;
    let (_, claim_page, _) = get(&owner, "/account").await;
    assert!(claim_page.contains("FC-"), "the claim is untouched");
}
