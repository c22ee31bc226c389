//! Escalation documents (issue 16): staff generate the second notice, the complaint to the
//! competent enforcement body and the court papers from realistic claims; each is stored as
//! generated (row, SHA-256 of the stored file, who, audit) and given back as the same PDF, whose
//! text `pdftotext` checks: the right body, language, forum, passengers and flight.
#![allow(clippy::too_many_lines)]

use crate::support;

use flightclaim::db::claims::{self, ClaimPassenger, NewClaim};
use flightclaim::domain::eligibility::{evaluate, parse_request};
use flightclaim::refdata::RefData;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;
use sha2::{Digest as _, Sha256};
use support::{count, db, page, post, text, world};

struct Case {
    flight: &'static str,
    from: &'static str,
    to: &'static str,
    residence: &'static str,
    regime: &'static str,
    currency: &'static str,
    cents: i64,
    first: &'static str,
    last: &'static str,
}

/// `"AF7700 CDG NCE FR EU261 EUR 25000 Anaïs Lefèvre-Cœur"`: flight, from, to, passenger's
/// residence, regime, currency, amount per passenger in cents, first and last name.
fn case(spec: &'static str) -> Case {
    let f: Vec<&'static str> = spec.split(' ').collect();
    Case {
        flight: f[0],
        from: f[1],
        to: f[2],
        residence: f[3],
        regime: f[4],
        currency: f[5],
        cents: f[6].parse().unwrap(),
        first: f[7],
        last: f[8],
    }
}

/// A submitted claim straight through the repository, with a real engine answer.
fn claim(dir: &std::path::Path, user: i64, c: &Case) -> String {
    let json = format!(
        r#"{{"legs":[{{"flight_number":"{}","from_iata":"{}","to_iata":"{}",
        "scheduled_departure_local":"2025-06-14T10:30","scheduled_arrival_local":"2025-06-14T12:55"}}],
        "passenger":{{"residence_country":"{}"}},
        "disruption":{{"type":"delay","arrival_delay_minutes":245,"reason":"technical"}}}}"#,
        c.flight, c.from, c.to, c.residence
    );
    let req = parse_request(json.as_bytes()).unwrap();
    let resp = evaluate(
        &req,
        RefData::embedded(),
        "en",
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let new = NewClaim {
        user_id: user,
        request_json: serde_json::to_string(&req).unwrap(),
        result_json: serde_json::to_string(&resp).unwrap(),
        amount_cents: c.cents,
        currency: c.currency.into(),
        regime: c.regime.into(),
        reason_code: "ELIGIBLE_DELAY".into(),
        operating_carrier: c.flight[..2].to_string(),
        flight_number: c.flight.into(),
        flight_date: "2025-06-14".into(),
        route: format!("{} → {}", c.from, c.to),
        booking_ref: "K7QX2M".into(),
        fee_percent: 25,
        payout_iban: support::IBAN.into(),
        payout_holder: format!("{} {}", c.first, c.last),
        lead_name_key: format!("{}{}", c.first, c.last).to_lowercase(),
    };
    let passengers = vec![ClaimPassenger {
        first_name: c.first.into(),
        last_name: c.last.into(),
        birth_date: None,
        is_minor: false,
        email: None,
        phone: None,
    }];
    db(dir)
        .write_blocking(move |tx| {
            claims::insert(tx, &new, &passengers)
                .map(|(_, r)| r.to_string())
                .map_err(|_| flightclaim::db::DbError::Conflict("insert".into()))
        })
        .unwrap()
}

/// Moves the claim to "sent to airline" through the staff forms (the first letter's date).
async fn send_to_airline(client: &Client, r: &str) {
    let detail = format!("/admin/claims/{r}");
    for t in ["start_review", "send_to_airline"] {
        let (s, _, body) = post(
            client,
            &detail,
            &format!("{detail}/status"),
            &[("transition", t)],
        )
        .await;
        assert_eq!(s, Status::SeeOther, "{t}: {body}");
    }
}

/// Generates `kind` and downloads it; returns the PDF's text (one line) and the PDF.
async fn generate(
    client: &Client,
    dir: &std::path::Path,
    r: &str,
    kind: &str,
) -> (String, Vec<u8>) {
    let detail = format!("/admin/claims/{r}");
    let (s, location, body) =
        post(client, &detail, &format!("{detail}/escalation/{kind}"), &[]).await;
    assert_eq!(s, Status::SeeOther, "{kind}: {body}");
    let location = location.unwrap();
    let id = location.rsplit_once("#escalation-").unwrap().1.to_string();
    let (s, html) = page(client, &detail).await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains(&format!("id=\"escalation-{id}\"")), "listed");
    let res = client
        .get(format!("{detail}/escalation/{id}.pdf"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.content_type(), Some(ContentType::PDF));
    let pdf = res.into_bytes().await.unwrap();
    // Stored as generated: the row's hash is the hash of the bytes given back, shown on the page.
    let hash = hex::encode(Sha256::digest(&pdf));
    assert_eq!(
        text(
            dir,
            &format!("SELECT sha256 FROM escalation_documents WHERE id = {id}")
        ),
        vec![hash.clone()]
    );
    assert!(html.contains(&hash), "hash on the claim page");
    assert!(dir.join("documents").join(&hash).exists());
    let path = dir.join(format!("{r}-{kind}.pdf"));
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    (text.split_whitespace().collect::<Vec<_>>().join(" "), pdf)
}

fn unescape(html: &str) -> String {
    html.replace("&#39;", "'").replace("&#x27;", "'")
}

fn has_all(text: &str, words: &[&str]) {
    for w in words {
        assert!(text.contains(w), "{w:?} not in: {text}");
    }
}

#[rocket::async_test]
async fn french_domestic_claim_documents_are_in_french_for_the_dgac_and_the_tribunal() {
    let w = world().await;
    let dir = w.dir.path();
    let r = claim(
        dir,
        w.pax_id,
        &case("AF7700 CDG NCE FR EU261 EUR 25000 Anaïs Lefèvre-Cœur"),
    );
    send_to_airline(&w.agent, &r).await;
    let (notice, _) = generate(&w.agent, dir, &r, "second_notice").await;
    has_all(
        &notice,
        &[
            "DEUXIÈME MISE EN DEMEURE",
            &r,
            "AF7700",
            "14 juin 2025",
            "Anaïs Lefèvre-Cœur",
            "n'a pas répondu",
            "14 jours",
            "Direction générale de l'aviation civile",
        ],
    );
    let (neb, _) = generate(&w.agent, dir, &r, "neb_complaint").await;
    has_all(
        &neb,
        &[
            "plainte au titre du",
            "Direction générale de l'aviation civile (DGAC)",
            "50 rue Henry Farman",
            "Anaïs Lefèvre-Cœur",
            "AF7700",
            "CDG-NCE",
            "4. La réponse de la compagnie",
            "n'a pas répondu",
            "250",
        ],
    );
    let (court, _) = generate(&w.agent, dir, &r, "court_papers").await;
    has_all(
        &court,
        &[
            "Requête — tribunal judiciaire",
            "PROJET À RELIRE",
            "France",
            "lieu de départ du vol, CDG",
            "Rehder, C-204/08",
            "Anaïs Lefèvre-Cœur",
            "Air France",
            "PAR CES MOTIFS",
            "750-1",
        ],
    );
    assert!(!court.contains("861/2007"), "domestic: no ESCP form");
    assert_eq!(
        text(
            dir,
            "SELECT kind || ' ' || variant || ' ' || language || ' ' || created_by FROM escalation_documents ORDER BY id"
        ),
        vec![
            format!("second_notice FR fr {}", w.agent_id),
            format!("neb_complaint FR fr {}", w.agent_id),
            format!("court_papers french_statement:FR fr {}", w.agent_id),
        ]
    );
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM audit_log WHERE action = 'claim.escalation_document' AND actor = 'agent@example.com'"
        ),
        3
    );
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM audit_log WHERE action = 'claim.escalation_document.download'"
        ),
        3
    );
}

#[rocket::async_test]
async fn cross_border_germany_to_spain_goes_to_the_lba_and_form_a() {
    let w = world().await;
    let dir = w.dir.path();
    let r = claim(
        dir,
        w.pax_id,
        &case("LH1122 FRA MAD FR EU261 EUR 40000 Jürgen Weiß"),
    );
    send_to_airline(&w.agent, &r).await;
    // The airline answered with a refusal: the complaint quotes it.
    let detail = format!("/admin/claims/{r}");
    let (s, _, _) = post(
        &w.agent,
        &detail,
        &format!("{detail}/status"),
        &[
            ("transition", "record_answer"),
            ("summary", "Extraordinary circumstances: weather"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (notice, _) = generate(&w.agent, dir, &r, "second_notice").await;
    has_all(
        &notice,
        &[
            "SECOND NOTICE",
            "LH1122",
            "Jürgen Weiß",
            "Luftfahrt-Bundesamt",
            "Extraordinary circumstances: weather",
        ],
    );
    let (neb, _) = generate(&w.agent, dir, &r, "neb_complaint").await;
    has_all(
        &neb,
        &[
            "complaint under Regulation (EC) No 261/2004",
            "Luftfahrt-Bundesamt (LBA) (DE)",
            "Hermann-Blenk-Straße 26",
            "Jürgen Weiß",
            "FRA-MAD",
            "Extraordinary circumstances: weather",
            "€400",
        ],
    );
    let (court, _) = generate(&w.agent, dir, &r, "court_papers").await;
    has_all(
        &court,
        &[
            "European Small Claims Procedure — Claim Form A",
            "861/2007",
            "Member State of the court: Germany",
            "place of departure of the flight, FRA",
            "Cross-border nature",
            "Claimant's residence: France",
            "Defendant's seat: Germany",
            "Lufthansa",
            "Jürgen Weiß",
            "€400",
        ],
    );
    assert_eq!(
        text(
            dir,
            "SELECT variant || ' ' || language FROM escalation_documents ORDER BY id"
        ),
        vec!["DE en", "DE en", "escp_form_a:DE en"]
    );
}

#[rocket::async_test]
async fn uk_claim_goes_to_the_caa_and_particulars_of_claim() {
    let w = world().await;
    let dir = w.dir.path();
    let r = claim(
        dir,
        w.pax_id,
        &case("BA1440 LHR EDI GB UK261 GBP 22000 Siobhan O'Connor"),
    );
    send_to_airline(&w.agent, &r).await;
    let (neb, _) = generate(&w.admin, dir, &r, "neb_complaint").await;
    has_all(
        &neb,
        &[
            "UK261",
            "Civil Aviation Authority (CAA) (GB)",
            "Crawley",
            "Siobhan O'Connor",
            "BA1440",
            "£220",
        ],
    );
    let (court, _) = generate(&w.admin, dir, &r, "court_papers").await;
    has_all(
        &court,
        &[
            "IN THE COUNTY COURT — PARTICULARS OF CLAIM",
            "Member State of the court: United Kingdom",
            "Siobhan O'Connor",
            "British Airways",
            "County Courts Act 1984",
            "AND THE CLAIMANT CLAIMS £220",
        ],
    );
}

#[rocket::async_test]
async fn refusals_bad_references_and_passengers() {
    let w = world().await;
    let dir = w.dir.path();
    // Domestic German claim: there are no court papers for it; nothing is stored.
    let r = claim(
        dir,
        w.pax_id,
        &case("LH100 FRA MUC DE EU261 EUR 25000 Jürgen Weiß"),
    );
    let detail = format!("/admin/claims/{r}");
    let (s, _, html) = post(
        &w.agent,
        &detail,
        &format!("{detail}/escalation/court_papers"),
        &[],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("data-testid=\"action-error\""), "{html}");
    assert!(
        unescape(&html).contains("Nous n'avons pas de pièces"),
        "in the agent's French"
    );
    // A flight outside the Regulation's territory has no competent body.
    let r2 = claim(
        dir,
        w.pax_id,
        &case("TK1 IST JFK FR EU261 EUR 60000 Jeanne Martin"),
    );
    let d2 = format!("/admin/claims/{r2}");
    let (s, _, html) = post(
        &w.admin,
        &d2,
        &format!("{d2}/escalation/neb_complaint"),
        &[],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("organisme national de contrôle"), "{html}");
    assert_eq!(count(dir, "SELECT count(*) FROM escalation_documents"), 0);
    // Bad reference, unknown kind, unknown or foreign document: 404.
    for uri in [
        "/admin/claims/FC-ZZZZZZ/escalation/second_notice".to_string(),
        "/admin/claims/not-a-ref/escalation/second_notice".to_string(),
        format!("{detail}/escalation/letter_bomb"),
    ] {
        let (s, _, _) = post(&w.agent, &detail, &uri, &[]).await;
        assert_eq!(s, Status::NotFound, "{uri}");
    }
    let (s, _, _) = post(
        &w.agent,
        &detail,
        &format!("{detail}/escalation/second_notice"),
        &[],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let id = count(dir, "SELECT max(id) FROM escalation_documents");
    for uri in [
        format!("/admin/claims/FC-ZZZZZZ/escalation/{id}.pdf"),
        format!("{d2}/escalation/{id}.pdf"),
        format!("{detail}/escalation/999.pdf"),
        format!("{detail}/escalation/x.pdf"),
    ] {
        let (s, _) = page(&w.agent, &uri).await;
        assert_eq!(s, Status::NotFound, "{uri}");
    }
    // Passengers and visitors never reach them; a POST without CSRF token is refused.
    let pdf = format!("{detail}/escalation/{id}.pdf");
    for client in [&w.passenger, &w.anonymous] {
        let (s, _) = page(client, &pdf).await;
        assert_eq!(s, Status::SeeOther, "{pdf}");
        let res = client
            .post(format!("{detail}/escalation/neb_complaint"))
            .header(ContentType::Form)
            .body("")
            .dispatch()
            .await;
        assert!(
            matches!(res.status().code, 303 | 401 | 403 | 422),
            "{}",
            res.status()
        );
    }
    let (_, html) = page(&w.passenger, &format!("/claims/{r}")).await;
    assert!(
        !html.contains("escalation"),
        "the passenger's page does not list them"
    );
    assert_eq!(count(dir, "SELECT count(*) FROM escalation_documents"), 1);
}

#[rocket::async_test]
async fn every_label_is_translated_on_the_claim_page() {
    let w = world().await;
    let r = claim(
        w.dir.path(),
        w.pax_id,
        &case("AF7700 CDG NCE FR EU261 EUR 25000 Jeanne Martin"),
    );
    let (_, fr) = page(&w.agent, &format!("/admin/claims/{r}")).await;
    let fr = unescape(&fr);
    for label in [
        "Documents d'escalade",
        "Générer la deuxième mise en demeure",
        "Générer la plainte à l'organisme de contrôle",
        "Générer les pièces pour le tribunal",
    ] {
        assert!(fr.contains(label), "{label}");
    }
    assert!(!fr.contains("escalation.ui"), "no raw key");
    support::seed(w.dir.path(), "sam@example.com", "agent", "en");
    let en_agent = support::sign_in(w.dir.path(), "/admin/login", "sam@example.com").await;
    let (_, en) = page(&en_agent, &format!("/admin/claims/{r}?lang=en")).await;
    let en = unescape(&en);
    for label in [
        "Escalation documents",
        "Generate second notice",
        "Generate NEB complaint",
        "Generate court papers",
        "No escalation document yet.",
    ] {
        assert!(en.contains(label), "{label}");
    }
}
