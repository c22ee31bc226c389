//! Payout batches (issue 15): finance staff select the claims whose money we hold, review the
//! batch (totals per currency), export the euro transfers as a `pain.001.001.09` file that
//! validates against the XSD, see the pounds on the manual list, and mark the batch sent: only
//! then are the payouts in the ledger, the claims paid and the passengers emailed (delivered to
//! a real SMTP server when `.venv-test` has aiosmtpd). Agents get 403 everywhere; a second
//! "mark as sent" records nothing; a cancelled batch releases its claims.
#![allow(clippy::too_many_lines)]

use crate::common;
use crate::mail_smtp;
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use flightclaim::db::payout_batches;
use flightclaim::mail::Mailer;
use flightclaim::services::money::{self, AirlinePayment};
use flightclaim::services::staff::Actor;
use rocket::http::Status;
use rocket::local::asynchronous::Client;
use support::{claim, count, db, page, post, seed, text, world};

const BANK: &str = "operator_iban = \"FR76 3000 6000 0112 3456 7890 189\"\n\
                    operator_bic = \"AGRIFRPP\"\n\
                    operator_legal_name = \"Vols Retardés SAS\"\n";
const DE_IBAN: &str = "DE89370400440532013000";
const GB_IBAN: &str = "GB29NWBK60161331926819";

/// A staff browser on an application configured with `toml` (the bank account, SMTP).
async fn staff(dir: &Path, email: &str, toml: &str) -> Client {
    let cfg = common::test_config(dir, toml);
    let client = Client::tracked(flightclaim::app::build(cfg).unwrap())
        .await
        .unwrap();
    let status = common::submit(
        &client,
        "/admin/login",
        "/admin/login",
        &[("email", email), ("password", support::PASSWORD)],
    )
    .await
    .status();
    assert_eq!(status, Status::SeeOther, "{email} signs in");
    client
}

/// Claim `r` approved for `cents` in `currency`, paid in full by the airline (recorded by
/// `finance` through the money use case), paid out to `iban`.
fn money_received(dir: &Path, finance: Actor, r: &str, cents: i64, currency: &str, iban: &str) {
    let (r2, cur, iban) = (r.to_string(), currency.to_string(), iban.to_string());
    db(dir)
        .write_blocking(move |tx| {
            Ok(tx.execute(
                "UPDATE claims SET status = 'approved', approved_cents = ?1, currency = ?2,
                        payout_iban = ?3 WHERE ref = ?4",
                (cents, &cur, &iban, &r2),
            )?)
        })
        .unwrap();
    let cfg = common::test_config(dir, "");
    let mailer = Arc::new(Mailer::from_config(&cfg, &common::test_key(&cfg)).unwrap());
    let amount = flightclaim::domain::money::Money::new(
        cents,
        flightclaim::domain::money::Currency::parse(currency).unwrap(),
    );
    let input = AirlinePayment {
        claim_ref: r.to_string(),
        amount,
        value_date: chrono::Utc::now().date_naive(),
        payer: "Airline".into(),
        reference: format!("PAY-{r}"),
        settles: true,
        note: String::new(),
    };
    db(dir)
        .transact_blocking(move |tx| money::record_airline_payment(tx, &mailer, &finance, &input))
        .unwrap();
}

fn schema() -> Option<PathBuf> {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-test/lib");
    let found = std::fs::read_dir(&lib).ok().and_then(|dirs| {
        dirs.filter_map(Result::ok)
            .map(|d| {
                d.path()
                    .join("site-packages/sepaxml/schemas/pain.001.001.09.xsd")
            })
            .find(|p| p.exists())
    });
    if found.is_none() || Command::new("xmllint").arg("--version").output().is_err() {
        eprintln!(
            "\n*** SKIPPING the XSD check of the payout file: needs xmllint and .venv-test\n"
        );
    }
    found
}

fn validate(xml: &str) {
    let Some(xsd) = schema() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payouts.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn status_of(dir: &Path, r: &str) -> String {
    text(dir, &format!("SELECT status FROM claims WHERE ref = '{r}'")).remove(0)
}

#[rocket::async_test]
async fn a_batch_of_euros_and_pounds_from_selection_to_the_passengers_emails() {
    let w = world().await;
    let dir = w.dir.path();
    let finance_id = seed(dir, "finance@example.com", "finance", "en");
    let lea = seed(dir, "lea@example.com", "passenger", "fr");
    let smtp = mail_smtp::venv_python()
        .map(|py| mail_smtp::SmtpSink::start(&py, mail_smtp::free_port(), dir));
    let toml = match &smtp {
        Some(sink) => format!(
            "{BANK}smtp_url = \"{}\"\nmail_retry_base_secs = 1\n",
            sink.url()
        ),
        None => BANK.to_string(),
    };
    let actor = || Actor {
        user_id: finance_id,
        email: "finance@example.com".into(),
    };

    let ra = claim(dir, w.pax_id, "AF6", "2025-05-14", "Martin", 60_000);
    let rb = claim(dir, lea, "AF7", "2025-05-15", "Lefèvre", 40_000);
    let rc = claim(dir, w.pax_id, "BA8", "2025-05-16", "Martin", 52_000);
    let not_paid = claim(dir, w.pax_id, "AF9", "2025-05-17", "Martin", 60_000);
    money_received(dir, actor(), &ra, 60_000, "EUR", support::IBAN);
    money_received(dir, actor(), &rb, 40_000, "EUR", DE_IBAN);
    money_received(dir, actor(), &rc, 52_000, "GBP", GB_IBAN);
    let finance = staff(dir, "finance@example.com", &toml).await;

    // The claims ready to pay out: the three whose money we hold, not the one unpaid.
    let (s, html) = page(&finance, "/admin/payouts?lang=en").await;
    assert_eq!(s, Status::Ok, "{html}");
    for r in [&ra, &rb, &rc] {
        assert!(
            html.contains(&format!("value=\"{r}\"")),
            "{r} listed: {html}"
        );
    }
    assert!(!html.contains(&not_paid), "{html}");
    assert!(html.contains("Manual transfer"), "the pounds go by hand");

    // Bad selections: nothing, a claim not ready, a tampered reference.
    let list = "/admin/payouts?lang=en";
    let (s, _, body) = post(&finance, list, "/admin/payouts", &[]).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("Select at least one claim."), "{body}");
    for bad in [not_paid.as_str(), "FC-ZZZZZZ' OR 1=1 --"] {
        let (s, _, body) = post(&finance, list, "/admin/payouts", &[("claims", bad)]).await;
        assert_eq!(s, Status::UnprocessableEntity, "{bad}");
        assert!(body.contains("is not ready to pay out"), "{body}");
    }
    assert_eq!(count(dir, "SELECT count(*) FROM payout_batches"), 0);

    // The batch: who, how much, the fee withheld, the net, totals per currency.
    let fields = [
        ("claims", ra.as_str()),
        ("claims", rb.as_str()),
        ("claims", rc.as_str()),
    ];
    let (s, location, _) = post(&finance, list, "/admin/payouts", &fields).await;
    assert_eq!(s, Status::SeeOther);
    let batch = location.unwrap();
    assert_eq!(batch, "/admin/payouts/1");
    let (_, html) = page(&finance, &format!("{batch}?lang=en")).await;
    for part in [
        "Jeanne Martin",
        "DE89 3704 0044 0532 0130 00",
        "€1,000.00",
        "€250.00",
        "€750.00",
        "£520.00",
        "£130.00",
        "£390.00",
        &format!("{ra}-B1"),
    ] {
        assert!(html.contains(part), "{part} on the batch page: {html}");
    }
    assert!(!html.contains("1,520"), "euros and pounds never summed");
    let manual = &html[html.find("data-testid=\"manual\"").unwrap()..];
    assert!(
        manual.contains(&rc) && !manual.contains(&format!("{ra}<")),
        "{manual}"
    );

    // A claim is in one open batch at most.
    let (s, _, body) = post(&finance, list, "/admin/payouts", &[("claims", &ra)]).await;
    assert_eq!(s, Status::UnprocessableEntity, "{body}");

    // Nothing recorded, nobody told before the batch is sent.
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM ledger WHERE kind = 'payout_to_passenger'"
        ),
        0
    );
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM outbox WHERE kind = 'payment_sent'"
        ),
        0
    );

    // The SEPA file: euros only, validated against the schema, the right amounts and ids.
    let (s, location, _) = post(&finance, &batch, &format!("{batch}/export"), &[]).await;
    assert_eq!(
        (s, location.as_deref()),
        (Status::SeeOther, Some(batch.as_str()))
    );
    let res = finance.get(format!("{batch}/pain001.xml")).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert!(
        res.headers()
            .get_one("Content-Disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let xml = res.into_string().await.unwrap();
    validate(&xml);
    for part in [
        "<NbOfTxs>2</NbOfTxs><CtrlSum>750.00</CtrlSum>",
        "<IBAN>FR7630006000011234567890189</IBAN></Id></DbtrAcct>",
        "<BICFI>AGRIFRPP</BICFI>",
        "<Nm>Vols Retardes SAS</Nm>",
        &format!("<EndToEndId>{ra}-B1</EndToEndId><"),
        "<InstdAmt Ccy=\"EUR\">450.00</InstdAmt>",
        &format!("<EndToEndId>{rb}-B1</EndToEndId>"),
        "<InstdAmt Ccy=\"EUR\">300.00</InstdAmt>",
        &format!("<IBAN>{DE_IBAN}</IBAN>"),
    ] {
        assert!(xml.contains(part), "{part} in {xml}");
    }
    assert!(!xml.contains(GB_IBAN) && !xml.contains("GBP"), "{xml}");
    // Exporting again serves the same file; the batch is frozen.
    post(&finance, &batch, &format!("{batch}/export"), &[]).await;
    let again = finance.get(format!("{batch}/pain001.xml")).dispatch().await;
    assert_eq!(again.into_string().await.unwrap(), xml);

    // The manual list as CSV: the pounds.
    let res = finance.get(format!("{batch}/manual.csv")).dispatch().await;
    let csv = res.into_string().await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains(&format!(
            "{rc},Jeanne Martin,{GB_IBAN},GBP,390.00,130.00,{rc}-B1"
        )),
        "{csv}"
    );
    assert!(!csv.contains(&ra), "{csv}");

    // Marking sent: the ledger, the statuses, then the emails.
    let (s, location, _) = post(&finance, &batch, &format!("{batch}/sent"), &[]).await;
    assert_eq!(
        (s, location.as_deref()),
        (Status::SeeOther, Some(batch.as_str()))
    );
    let (_, html) = page(&finance, &format!("{batch}?lang=en")).await;
    assert!(html.contains("Payouts recorded"), "{html}");
    let payouts = |dir: &Path| {
        text(
            dir,
            "SELECT c.ref || ' ' || l.kind || ' ' || l.amount_minor || ' ' || l.currency
             FROM ledger l JOIN claims c ON c.id = l.claim_id
             WHERE l.kind IN ('payout_to_passenger', 'fee') ORDER BY l.id",
        )
    };
    let rows = payouts(dir);
    assert_eq!(
        rows,
        [
            format!("{ra} fee 15000 EUR"),
            format!("{ra} payout_to_passenger 45000 EUR"),
            format!("{rb} fee 10000 EUR"),
            format!("{rb} payout_to_passenger 30000 EUR"),
            format!("{rc} fee 13000 GBP"),
            format!("{rc} payout_to_passenger 39000 GBP"),
        ]
    );
    for r in [&ra, &rb, &rc] {
        assert_eq!(status_of(dir, r), "paid", "{r}");
    }
    assert_eq!(status_of(dir, &not_paid), "submitted");
    // Each fee withheld in the batch is invoiced with it, in its own currency.
    assert_eq!(
        text(
            dir,
            "SELECT c.ref || ' ' || i.currency FROM invoices i JOIN claims c ON c.id = i.claim_id
             ORDER BY i.id",
        ),
        [
            format!("{ra} EUR"),
            format!("{rb} EUR"),
            format!("{rc} GBP")
        ]
    );
    let en = common::received_mails(dir, "pax@example.com", "payment_sent");
    assert_eq!(en.len(), 2);
    assert!(
        en[0].subject.contains("your payment is on its way"),
        "{}",
        en[0].subject
    );
    assert!(en[0].body_text.contains("€450"), "{}", en[0].body_text);
    let fr = common::received_mail(dir, "lea@example.com", "payment_sent");
    assert!(
        fr.subject.contains("votre virement est parti"),
        "{}",
        fr.subject
    );
    assert!(fr.body_text.contains("300\u{a0}€"), "{}", fr.body_text);

    // A second "mark as sent" (double click, back button) records nothing twice.
    let (s, _, _) = post(&finance, &batch, &format!("{batch}/sent"), &[]).await;
    assert_eq!(s, Status::SeeOther);
    let (_, html) = page(&finance, &format!("{batch}?lang=en")).await;
    assert!(html.contains("already marked as sent"), "{html}");
    assert_eq!(payouts(dir).len(), 6);
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM outbox WHERE kind = 'payment_sent'"
        ),
        3
    );
    // A sent batch cannot be cancelled.
    let (s, _, body) = post(&finance, &batch, &format!("{batch}/cancel"), &[]).await;
    assert_eq!(s, Status::Conflict);
    assert!(body.contains("can no longer do that"), "{body}");

    // Every action audited.
    assert_eq!(
        text(
            dir,
            "SELECT action FROM audit_log WHERE target = 'payout_batch:1' ORDER BY id"
        ),
        [
            "payouts.batch_created",
            "payouts.batch_exported",
            "payouts.batch_sent"
        ]
    );

    // The claim page says paid; the passengers' mailbox got the emails.
    let (_, html) = page(&finance, &format!("/admin/claims/{ra}?lang=en")).await;
    assert!(html.contains("Paid to the passenger"), "{html}");
    if let Some(sink) = &smtp {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let sent = loop {
            let got: Vec<mail_smtp::Received> = sink
                .read()
                .into_iter()
                .filter(|m| {
                    m.subject.contains("your payment is on its way")
                        || m.subject.contains("votre virement est parti")
                })
                .collect();
            if got.len() >= 3 || std::time::Instant::now() > deadline {
                break got;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(sent.len(), 3, "{sent:?}");
        let to_lea = sent
            .iter()
            .find(|m| m.to.contains("lea@example.com"))
            .unwrap();
        assert_eq!(to_lea.content_language, "fr");
        assert!(to_lea.text.contains("300\u{a0}€"), "{}", to_lea.text);
    }
}

#[rocket::async_test]
async fn agents_get_403_and_bad_batches_4xx_and_cancelling_releases_the_claims() {
    let w = world().await;
    let dir = w.dir.path();
    let finance_id = seed(dir, "finance@example.com", "finance", "fr");
    let a = claim(dir, w.pax_id, "AF6", "2025-05-14", "Martin", 60_000);
    let actor = Actor {
        user_id: finance_id,
        email: "finance@example.com".into(),
    };
    money_received(dir, actor, &a, 60_000, "EUR", support::IBAN);
    let finance = staff(dir, "finance@example.com", "").await;
    let (s, location, _) = post(
        &finance,
        "/admin/payouts",
        "/admin/payouts",
        &[("claims", &a)],
    )
    .await;
    assert_eq!(
        (s, location.as_deref()),
        (Status::SeeOther, Some("/admin/payouts/1"))
    );

    // Agents: 403 on every route and action, with or without a valid token.
    for uri in [
        "/admin/payouts",
        "/admin/payouts/1",
        "/admin/payouts/1/pain001.xml",
        "/admin/payouts/1/manual.csv",
    ] {
        let (s, _) = page(&w.agent, uri).await;
        assert_eq!(s, Status::Forbidden, "{uri}");
    }
    for uri in [
        "/admin/payouts",
        "/admin/payouts/1/export",
        "/admin/payouts/1/sent",
        "/admin/payouts/1/cancel",
    ] {
        let (s, _, _) = post(&w.agent, "/admin/claims", uri, &[("claims", &a)]).await;
        assert_eq!(s, Status::Forbidden, "{uri}");
    }
    let (_, html) = page(&w.agent, "/admin/finance").await;
    assert!(
        !html.contains("href=\"/admin/payouts\""),
        "no link for agents"
    );
    let (_, html) = page(&finance, "/admin/finance").await;
    assert!(html.contains("href=\"/admin/payouts\""), "{html}");
    let (s, _) = page(&w.passenger, "/admin/payouts").await;
    assert!(s == Status::Unauthorized || s == Status::SeeOther, "{s}");
    assert_eq!(count(dir, "SELECT count(*) FROM payout_batches"), 1);

    // No CSRF token: refused.
    let res = finance
        .post("/admin/payouts/1/cancel")
        .header(rocket::http::ContentType::Form)
        .body("")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);

    // Unknown or malformed batches: translated 404.
    for uri in [
        "/admin/payouts/999",
        "/admin/payouts/abc",
        "/admin/payouts/-1",
    ] {
        let (s, html) = page(&finance, &format!("{uri}?lang=fr")).await;
        assert_eq!(s, Status::NotFound, "{uri}");
        assert!(html.contains("lang=\"fr\""), "{html}");
    }
    let (s, _, _) = post(&finance, "/admin/payouts", "/admin/payouts/999/sent", &[]).await;
    assert_eq!(s, Status::NotFound);

    // No bank account configured: the file cannot be written (409, in French).
    let (s, _, body) = post(&finance, "/admin/payouts/1", "/admin/payouts/1/export", &[]).await;
    assert_eq!(s, Status::Conflict);
    assert!(
        body.contains("configuré (FLIGHTCLAIM_OPERATOR_IBAN) : le fichier SEPA"),
        "{body}"
    );
    let (s, _) = page(&finance, "/admin/payouts/1/pain001.xml").await;
    assert_eq!(s, Status::NotFound, "no file before an export");

    // The SEPA transfers cannot be marked sent before their file is written.
    let (s, _, body) = post(&finance, "/admin/payouts/1", "/admin/payouts/1/sent", &[]).await;
    assert_eq!(s, Status::Conflict);
    assert!(
        body.contains("Écrivez et téléchargez d&#39;abord"),
        "{body}"
    );
    assert!(
        !body.contains("action=\"/admin/payouts/1/sent\""),
        "no button"
    );

    // Cancelling releases the claim for another batch; a cancelled batch records nothing.
    let (s, _, _) = post(&finance, "/admin/payouts/1", "/admin/payouts/1/cancel", &[]).await;
    assert_eq!(s, Status::SeeOther);
    let (s, _, _) = post(&finance, "/admin/payouts/1", "/admin/payouts/1/sent", &[]).await;
    assert_eq!(s, Status::Conflict);
    assert_eq!(
        count(
            dir,
            "SELECT count(*) FROM ledger WHERE kind = 'payout_to_passenger'"
        ),
        0
    );
    let (_, html) = page(&finance, "/admin/payouts").await;
    assert!(html.contains(&format!("value=\"{a}\"")), "{html}");
    let (s, location, _) = post(
        &finance,
        "/admin/payouts",
        "/admin/payouts",
        &[("claims", &a)],
    )
    .await;
    assert_eq!(
        (s, location.as_deref()),
        (Status::SeeOther, Some("/admin/payouts/2"))
    );
    assert_eq!(
        text(
            dir,
            "SELECT action FROM audit_log WHERE target = 'payout_batch:1' ORDER BY id"
        ),
        ["payouts.batch_created", "payouts.batch_cancelled"]
    );

    // The database itself keeps a batch as it was made and a claim in one active batch.
    let frozen = [
        "UPDATE payout_batch_items SET net_minor = 1, fee_minor = gross_minor - 1",
        "UPDATE payout_batch_items SET iban = 'FR7630006000011234567890189' WHERE batch_id = 2",
        "DELETE FROM payout_batch_items",
    ];
    for sql in frozen {
        let res = db(dir).write_blocking(move |tx| Ok(tx.execute(sql, [])?));
        assert!(res.is_err(), "{sql}");
    }
    let claim_id = count(dir, &format!("SELECT id FROM claims WHERE ref = '{a}'"));
    let res = db(dir).write_blocking(move |tx| {
        let batch = payout_batches::insert_batch(tx, finance_id, "finance@example.com")?;
        let eur = flightclaim::domain::money::Money::eur;
        payout_batches::insert_item(
            tx,
            &payout_batches::NewItem {
                batch_id: batch,
                claim_id,
                holder: "Robert'); DROP TABLE claims;--".into(),
                iban: support::IBAN.into(),
                gross: eur(60_000),
                fee: eur(15_000),
                net: eur(45_000),
                method: flightclaim::domain::payout_batch::Method::Sepa,
                end_to_end_id: "X-1".into(),
                remittance: "x".into(),
            },
        )
    });
    assert!(
        matches!(res, Err(flightclaim::db::DbError::Conflict(_))),
        "{res:?}"
    );
    assert_eq!(count(dir, "SELECT count(*) FROM payout_batches"), 2);
}
