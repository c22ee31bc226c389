//! The CSV exports of claims and of the ledger (issue 15): a BOM, `?sep=semicolon` with
//! decimal commas, booking reference and money columns each next to its currency (euros and
//! pounds never added), no row cap (the rows are read page by page: more claims and ledger
//! rows than one page come out, each once), and the ledger export for finance and admins only.
#![allow(clippy::too_many_lines, clippy::many_single_char_names)]

use crate::money::approved;
use crate::support;

use std::collections::HashSet;

use rocket::http::{ContentType, Status};
use support::{claim, db, page, post, seed, sign_in, world};

async fn csv(client: &rocket::local::asynchronous::Client, uri: &str) -> (Status, String) {
    let res = client.get(uri.to_string()).dispatch().await;
    let status = res.status();
    if status == Status::Ok {
        assert_eq!(res.content_type(), Some(ContentType::CSV), "{uri}");
    }
    (status, res.into_string().await.unwrap_or_default())
}

/// The line of `body` that mentions `needle`.
fn line_of<'a>(body: &'a str, needle: &str) -> &'a str {
    body.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} in {body}"))
}

#[rocket::async_test]
async fn claims_and_ledger_exports_are_streamed_with_every_row_and_currency_apart() {
    let w = world().await;
    seed(w.dir.path(), "money@example.com", "finance", "en");
    let finance = sign_in(w.dir.path(), "/admin/login", "money@example.com").await;
    let today = chrono::Utc::now().date_naive().to_string();
    let a = approved(&w, "AF9", "Blanc", 60_000, "").await;
    let (s, _, body) = post(
        &w.admin,
        &format!("/admin/claims/{a}"),
        &format!("/admin/claims/{a}/money/airline-payment"),
        &[
            ("amount", "250"),
            ("currency", "EUR"),
            ("date", &today),
            ("settlement", "partial"),
            ("payer", "Air France"),
            ("reference", "AF-TRX-77"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    // A pound claim with a payment in pounds, recorded straight into the ledger.
    let b = approved(&w, "BA10", "Noir", 40_000, "").await;
    let c = claim(w.dir.path(), w.pax_id, "LH7", "2025-06-01", "Vert", 40_000);
    let q = b.clone();
    db(w.dir.path())
        .write_blocking(move |tx| {
            tx.execute("UPDATE claims SET currency = 'GBP' WHERE ref = ?1", [&q])?;
            tx.execute(
                "INSERT INTO ledger (claim_id, kind, amount_minor, currency, value_date, payer,
                                     recorded_by, created_at)
                 SELECT id, 'airline_payment_received', 12345, 'GBP', '2026-01-02', 'BA',
                        'money@example.com', '2026-01-02T10:00:00Z'
                 FROM claims WHERE ref = ?1",
                [&q],
            )?;
            Ok(())
        })
        .unwrap();

    let (s, body) = csv(&w.agent, "/admin/claims.csv").await;
    assert_eq!(s, Status::Ok);
    assert!(
        body.starts_with("\u{feff}reference,status,created_at,booking_reference,"),
        "{body}"
    );
    let header = body.lines().next().unwrap();
    for col in [
        "passengers",
        "airline",
        "flight_number",
        "flight_date",
        "approved,approved_currency",
        "received,received_currency",
        "paid_out,paid_out_currency",
        "fee,fee_currency",
        "net,net_currency",
    ] {
        assert!(header.contains(col), "{col} in {header}");
    }
    assert_eq!(body.lines().count(), 4, "{body}");
    let la = line_of(&body, &a);
    assert!(la.contains("K7QX2M"), "booking reference: {la}");
    assert!(
        la.contains(",600.00,EUR,250.00,EUR,0.00,EUR,0.00,EUR,250.00,EUR,"),
        "{la}"
    );
    let lb = line_of(&body, &b);
    assert!(lb.contains(",400.00,GBP,123.45,GBP,"), "{lb}");
    assert!(!lb.contains("EUR"), "pounds stay pounds: {lb}");
    let lc = line_of(&body, &c);
    assert!(lc.contains(",400.00,EUR,,,0.00,EUR,"), "not approved: {lc}");

    let (s, body) = csv(&w.agent, "/admin/claims.csv?sep=semicolon&airline=AF").await;
    assert_eq!(s, Status::Ok);
    assert!(body.starts_with("\u{feff}reference;status;"), "{body}");
    assert!(
        line_of(&body, &a).contains(";600,00;EUR;250,00;EUR;"),
        "{body}"
    );
    assert!(!body.contains(&c), "the filter applies");
    let (s, _) = csv(&w.agent, "/admin/claims.csv?sep=tab").await;
    assert_eq!(s, Status::BadRequest);

    // The ledger: finance and admins only.
    let (s, _) = csv(&w.agent, "/admin/finance/ledger.csv").await;
    assert_eq!(s, Status::Forbidden);
    let (s, body) = csv(&finance, "/admin/finance/ledger.csv").await;
    assert_eq!(s, Status::Ok);
    assert!(
        body.starts_with("\u{feff}id,claim_reference,passenger,kind,amount_minor,amount,currency,value_date,payer,reference,note,recorded_by,recorded_at\r\n"),
        "{body}"
    );
    let la = line_of(&body, "AF-TRX-77");
    assert!(la.contains(&a), "{la}");
    assert!(
        la.contains(",airline_payment_received,25000,250.00,EUR,"),
        "{la}"
    );
    assert!(
        la.contains("Air France") && la.contains("boss@example.com"),
        "{la}"
    );
    let lb = line_of(&body, &b);
    assert!(lb.contains(",12345,123.45,GBP,2026-01-02,BA,"), "{lb}");
    let (s, body) = csv(&w.admin, "/admin/finance/ledger.csv?sep=semicolon").await;
    assert_eq!(s, Status::Ok);
    assert!(line_of(&body, &b).contains(";12345;123,45;GBP;"), "{body}");
    let (_, html) = page(&finance, "/admin/finance?lang=en").await;
    assert!(
        html.contains("/admin/finance/ledger.csv?sep=semicolon"),
        "{html}"
    );

    // No cap: more claims and ledger rows than one page, each exported once.
    let copies = flightclaim::services::exports::CLAIMS_PAGE + 20;
    let entries = flightclaim::services::exports::LEDGER_PAGE + 30;
    let q = c.clone();
    db(w.dir.path())
        .write_blocking(move |tx| {
            for n in 0..copies {
                tx.execute(
                    "INSERT INTO claims (ref, user_id, status, request_json, result_json,
                         amount_cents, currency, regime, reason_code, operating_carrier,
                         flight_number, flight_date, route, booking_ref, fee_percent,
                         payout_iban, payout_holder, lead_name_key, created_at, updated_at)
                     SELECT printf('FC-T%05d', ?1), user_id, status, request_json, result_json,
                         amount_cents, currency, regime, reason_code, operating_carrier,
                         flight_number, flight_date, route, booking_ref, fee_percent,
                         payout_iban, payout_holder, lead_name_key || ?1, created_at, updated_at
                     FROM claims WHERE ref = ?2",
                    (n, &q),
                )?;
            }
            for _ in 0..entries {
                tx.execute(
                    "INSERT INTO ledger (claim_id, kind, amount_minor, currency, value_date,
                                         recorded_by, created_at)
                     SELECT id, 'fee', 1, 'EUR', '2026-01-03', 'x', '2026-01-03T10:00:00Z'
                     FROM claims WHERE ref = ?1",
                    [&q],
                )?;
            }
            Ok(())
        })
        .unwrap();
    let (s, body) = csv(&w.agent, "/admin/claims.csv").await;
    assert_eq!(s, Status::Ok);
    let refs: Vec<&str> = body
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(refs.len(), 3 + usize::try_from(copies).unwrap());
    assert_eq!(
        refs.iter().collect::<HashSet<_>>().len(),
        refs.len(),
        "once each"
    );
    let (s, body) = csv(&finance, "/admin/finance/ledger.csv").await;
    assert_eq!(s, Status::Ok);
    assert_eq!(
        body.lines().count(),
        1 + 2 + usize::try_from(entries).unwrap(),
        "every ledger row"
    );
}
