//! "Start from your boarding pass" on the wizard's first step (issue 14), through HTTP: a real
//! rendered barcode fills the flights, booking reference and lead passenger and is kept as the
//! draft's boarding pass; what cannot be read says so with the form still there, never a 500.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use super::bcbp_images::render;
use super::common;
use super::flow::{get, jpeg, location, pdf, upload};

const ACTION: &str = "/claims/new/boarding-pass";

async fn start(client: &Client) {
    let (_, _, loc) = get(client, "/claims/new?lang=en").await;
    assert_eq!(loc.as_deref(), Some("/claims/new/flights"));
}

fn image(images: &[super::bcbp_images::Image], pass: &str, sym: &str, variant: &str) -> Vec<u8> {
    let img = images
        .iter()
        .find(|i| {
            i.pass.as_deref() == Some(pass)
                && i.symbology.as_deref() == Some(sym)
                && i.variant == variant
        })
        .expect("the generator made it");
    std::fs::read(&img.file).unwrap()
}

fn kept_boarding_passes(dir: &std::path::Path) -> i64 {
    rusqlite::Connection::open(dir.join("flightclaim.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM documents WHERE draft_id IS NOT NULL AND kind = 'boarding_pass'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test]
async fn a_boarding_pass_photo_fills_the_first_step() {
    let images_dir = tempfile::tempdir().unwrap();
    let images = render(images_dir.path());
    let (client, dir) = common::client().await;
    start(&client).await;

    let png = image(&images, "one_leg", "pdf417", "png");
    let res = upload(&client, ACTION, "", "", Some(("pass.png", &png))).await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(location(&res), "/claims/new/flights");
    let (status, page, _) = get(&client, "/claims/new/flights?lang=en").await;
    assert_eq!(status, Status::Ok);
    for shown in [
        "Read from your boarding pass: Luc Desmarais, booking reference ABC123.",
        "Your boarding pass was read and kept with your claim.",
        "value=\"AF1204\"",
        "value=\"2026-10-29\"",
        "value=\"CDG\"",
        "value=\"FCO\"",
    ] {
        assert!(page.contains(shown), "{shown} in\n{page}");
    }
    assert_eq!(kept_boarding_passes(dir.path()), 1);

    // Three flights on two bookings, from an Aztec code: every leg, in order.
    let aztec = image(&images, "three_legs", "aztec", "png");
    let res = upload(&client, ACTION, "", "", Some(("pass.png", &aztec))).await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_, page, _) = get(&client, "/claims/new/flights?lang=fr").await;
    assert!(
        page.contains("embarquement : Anne Marie Lefevre, référence de réservation X7K2PQ."),
        "{page}"
    );
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} in\n{page}"));
    assert!(at("value=\"KL1412\"") < at("value=\"KL641A\""));
    assert!(at("value=\"KL641A\"") < at("value=\"DL5501\""));
    assert!(page.contains("value=\"2026-11-02\""), "{page}");
    assert!(page.contains("value=\"BOS\""));
    assert_eq!(kept_boarding_passes(dir.path()), 2);
}

#[tokio::test]
async fn what_cannot_be_read_says_why_with_the_form_still_there() {
    let images_dir = tempfile::tempdir().unwrap();
    let images = render(images_dir.path());
    let (client, dir) = common::client().await;
    start(&client).await;
    let damaged = image(&images, "one_leg", "qr", "damaged");
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("damaged.png", damaged, "no barcode was found in it"),
        ("photo.jpg", jpeg(), "no barcode was found in it"),
        (
            "pass.pdf",
            pdf(),
            "PDF files cannot be read yet. Send a photo",
        ),
        (
            "pass.png",
            b"not an image at all".to_vec(),
            "this is not a JPEG or PNG image",
        ),
        ("empty.png", Vec::new(), "Choose a file to upload."),
    ];
    for (name, bytes, why) in cases {
        let res = upload(
            &client,
            &format!("{ACTION}?lang=en"),
            "",
            "",
            Some((name, &bytes)),
        )
        .await;
        assert_eq!(res.status(), Status::UnprocessableEntity, "{name}");
        let page = res.into_string().await.unwrap();
        let said = if name == "empty.png" {
            !page.contains("We could not read") && page.contains(why)
        } else {
            page.contains(&format!("We could not read this boarding pass: {why}"))
        };
        assert!(said, "{name}: {why} in\n{page}");
        assert!(
            page.contains("id=\"claim-form\""),
            "the flights form is still there"
        );
        assert!(page.contains("aria-invalid=\"true\""));
    }
    assert_eq!(kept_boarding_passes(dir.path()), 0);

    // Without the CSRF token in the action the file is not even read.
    let token = super::flow::csrf(&client).await;
    let (ct, body) = super::flow::multipart(&[("csrf_token", &token)], Some(("a.png", b"x")));
    let res = client.post(ACTION).header(ct).body(body).dispatch().await;
    assert_eq!(res.status(), Status::Forbidden);
}
