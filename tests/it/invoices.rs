//! Fee invoices and credit notes (issue 15): an invoice is issued with the payout that records
//! our fee (same transaction), numbered per year without gaps (also after a rolled-back
//! transaction), stored as issued (PDF checked with `pdftotext`; the database refuses changes),
//! cancelled by a credit note with a reason and then corrected; finance staff and admins only
//! (agents 403), the passenger downloads their own (another passenger 404), CSV export with a
//! BOM and a `;` option.
#![allow(clippy::too_many_lines)]

use crate::common;
use crate::support;

use chrono::{TimeZone, Utc};
use flightclaim::db::ledger::{self, NewEntry};
use flightclaim::domain::invoice::is_gapless;
use flightclaim::domain::ledger::{Entry, EntryKind};
use flightclaim::domain::money::Money;
use flightclaim::services::invoices::{InvoiceError, Issuer, issue_for_fees};
use flightclaim::services::staff::Actor;
use rocket::http::Status;
use rocket::local::asynchronous::Client;
use support::{claim, count, db, page, post, seed, sign_in, text, world};

const OPERATOR: &str = r#"
operator_legal_name = "Vols Retardés SAS"
operator_legal_form = "SAS au capital de 10 000 €"
operator_address = "12 rue de l'Exemple, 75001 Paris"
operator_registration_number = "RCS Paris 123 456 789"
operator_vat_number = "FR12123456789"
"#;

/// A finance officer's browser on an application configured with `extra`.
async fn finance(dir: &std::path::Path, extra: &str) -> Client {
    seed(dir, "finance@example.com", "finance", "en");
    let client = Client::tracked(flightclaim::app::build(common::test_config(dir, extra)).unwrap())
        .await
        .unwrap();
    let status = common::submit(
        &client,
        "/admin/login",
        "/admin/login",
        &[
            ("email", "finance@example.com"),
            ("password", support::PASSWORD),
        ],
    )
    .await
    .status();
    assert_eq!(status, Status::SeeOther);
    client
}

/// A claim approved for 600 € by the agent, paid in full by the airline and paid out with a
/// 150 € fee by `fin`: returns its reference.
async fn paid_out(w: &support::World, fin: &Client, flight: &str) -> String {
    let r = claim(
        w.dir.path(),
        w.pax_id,
        flight,
        "2025-05-14",
        "Martin",
        60_000,
    );
    db(w.dir.path())
        .write_blocking({
            let r = r.clone();
            move |tx| {
                Ok(tx.execute(
                    "UPDATE claims SET status = 'airline_answered' WHERE ref = ?1",
                    [&r],
                )?)
            }
        })
        .unwrap();
    let detail = format!("/admin/claims/{r}");
    let (s, _, body) = post(
        &w.agent,
        &detail,
        &format!("{detail}/status"),
        &[
            ("transition", "approve"),
            ("amount", "600.00"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let today = Utc::now().date_naive().to_string();
    let (s, _, body) = post(
        fin,
        &detail,
        &format!("{detail}/money/airline-payment"),
        &[
            ("amount", "600"),
            ("currency", "EUR"),
            ("date", &today),
            ("payer", "Air France"),
            ("reference", "AF-1"),
            ("settlement", "full"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let (s, _, body) = post(
        fin,
        &detail,
        &format!("{detail}/money/payout"),
        &[
            ("amount", "450"),
            ("fee", "150"),
            ("currency", "EUR"),
            ("date", &today),
            ("reference", "PAYOUT-1"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    r
}

fn pdftotext(dir: &std::path::Path, pdf: &[u8]) -> String {
    let path = dir.join("check.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

async fn download(client: &Client, uri: &str) -> (Status, Vec<u8>) {
    let res = client.get(uri.to_string()).dispatch().await;
    (res.status(), res.into_bytes().await.unwrap_or_default())
}

fn has_all(text: &str, words: &[&str]) {
    for w in words {
        assert!(text.contains(w), "{w:?} not in: {text}");
    }
}

#[rocket::async_test]
async fn the_payout_issues_the_fee_invoice_that_staff_and_the_passenger_download() {
    let w = world().await;
    let fin = finance(w.dir.path(), OPERATOR).await;
    let r = paid_out(&w, &fin, "AF6").await;
    let year = Utc::now().format("%Y").to_string();
    let number = format!("{year}-000001");

    // One invoice, issued with the payout, stored with its hash, audited.
    assert_eq!(
        text(
            w.dir.path(),
            "SELECT number || ' ' || net_minor || ' ' || vat_rate_bp || ' ' || vat_minor || ' ' \
             || total_minor || ' ' || currency || ' ' || issued_by FROM invoices"
        ),
        [format!(
            "{number} 15000 2000 3000 18000 EUR finance@example.com"
        )]
    );
    let (hash, id) = (
        text(w.dir.path(), "SELECT sha256 FROM invoices").remove(0),
        count(w.dir.path(), "SELECT id FROM invoices"),
    );
    assert_eq!(
        count(
            w.dir.path(),
            "SELECT count(*) FROM audit_log WHERE action = 'invoice.issued'"
        ),
        1
    );

    // Staff (finance) see it on the claim page and in the list; the PDF is the stored one.
    let (_, html) = page(&fin, &format!("/admin/claims/{r}?lang=en")).await;
    has_all(&html, &[&number, "€150.00", "€180.00", "Issued"]);
    let (s, html) = page(&fin, "/admin/invoices?lang=en").await;
    assert_eq!(s, Status::Ok);
    has_all(&html, &[&number, &r, "Jeanne Martin", "€30.00", "EUR"]);
    let (s, pdf) = download(&fin, &format!("/admin/invoices/{id}/pdf")).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf)),
        hash
    );
    let words = pdftotext(w.dir.path(), &pdf);
    has_all(
        &words,
        &[
            &format!("Invoice {number}"),
            "Vols Retardés SAS, SAS au capital de 10 000 €",
            "12 rue de l'Exemple, 75001 Paris",
            "RCS Paris 123 456 789",
            "VAT number: FR12123456789",
            "Billed to Jeanne Martin",
            &r,
            "AF6",
            "Fee before tax: €150.00",
            "VAT at 20%: €30.00",
            "Total: €180.00",
        ],
    );

    // The passenger sees it on their claim page and downloads the same file.
    let (_, html) = page(&w.passenger, &format!("/claims/{r}?lang=en")).await;
    has_all(&html, &["Our invoice", &format!("PDF of invoice {number}")]);
    let (s, mine) = download(&w.passenger, &format!("/claims/{r}/invoices/{id}")).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(mine, pdf);

    // Another passenger gets 404, as for a claim that does not exist.
    let other_id = seed(w.dir.path(), "other@example.com", "passenger", "en");
    let other = sign_in(w.dir.path(), "/login", "other@example.com").await;
    let (s, _) = download(&other, &format!("/claims/{r}/invoices/{id}")).await;
    assert_eq!(s, Status::NotFound);
    // …and so does an invoice of another claim under one's own claim.
    let mine_ref = claim(w.dir.path(), other_id, "LH7", "2025-05-15", "Other", 40_000);
    let (s, _) = download(&other, &format!("/claims/{mine_ref}/invoices/{id}")).await;
    assert_eq!(s, Status::NotFound);

    // Agents: no invoice section, 403 on every route.
    let (_, html) = page(&w.agent, &format!("/admin/claims/{r}?lang=en")).await;
    assert!(!html.contains("data-testid=\"invoices\""));
    for uri in [
        "/admin/invoices".to_string(),
        "/admin/invoices.csv".to_string(),
        format!("/admin/invoices/{id}/pdf"),
        "/admin/credit-notes/1/pdf".to_string(),
    ] {
        let (s, _) = page(&w.agent, &uri).await;
        assert_eq!(s, Status::Forbidden, "{uri}");
    }
    let (s, _, _) = post(
        &w.agent,
        "/admin/claims",
        &format!("/admin/invoices/{id}/cancel"),
        &[("reason", "agent tries")],
    )
    .await;
    assert_eq!(s, Status::Forbidden);
    assert_eq!(count(w.dir.path(), "SELECT count(*) FROM credit_notes"), 0);
}

#[rocket::async_test]
async fn a_credit_note_cancels_and_a_corrected_invoice_follows() {
    let w = world().await;
    let fin = finance(w.dir.path(), OPERATOR).await;
    let r = paid_out(&w, &fin, "AF7").await;
    let year = Utc::now().format("%Y").to_string();
    let id = count(w.dir.path(), "SELECT id FROM invoices");
    let detail = format!("/admin/claims/{r}?lang=en");
    let cancel = format!("/admin/invoices/{id}/cancel");
    let correct = format!("/admin/invoices/{id}/correct");

    // Not corrected before it is cancelled; no credit note without a reason.
    let fields = [
        ("name", "Jeanne Martin"),
        ("address", "3 quai des Fleurs\n69001 Lyon"),
        ("net", "150"),
    ];
    let (s, _, body) = post(&fin, &detail, &correct, &fields).await;
    assert_eq!(s, Status::Conflict);
    assert!(body.contains("Only a cancelled invoice can be corrected"));
    let (s, _, body) = post(&fin, &detail, &cancel, &[("reason", "  ")]).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("Say why the invoice is cancelled"), "{body}");
    assert_eq!(count(w.dir.path(), "SELECT count(*) FROM credit_notes"), 0);

    // Cancelled with a reason: a credit note of its own series, referencing the invoice.
    let (s, _, body) = post(
        &fin,
        &detail,
        &cancel,
        &[("reason", "The postal address was missing")],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let note = format!("CN-{year}-000001");
    assert_eq!(
        text(
            w.dir.path(),
            "SELECT number || ' ' || invoice_id || ' ' || total_minor || ' ' || reason FROM credit_notes"
        ),
        [format!("{note} {id} 18000 The postal address was missing")]
    );
    let (s, _, _) = post(&fin, &detail, &cancel, &[("reason", "again")]).await;
    assert_eq!(s, Status::Conflict);
    let (_, html) = page(&fin, &detail).await;
    has_all(
        &html,
        &[
            &format!("Cancelled by {note}"),
            "Issue the corrected invoice",
        ],
    );
    let note_id = count(w.dir.path(), "SELECT id FROM credit_notes");
    let (s, pdf) = download(&fin, &format!("/admin/credit-notes/{note_id}/pdf")).await;
    assert_eq!(s, Status::Ok);
    has_all(
        &pdftotext(w.dir.path(), &pdf),
        &[
            &format!("Credit note {note}"),
            &format!("cancels invoice {year}-000001"),
            "Reason: The postal address was missing",
            "Total: -€180.00",
        ],
    );

    // A bad fee is refused with a translated message; then the corrected invoice.
    let mut bad = fields.to_vec();
    bad.retain(|(k, _)| *k != "net");
    bad.push(("net", "-3"));
    let (s, _, body) = post(&fin, &detail, &correct, &bad).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("Give a positive fee"));
    let (s, _, body) = post(&fin, &detail, &correct, &fields).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let (s, _, _) = post(&fin, &detail, &correct, &fields).await;
    assert_eq!(s, Status::Conflict, "corrected once only");
    let second = format!("{year}-000002");
    assert_eq!(
        text(
            w.dir.path(),
            "SELECT number || ' ' || coalesce(replaces_id, '') || ' ' || customer_address FROM invoices ORDER BY id"
        ),
        [
            format!("{year}-000001  "),
            format!("{second} {id} 3 quai des Fleurs\n69001 Lyon"),
        ]
    );
    let new_id = count(w.dir.path(), "SELECT max(id) FROM invoices");
    let (_, pdf) = download(&fin, &format!("/admin/invoices/{new_id}/pdf")).await;
    has_all(
        &pdftotext(w.dir.path(), &pdf),
        &[
            &format!("Invoice {second}"),
            "3 quai des Fleurs 69001 Lyon",
            &format!("corrects invoice {year}-000001, cancelled by credit note {note}"),
        ],
    );
    assert_eq!(
        text(
            w.dir.path(),
            "SELECT action FROM audit_log WHERE action LIKE 'invoice.%' ORDER BY id"
        ),
        ["invoice.issued", "invoice.cancelled", "invoice.corrected"]
    );

    // The passenger sees both invoices and downloads the credit note.
    let (_, html) = page(&w.passenger, &format!("/claims/{r}?lang=en")).await;
    has_all(&html, &[&second, &format!("Cancelled by {note}")]);
    let (s, _) = download(&w.passenger, &format!("/claims/{r}/credit-notes/{note_id}")).await;
    assert_eq!(s, Status::Ok);

    // The export: UTF-8 with a BOM, comma or semicolon (with decimal commas).
    let (s, csv) = download(&fin, "/admin/invoices.csv").await;
    assert_eq!(s, Status::Ok);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("\u{feff}type,number,issued_at,claim,customer,net,"));
    has_all(
        &csv,
        &[
            &format!("invoice,{year}-000001,"),
            ",150.00,20.00,30.00,180.00,EUR,cancelled,",
            &format!("credit_note,{note},"),
            ",-150.00,20.00,-30.00,-180.00,EUR,issued,",
        ],
    );
    let (_, csv) = download(
        &fin,
        &format!("/admin/invoices.csv?year={year}&sep=semicolon"),
    )
    .await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("\u{feff}type;number;issued_at;claim;customer;net;"));
    assert!(
        csv.contains(";150,00;20,00;30,00;180,00;EUR;cancelled;"),
        "{csv}"
    );
    let (s, html) = page(&fin, &format!("/admin/invoices?year={year}&lang=en")).await;
    assert_eq!(s, Status::Ok);
    has_all(
        &html,
        &[
            &second,
            &format!("corrects {year}-000001"),
            &format!("Cancelled by {note}"),
            &format!("<option value=\"{year}\" selected>"),
        ],
    );
    let (_, html) = page(&fin, "/admin/invoices?year=2001&lang=en").await;
    assert!(html.contains("No invoice yet."));
    let (s, _) = download(&fin, "/admin/invoices.csv?sep=tab").await;
    assert_eq!(s, Status::BadRequest);
    let (s, _) = page(&fin, "/admin/invoices?year=abc").await;
    assert_eq!(s, Status::NotFound);
}

#[rocket::async_test]
async fn without_vat_the_invoice_prints_the_mention() {
    let w = world().await;
    let extra = format!(
        "{OPERATOR}\nvat_rate_bp = 0\nvat_mention = \"TVA non applicable, art. 293 B du CGI\"\n"
    );
    let fin = finance(w.dir.path(), &extra).await;
    paid_out(&w, &fin, "AF8").await;
    assert_eq!(
        text(
            w.dir.path(),
            "SELECT vat_minor || ' ' || total_minor || ' ' || vat_mention FROM invoices"
        ),
        ["0 15000 TVA non applicable, art. 293 B du CGI"]
    );
    let id = count(w.dir.path(), "SELECT id FROM invoices");
    let (_, pdf) = download(&fin, &format!("/admin/invoices/{id}/pdf")).await;
    let words = pdftotext(w.dir.path(), &pdf);
    has_all(
        &words,
        &[
            "VAT: TVA non applicable, art. 293 B du CGI",
            "Total: €150.00",
        ],
    );
    assert!(!words.contains("VAT at"), "{words}");
}

/// A claim of the passenger with `n` fee rows in its ledger (as payouts record them).
fn claim_with_fees(w: &support::World, flight: &str, fees: &[i64]) -> String {
    let r = claim(
        w.dir.path(),
        w.pax_id,
        flight,
        "2025-05-14",
        "Martin",
        60_000,
    );
    let fees = fees.to_vec();
    let key = r.clone();
    db(w.dir.path())
        .write_blocking(move |tx| {
            let id: i64 = tx.query_row("SELECT id FROM claims WHERE ref = ?1", [&key], |row| {
                row.get(0)
            })?;
            for fee in fees {
                ledger::insert(
                    tx,
                    &NewEntry {
                        claim_id: id,
                        entry: Entry {
                            passenger: None,
                            kind: EntryKind::Fee,
                            amount: Money::eur(fee),
                        },
                        value_date: "2026-12-01".into(),
                        payer: String::new(),
                        reference: String::new(),
                        settles: false,
                        note: String::new(),
                        recorded_by_id: Some(1),
                        recorded_by: "finance@example.com".into(),
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    r
}

#[rocket::async_test]
async fn numbers_run_per_year_without_gaps_even_after_a_rollback() {
    let w = world().await;
    let dir = w.dir.path();
    let issuer = Issuer::from_config(&common::test_config(dir, OPERATOR));
    let actor = Actor {
        user_id: 1,
        email: "finance@example.com".into(),
    };
    let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
    let issue = |r: &str, when: chrono::DateTime<Utc>, fail: bool| {
        let (issuer, actor, r) = (issuer.clone(), actor.clone(), r.to_string());
        db(dir).transact_blocking(move |tx| {
            let detail = flightclaim::db::claim_admin::find_detail(tx, &r)?.unwrap();
            let numbers = issue_for_fees(tx, &issuer, &actor, &detail, when)?;
            if fail {
                // Whatever fails after the invoice (the payout's email, say) rolls it back.
                return Err(InvoiceError::AmountRequired);
            }
            Ok(numbers.into_iter().map(|i| i.number).collect::<Vec<_>>())
        })
    };
    let first = claim_with_fees(&w, "AF1", &[10_000, 2_500]);
    let second = claim_with_fees(&w, "AF2", &[12_345]);
    let third = claim_with_fees(&w, "AF3", &[9_900]);
    let fourth = claim_with_fees(&w, "AF4", &[100]);

    assert_eq!(
        issue(&first, at(2026, 12, 31), false).unwrap(),
        ["2026-000001", "2026-000002"]
    );
    // Idempotent: nothing left to bill on that claim.
    assert!(issue(&first, at(2026, 12, 31), false).unwrap().is_empty());
    // A rolled-back transaction leaves no hole: the next invoice takes the same number.
    assert!(issue(&second, at(2026, 12, 31), true).is_err());
    assert_eq!(count(dir, "SELECT count(*) FROM invoices"), 2);
    assert_eq!(
        issue(&second, at(2026, 12, 31), false).unwrap(),
        ["2026-000003"]
    );
    // A new year starts at 1; the old year goes on where it stopped.
    assert_eq!(
        issue(&third, at(2027, 1, 1), false).unwrap(),
        ["2027-000001"]
    );
    // The PDF is in the passenger's language.
    let pax = w.pax_id;
    db(dir)
        .write_blocking(move |tx| {
            Ok(tx.execute("UPDATE users SET locale = 'fr' WHERE id = ?1", [pax])?)
        })
        .unwrap();
    assert_eq!(
        issue(&fourth, at(2027, 3, 1), false).unwrap(),
        ["2027-000002"]
    );
    let pdf: Vec<u8> = db(dir)
        .read_blocking(|c| {
            Ok(c.query_row(
                "SELECT pdf FROM invoices WHERE number = '2027-000002'",
                [],
                |row| row.get(0),
            )?)
        })
        .unwrap();
    has_all(
        &pdftotext(dir, &pdf),
        &[
            "Facture n° 2027-000002",
            "Date d'émission : 1er mars 2027",
            "Honoraires hors taxes : 1,00 €",
            "TVA à 20 % : 0,20 €",
            "Total TTC : 1,20 €",
        ],
    );
    for year in [2026, 2027] {
        let seqs: Vec<u32> = text(
            dir,
            &format!("SELECT seq || '' FROM invoices WHERE year = {year}"),
        )
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        assert!(is_gapless(&seqs), "{year}: {seqs:?}");
    }
    // VAT rounded half away from zero: 123.45 at 20 % = 24.69.
    assert_eq!(
        text(
            dir,
            "SELECT vat_minor || '' FROM invoices WHERE net_minor = 12345"
        ),
        ["2469"]
    );

    // The unique index refuses a duplicate number, the triggers any change or deletion.
    let database = db(dir);
    for (sql, says) in [
        (
            "UPDATE invoices SET net_minor = 1 WHERE id = 1",
            "never changed",
        ),
        (
            "UPDATE invoices SET customer_name = 'X' WHERE id = 1",
            "never changed",
        ),
        ("DELETE FROM invoices WHERE id = 1", "never deleted"),
        ("DELETE FROM ledger", "never deleted"),
        (
            "INSERT INTO invoices (year, seq, number, claim_id, currency, net_minor, vat_rate_bp,
             vat_minor, total_minor, operator_json, customer_name, language, pdf, sha256,
             issued_at, issued_by) SELECT 2026, 2, '2026-x', claim_id, currency, net_minor,
             vat_rate_bp, vat_minor, total_minor, operator_json, customer_name, language, pdf,
             sha256, issued_at, issued_by FROM invoices WHERE id = 1",
            "UNIQUE",
        ),
    ] {
        let sql = sql.to_string();
        let err = database
            .write_blocking(move |tx| Ok(tx.execute(&sql, [])?))
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{err}");
    }
    assert_eq!(count(dir, "SELECT count(*) FROM invoices"), 5);
}

/// `check-config` refuses a VAT setting that cannot be printed and, in production, warns about
/// the operator identity an invoice must carry.
#[test]
fn check_config_explains_the_invoice_settings() {
    let dir = tempfile::tempdir().unwrap();
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_flightclaim"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("FLIGHTCLAIM_DATA_DIR", dir.path())
            .arg("check-config");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(&[("FLIGHTCLAIM_VAT_RATE_BP", "0")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FLIGHTCLAIM_VAT_MENTION") && err.contains("Fix"),
        "{err}"
    );
    let out = run(&[
        ("FLIGHTCLAIM_BASE_URL", "https://claims.example.com"),
        ("FLIGHTCLAIM_OPERATOR_LEGAL_NAME", "Vols Retardés SAS"),
    ]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let invoice_warnings: Vec<&str> = err.lines().filter(|l| l.contains("fee invoices")).collect();
    assert_eq!(invoice_warnings.len(), 3, "{err}");
    for var in [
        "FLIGHTCLAIM_OPERATOR_ADDRESS",
        "FLIGHTCLAIM_OPERATOR_REGISTRATION_NUMBER",
        "FLIGHTCLAIM_OPERATOR_VAT_NUMBER",
    ] {
        assert!(
            invoice_warnings.iter().any(|l| l.contains(var)),
            "{var}: {err}"
        );
    }
    assert!(String::from_utf8_lossy(&out.stdout).contains("vat_rate_bp = 2000"));
}
