//! Issue 13 in the forms: "operated by" for a flight number sold by several licences (asked
//! without JavaScript by showing the flights step again, stored with the flight, sent to the
//! engine, shown on the review, claim and staff pages), and retired airport codes accepted
//! only on the dates they were in use.

use crate::common;
use crate::support::{self, page, world};

use rocket::http::Status;
use rocket::local::asynchronous::Client;

/// POSTs `fields` to `uri` with a CSRF token; status, redirect target ("" for none) and body.
async fn send(client: &Client, uri: &str, fields: &[(&str, &str)]) -> (Status, String, String) {
    let (status, location, body) = support::post(client, "/check", uri, fields).await;
    (status, location.unwrap_or_default(), body)
}

/// easyJet U2 8011 London Gatwick → Nice.
fn u2_flight(operated_by: Option<&str>) -> Vec<(&str, &str)> {
    let mut f = vec![
        ("step", "flights"),
        ("action", "next"),
        ("legs[0].flight", "u2 8011"),
        ("legs[0].date", "2025-05-14"),
        ("legs[0].from", "LGW"),
        ("legs[0].to", "NCE"),
        ("legs[0].dep_time", "07:00"),
        ("legs[0].arr_time", "10:05"),
    ];
    if let Some(o) = operated_by {
        f.push(("legs[0].operated_by", o));
    }
    f
}

/// Steps 3 (continue) to 7 of the wizard; the draft is then at "review".
async fn to_review(client: &Client) {
    assert_eq!(
        send(client, "/claims/new/result", &[]).await.1,
        "/claims/new/passengers"
    );
    let people = [
        ("action", "next"),
        ("booking_ref", "k7qx2m"),
        ("passengers[0].first_name", "Marie"),
        ("passengers[0].last_name", "Opérée"),
        ("email", "operated@example.com"),
    ];
    assert_eq!(
        send(client, "/claims/new/passengers", &people).await.1,
        "/claims/new/documents"
    );
    assert_eq!(
        send(client, "/claims/new/documents/seen", &[]).await.1,
        "/claims/new/mandate"
    );
    let mandate = [
        ("signers[0].position", "0"),
        ("signers[0].name", "Marie Opérée"),
        ("signers[0].consent", "true"),
    ];
    assert_eq!(
        send(client, "/claims/new/mandate", &mandate).await.1,
        "/claims/new/payout"
    );
    let payout = [("iban", support::IBAN), ("holder", "Marie Opérée")];
    assert_eq!(
        send(client, "/claims/new/payout", &payout).await.1,
        "/claims/new/review"
    );
}

#[rocket::async_test]
async fn the_wizard_asks_who_operated_a_grouped_flight_and_carries_the_answer_to_the_staff() {
    let w = world().await;
    let client = &w.anonymous;
    let _ = page(client, "/claims/new?lang=en").await;
    // Without JavaScript: the step comes back once, the group's default licence pre-selected.
    let (status, loc, html) = send(client, "/claims/new/flights", &u2_flight(None)).await;
    assert_eq!((status, loc.as_str()), (Status::Ok, ""), "{html}");
    assert!(html.contains("data-testid=\"operated-by-asked\""), "{html}");
    assert!(
        html.contains("<legend>Operated by (flights sold as U2)</legend>"),
        "{html}"
    );
    assert!(html.contains(r##"<a href="#leg0-operated-by">"##));
    assert!(
        html.contains(r#"id="leg0-operated-by" name="legs[0].operated_by" value="U2" checked"#),
        "default pre-selected: {html}"
    );
    assert!(html.contains("easyJet Europe (EC) – licence: Austria"));
    assert!(html.contains("easyJet Switzerland (DS) – licence: Switzerland"));
    // A licence outside the group (the flight number changed) is asked again.
    let (_, loc, _) = send(client, "/claims/new/flights", &u2_flight(Some("FR"))).await;
    assert_eq!(loc, "");
    let (_, loc, _) = send(client, "/claims/new/flights", &u2_flight(Some("ec"))).await;
    assert_eq!(loc, "/claims/new/disruption");
    // The choice is stored with the flight: the step shows it checked, nothing asked.
    let (_, flights) = page(client, "/claims/new/flights").await;
    assert!(flights.contains(r#"value="EC" checked"#), "{flights}");
    assert!(!flights.contains("operated-by-asked"));
    let (_, disruption) = page(client, "/claims/new/disruption").await;
    assert!(disruption.contains("operated by easyJet Europe (EC) – licence: Austria"));
    let what = [("step", "what"), ("action", "next"), ("what", "delay")];
    assert_eq!(
        send(client, "/claims/new/disruption", &what).await.1,
        "/claims/new/disruption"
    );
    let details = [
        ("step", "details"),
        ("action", "next"),
        ("delay_h", "4"),
        ("delay_m", "0"),
        ("reason", "technical"),
    ];
    let (_, loc, body) = send(client, "/claims/new/disruption", &details).await;
    assert_eq!(loc, "/claims/new/result", "{body}");
    let (_, result) = page(client, "/claims/new/result").await;
    assert!(
        result.contains("easyJet Europe (EC), as declared by the passenger")
            && result.contains("licensing state: Austria"),
        "the engine got EC: {result}"
    );
    // The rest of the wizard, then the review shows the licence.
    to_review(client).await;
    let (_, review) = page(client, "/claims/new/review").await;
    assert!(
        review.contains("operated by easyJet Europe (EC) – licence: Austria"),
        "{review}"
    );
    let (_, loc, _) = send(client, "/claims/new/review", &[]).await;
    assert!(loc.starts_with("/claims/FC-"), "{loc}");
    // The passenger's claim page, the stored request and the staff page.
    let (_, claim) = page(client, &loc).await;
    assert!(
        claim.contains(
            "Flight U28011: operated by easyJet Europe (EC) – licence: Austria (as you told us)"
        ),
        "{claim}"
    );
    let stored = support::text(w.dir.path(), "SELECT request_json FROM claims");
    assert!(
        stored[0].contains(r#""operating_carrier_iata":"EC""#),
        "{stored:?}"
    );
    let (status, staff) = page(&w.admin, &format!("/admin{loc}")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        staff.contains(
            "déclaré par le passager : opéré par easyJet Europe (EC) – licence : Autriche"
        ),
        "{staff}"
    );
}

#[rocket::async_test]
async fn check_asks_for_a_group_only_and_keeps_the_answer_to_the_result() {
    let (client, _dir) = common::client().await;
    let _ = page(&client, "/check?lang=en").await;
    // Air France is no group's: straight to step 2, no question.
    let mut af = u2_flight(None);
    af[2] = ("legs[0].flight", "AF 1234");
    let (status, _, html) = send(&client, "/check", &af).await;
    assert_eq!(status, Status::Ok);
    assert!(
        html.contains(r#"name="what""#) && !html.contains("operated_by"),
        "{html}"
    );
    // Ryanair: asked once, then Malta Air is carried as a hidden field and reaches the engine.
    let mut fr = u2_flight(None);
    fr[2] = ("legs[0].flight", "FR 1234");
    let (_, _, html) = send(&client, "/check", &fr).await;
    assert!(html.contains("Malta Air (AL) – licence: Malta") && !html.contains(r#"name="what""#));
    fr.push(("legs[0].operated_by", "AL"));
    let (_, _, what) = send(&client, "/check", &fr).await;
    assert!(
        what.contains(r#"name="legs[0].operated_by" value="AL""#),
        "{what}"
    );
    let mut details = fr.clone();
    details[0] = ("step", "details");
    details.extend([
        ("what", "delay"),
        ("delay_h", "5"),
        ("delay_m", "0"),
        ("reason", "technical"),
    ]);
    let (status, loc, body) = send(&client, "/check", &details).await;
    assert_eq!(status, Status::SeeOther, "{body}");
    let (_, result) = page(&client, &loc).await;
    assert!(
        result.contains("Malta Air (AL), as declared by the passenger"),
        "{result}"
    );
    assert!(result.contains("operated by Malta Air (AL) – licence: Malta"));
}

/// Berlin Schönefeld → Paris CDG on `date`.
fn sxf_flight(date: &str) -> Vec<(&str, &str)> {
    vec![
        ("step", "flights"),
        ("action", "next"),
        ("legs[0].flight", "AF 1535"),
        ("legs[0].date", date),
        ("legs[0].from", "SXF"),
        ("legs[0].to", "CDG"),
        ("legs[0].dep_time", "10:00"),
        ("legs[0].arr_time", "11:50"),
    ]
}

#[rocket::async_test]
async fn retired_codes_are_accepted_only_on_the_dates_they_were_in_use() {
    let (client, _dir) = common::client().await;
    let _ = page(&client, "/check?lang=en").await;
    let (status, _, what) = send(&client, "/check", &sxf_flight("2019-06-01")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        what.contains(r#"name="what""#),
        "SXF in 2019 is Schönefeld: {what}"
    );
    assert!(what.contains("Schönefeld (SXF), Germany — code used until 24 Oct 2020"));
    let (status, _, html) = send(&client, "/check", &sxf_flight("2023-03-01")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        html.contains(r##"<a href="#leg0-from">"##),
        "error summary link: {html}"
    );
    assert!(
        html.contains("SXF was the code of Berlin Schönefeld Airport until 24 Oct 2020 only. For a flight on this date, choose BER."),
        "{html}"
    );
    // In French, in the wizard too.
    let _ = page(&client, "/claims/new?lang=fr").await;
    let (status, _, html) = send(&client, "/claims/new/flights", &sxf_flight("2023-03-01")).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        html.contains(
            "SXF n&#39;a désigné Berlin Schönefeld Airport que jusqu&#39;au 24 oct. 2020"
        ),
        "{html}"
    );
    // IST before the move is Atatürk, labelled so; after it, the new airport.
    let mut ist = sxf_flight("2018-06-01");
    ist[4] = ("legs[0].from", "IST");
    ist[6] = ("legs[0].dep_time", "12:00");
    ist[7] = ("legs[0].arr_time", "14:45");
    let _ = page(&client, "/check?lang=en").await;
    let (_, _, what) = send(&client, "/check", &ist).await;
    assert!(what.contains("Atatürk"), "{what}");
    ist[3] = ("legs[0].date", "2023-06-01");
    let (_, _, what) = send(&client, "/check", &ist).await;
    assert!(
        what.contains(r#"name="what""#) && !what.contains("Atatürk"),
        "{what}"
    );
}
