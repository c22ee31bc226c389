//! The money of a claim (issue 15): the ledger behind "airline paid" and "paid", who may
//! record money (finance and admins; agents see the figures only), what the passenger is told
//! and when (the "transfer sent" email only with a payout), the notes to the passenger, the
//! finance overview, and settlement offers the passenger accepts or refuses.
#![allow(clippy::too_many_lines)]

use crate::common;
use crate::support;

use rocket::http::Status;
use support::{claim, count, db, page, post, seed, sign_in, text, world};

/// A claim approved for `cents` (all passengers) by the agent, through the form.
pub async fn approved(
    w: &support::World,
    flight: &str,
    last: &str,
    cents: i64,
    note: &str,
) -> String {
    let r = claim(w.dir.path(), w.pax_id, flight, "2025-05-14", last, 60_000);
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
    let amount = format!("{}.{:02}", cents / 100, cents % 100);
    let (s, _, body) = post(
        &w.agent,
        &format!("/admin/claims/{r}"),
        &format!("/admin/claims/{r}/status"),
        &[
            ("transition", "approve"),
            ("amount", &amount),
            ("note", note),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    r
}

fn status(dir: &std::path::Path, r: &str) -> String {
    text(dir, &format!("SELECT status FROM claims WHERE ref = '{r}'")).remove(0)
}

fn kinds(dir: &std::path::Path) -> Vec<String> {
    text(dir, "SELECT kind FROM outbox ORDER BY id")
}

#[rocket::async_test]
async fn the_status_follows_the_ledger_and_the_transfer_email_waits_for_the_payout() {
    let w = world().await;
    seed(w.dir.path(), "finance@example.com", "finance", "en");
    let finance = sign_in(w.dir.path(), "/admin/login", "finance@example.com").await;
    let r = approved(
        &w,
        "AF6",
        "Martin",
        60_000,
        "The airline agreed to pay in full",
    )
    .await;
    let detail = format!("/admin/claims/{r}");
    let pay = format!("/admin/claims/{r}/money/airline-payment");
    let payout = format!("/admin/claims/{r}/money/payout");
    let today = chrono::Utc::now().date_naive().to_string();

    // The approval's note reached the passenger: in the email and on their page.
    let approved_mail = text(
        w.dir.path(),
        "SELECT body_text FROM outbox WHERE kind = 'claim_approved'",
    )
    .remove(0);
    assert!(approved_mail.contains("The airline agreed to pay in full"));
    let (_, html) = page(&w.passenger, &format!("/claims/{r}?lang=en")).await;
    assert!(html.contains("The airline agreed to pay in full"), "{html}");

    // An agent sees the figures but no form, and cannot record money.
    let (_, html) = page(&w.agent, &format!("{detail}?lang=en")).await;
    assert!(html.contains("Still owed by the airline") && html.contains("€600.00"));
    assert!(html.contains("data-testid=\"money-read-only\""));
    assert!(!html.contains("Record airline payment"));
    let form = [
        ("amount", "400"),
        ("currency", "EUR"),
        ("date", today.as_str()),
        ("payer", "Air France"),
        ("reference", "AF-PAY-1"),
        ("settlement", "partial"),
        ("note", ""),
    ];
    let (s, _, _) = post(&w.agent, &detail, &pay, &form).await;
    assert_eq!(s, Status::Forbidden);
    assert_eq!(count(w.dir.path(), "SELECT count(*) FROM ledger"), 0);

    // Refusals: 4xx with a translated message, nothing recorded.
    for (field, value, message) in [
        ("currency", "GBP", "currencies are never mixed"),
        ("amount", "700", "more than the airline still owes"),
        ("amount", "-5", "positive amount"),
        ("date", "2999-01-01", "cannot be in the future"),
        ("date", "yesterday", "value date"),
    ] {
        let mut f = form.to_vec();
        f.retain(|(k, _)| *k != field);
        f.push((field, value));
        let (s, _, body) = post(&finance, &format!("{detail}?lang=en"), &pay, &f).await;
        assert_eq!(s, Status::UnprocessableEntity, "{field}={value}");
        assert!(body.contains(message), "{field}={value}: {message}");
    }
    // Settling below the amount due needs the passenger's consent.
    let mut full = form.to_vec();
    full.retain(|(k, _)| *k != "settlement");
    full.push(("settlement", "full"));
    let (s, _, body) = post(&finance, &format!("{detail}?lang=en"), &pay, &full).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("accepted the settlement offer"), "{body}");
    assert_eq!(count(w.dir.path(), "SELECT count(*) FROM ledger"), 0);
    assert_eq!(status(w.dir.path(), &r), "approved");

    // A partial payment: airline paid, the passenger is told the airline paid, not "transfer sent".
    let (s, _, body) = post(&finance, &detail, &pay, &form).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    assert_eq!(status(w.dir.path(), &r), "airline_paid");
    assert_eq!(
        kinds(w.dir.path()),
        ["claim_approved", "status_changed"],
        "no transfer email before a payout"
    );
    let told = text(
        w.dir.path(),
        "SELECT body_text FROM outbox WHERE kind = 'status_changed'",
    )
    .remove(0);
    assert!(told.contains("the airline has paid"), "{told}");
    let (_, html) = page(&finance, &format!("{detail}?lang=en")).await;
    for shown in ["€400.00", "€200.00", "AF-PAY-1", "Airline payment received"] {
        assert!(html.contains(shown), "{shown} on the claim page");
    }
    // The rest arrives: still airline paid, the debt is closed.
    let mut rest = form.to_vec();
    rest.retain(|(k, _)| *k != "amount");
    rest.push(("amount", "200"));
    let (s, _, _) = post(&finance, &detail, &pay, &rest).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(status(w.dir.path(), &r), "airline_paid");

    // More than held is refused; the payout sends "transfer sent" with the note.
    let (s, _, body) = post(
        &finance,
        &format!("{detail}?lang=en"),
        &payout,
        &[
            ("amount", "500"),
            ("fee", "150"),
            ("currency", "EUR"),
            ("date", &today),
        ],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("more than the money held"));
    let (s, _, body) = post(
        &finance,
        &detail,
        &payout,
        &[
            ("amount", "450"),
            ("fee", "150"),
            ("currency", "EUR"),
            ("date", &today),
            ("reference", "SEPA-77"),
            ("note", "Enjoy your next trip"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    assert_eq!(status(w.dir.path(), &r), "paid");
    let sent = text(
        w.dir.path(),
        "SELECT body_text FROM outbox WHERE kind = 'payment_sent'",
    );
    assert_eq!(sent.len(), 1);
    for shown in [
        "€600",
        "€150",
        "€450",
        "Enjoy your next trip",
        "FR76 •••• •••• 0189",
    ] {
        assert!(sent[0].contains(shown), "{shown} in\n{}", sent[0]);
    }
    let (_, html) = page(&w.passenger, &format!("/claims/{r}?lang=en")).await;
    assert!(html.contains("Enjoy your next trip") && html.contains("Paid to the passenger"));

    // Ledger: four rows, never changed; audit with the figures before and after.
    assert_eq!(
        text(w.dir.path(), "SELECT kind FROM ledger ORDER BY id"),
        [
            "airline_payment_received",
            "airline_payment_received",
            "fee",
            "payout_to_passenger"
        ]
    );
    let tampered = db(w.dir.path())
        .write_blocking(|tx| Ok(tx.execute("UPDATE ledger SET amount_minor = 1", [])?));
    assert!(tampered.is_err(), "ledger rows are never updated");
    let tampered = db(w.dir.path()).write_blocking(|tx| Ok(tx.execute("DELETE FROM ledger", [])?));
    assert!(tampered.is_err(), "ledger rows are never deleted");
    let audit = text(
        w.dir.path(),
        "SELECT action || ' | ' || before || ' | ' || after FROM audit_log
         WHERE action LIKE 'money.%' ORDER BY id",
    );
    assert_eq!(audit.len(), 3);
    assert!(
        audit[0].starts_with("money.airline_payment | approved; EUR: owed 60000 received 0 ")
            && audit[0].contains("| airline_paid; EUR: owed 60000 received 40000 ")
            && audit[0].ends_with("held 40000 outstanding 20000"),
        "{}",
        audit[0]
    );
    assert!(audit[2].contains("| paid; EUR:") && audit[2].ends_with("held 0 outstanding 0"));
    let who = text(w.dir.path(), "SELECT DISTINCT recorded_by FROM ledger");
    assert_eq!(who, ["finance@example.com"]);
}

#[rocket::async_test]
async fn admins_record_direct_payments_and_only_on_approved_claims() {
    let w = world().await;
    let admin = &w.admin;
    let today = chrono::Utc::now().date_naive().to_string();
    let r = approved(&w, "AF7", "Durand", 40_000, "").await;
    let detail = format!("/admin/claims/{r}");
    let (_, html) = page(admin, &format!("{detail}?lang=en")).await;
    assert!(html.contains("Record airline payment") && html.contains("Record a payment made"));
    let (s, _, body) = post(
        admin,
        &detail,
        &format!("/admin/claims/{r}/money/direct-payment"),
        &[
            ("amount", "400"),
            ("currency", "EUR"),
            ("date", &today),
            ("note", "The airline told us it paid you directly"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    assert_eq!(status(w.dir.path(), &r), "paid");
    assert!(
        !kinds(w.dir.path()).contains(&"payment_sent".to_string()),
        "we sent nothing: no transfer email"
    );
    let (_, html) = page(&w.passenger, &format!("/claims/{r}?lang=en")).await;
    assert!(html.contains("The airline told us it paid you directly"));

    // Not approved: 409, nothing recorded. Unknown claim: 404.
    let r2 = claim(w.dir.path(), w.pax_id, "AF8", "2025-05-16", "Petit", 60_000);
    let (s, _, body) = post(
        admin,
        &format!("/admin/claims/{r2}?lang=en"),
        &format!("/admin/claims/{r2}/money/airline-payment"),
        &[
            ("amount", "400"),
            ("currency", "EUR"),
            ("date", &today),
            ("settlement", "partial"),
        ],
    )
    .await;
    assert_eq!(s, Status::Conflict);
    assert!(body.contains("approved claims only"));
    let (s, _, _) = post(
        admin,
        &detail,
        "/admin/claims/FC-ZZZZZZ/money/payout",
        &[("amount", "1"), ("currency", "EUR"), ("date", &today)],
    )
    .await;
    assert_eq!(s, Status::NotFound);
    // Signed out: no money route answers.
    let (s, _, _) = post(
        &w.anonymous,
        "/login",
        &format!("/admin/claims/{r}/money/payout"),
        &[("amount", "1"), ("currency", "EUR"), ("date", &today)],
    )
    .await;
    assert!(
        matches!(
            s,
            Status::SeeOther | Status::Forbidden | Status::NotFound | Status::Unauthorized
        ),
        "{s}"
    );
    assert_eq!(count(w.dir.path(), "SELECT count(*) FROM ledger"), 1);
}

#[rocket::async_test]
async fn the_finance_overview_shows_each_currency_apart() {
    let w = world().await;
    let today = chrono::Utc::now().date_naive().to_string();
    let a = approved(&w, "AF9", "Blanc", 60_000, "").await;
    let b = approved(&w, "BA10", "Noir", 40_000, "").await;
    let (s, _, body) = post(
        &w.admin,
        &format!("/admin/claims/{a}"),
        &format!("/admin/claims/{a}/money/airline-payment"),
        &[
            ("amount", "250"),
            ("currency", "EUR"),
            ("date", &today),
            ("settlement", "partial"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    // A pound claim, as a UK261 one would be.
    db(w.dir.path())
        .write_blocking(move |tx| {
            Ok(tx.execute("UPDATE claims SET currency = 'GBP' WHERE ref = ?1", [&b])?)
        })
        .unwrap();
    let (s, html) = page(&w.agent, "/admin/finance?lang=en").await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains("€250.00"), "held in euros");
    assert!(html.contains("£400.00"), "owed in pounds");
    assert!(html.contains("€350.00"), "still owed in euros");
    assert!(
        !html.contains("€650") && !html.contains("£250"),
        "never summed"
    );
    let (s, html) = page(&w.agent, "/admin/finance?lang=fr").await;
    assert_eq!(s, Status::Ok);
    assert!(
        html.contains("250,00\u{a0}€") || html.contains("250,00&nbsp;€"),
        "{html}"
    );
    let (s, _) = page(&w.passenger, "/admin/finance").await;
    assert_ne!(s, Status::Ok, "passengers do not see it");
}

#[rocket::async_test]
async fn a_settlement_below_the_amount_due_needs_the_passengers_consent() {
    let w = world().await;
    let today = chrono::Utc::now().date_naive().to_string();
    let r = approved(&w, "AF11", "Moreau", 60_000, "").await;
    let detail = format!("/admin/claims/{r}");
    let offer_uri = format!("/admin/claims/{r}/money/offer");
    let mine = format!("/claims/{r}");
    let answer_uri = format!("/claims/{r}/settlement");

    // Agents cannot offer; an offer at or above the amount due is no settlement.
    let offer = [
        ("amount", "400"),
        ("currency", "EUR"),
        ("note", "Best they will do"),
    ];
    let (s, _, _) = post(&w.agent, &detail, &offer_uri, &offer).await;
    assert_eq!(s, Status::Forbidden);
    let (s, _, body) = post(
        &w.admin,
        &format!("{detail}?lang=en"),
        &offer_uri,
        &[("amount", "600"), ("currency", "EUR")],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("below the amount due"));
    let (s, _, body) = post(&w.admin, &detail, &offer_uri, &offer).await;
    assert_eq!(s, Status::SeeOther, "{body}");

    // The passenger's email (English) says what is offered, what is due, and where to answer.
    let mail = common::received_mail(w.dir.path(), "pax@example.com", "settlement_offered");
    assert!(
        mail.subject.contains("the airline offers a settlement"),
        "{}",
        mail.subject
    );
    for shown in [
        "€400",
        "€600",
        "Best they will do",
        "without your consent",
        "#settlement",
    ] {
        assert!(
            mail.body_text.contains(shown),
            "{shown} in\n{}",
            mail.body_text
        );
    }
    let (_, html) = page(&w.passenger, &format!("{mine}?lang=en")).await;
    assert!(html.contains("The airline offers €400 in all"), "{html}");
    assert!(html.contains("Accept the offer") && html.contains("Refuse the offer"));

    // Settling below the amount due before the passenger's answer is refused.
    let full = [
        ("amount", "400"),
        ("currency", "EUR"),
        ("date", today.as_str()),
        ("settlement", "full"),
    ];
    let pay = format!("/admin/claims/{r}/money/airline-payment");
    let (s, _, _) = post(&w.admin, &detail, &pay, &full).await;
    assert_eq!(s, Status::UnprocessableEntity);

    // Nobody but the owner answers: another passenger gets 404, a signed-out visitor is asked
    // to sign in (401) — for this claim as for any other.
    let offer_id = count(w.dir.path(), "SELECT id FROM settlement_offers").to_string();
    seed(w.dir.path(), "other@example.com", "passenger", "en");
    let other = sign_in(w.dir.path(), "/login", "other@example.com").await;
    for (client, from, refused) in [
        (&other, "/account", Status::NotFound),
        (&w.anonymous, "/login", Status::Unauthorized),
    ] {
        let (s, _, _) = post(
            client,
            from,
            &answer_uri,
            &[("offer", offer_id.as_str()), ("answer", "accept")],
        )
        .await;
        assert_eq!(s, refused);
    }
    // Without the CSRF token: refused.
    let res = w
        .passenger
        .post(answer_uri.clone())
        .header(rocket::http::ContentType::Form)
        .body(format!("offer={offer_id}&answer=accept"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    assert_eq!(
        text(w.dir.path(), "SELECT state FROM settlement_offers"),
        ["pending"]
    );

    // The owner accepts: timeline, audit; a second answer finds nothing pending.
    let answer = [("offer", offer_id.as_str()), ("answer", "accept")];
    let (s, location, _) = post(&w.passenger, &mine, &answer_uri, &answer).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(
        location.as_deref(),
        Some(format!("{mine}#settlement").as_str())
    );
    let (_, html) = page(&w.passenger, &format!("{mine}?lang=en")).await;
    assert!(html.contains("You accepted the settlement of €400."));
    assert!(!html.contains("Accept the offer"));
    let (s, _, _) = post(&w.passenger, &mine, &answer_uri, &answer).await;
    assert_eq!(s, Status::NotFound);
    assert_eq!(
        text(
            w.dir.path(),
            "SELECT actor || ' ' || before || ' > ' || after FROM audit_log
             WHERE action = 'money.settlement_answered'"
        ),
        ["pax@example.com pending EUR 40000 > accepted EUR 40000"]
    );
    let (_, html) = page(&w.admin, &format!("{detail}?lang=en")).await;
    assert!(html.contains("accepted by the passenger"));

    // Now the airline's 400 settles the claim: the rest is written off, nothing is owed.
    let (s, _, body) = post(&w.admin, &detail, &pay, &full).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    assert_eq!(
        text(
            w.dir.path(),
            "SELECT kind || ':' || amount_minor FROM ledger ORDER BY id"
        ),
        ["airline_payment_received:40000", "write_off:20000"]
    );
    assert_eq!(status(w.dir.path(), &r), "airline_paid");
    let (s, html) = page(&w.admin, "/admin/finance?lang=en").await;
    assert_eq!(s, Status::Ok);
    assert!(
        !html.contains("data-testid=\"receivables\""),
        "nothing owed any more"
    );
}

#[rocket::async_test]
async fn a_french_passenger_is_asked_in_french_and_may_refuse() {
    let w = world().await;
    let pax = seed(w.dir.path(), "lea@example.com", "passenger", "fr");
    let lea = sign_in(w.dir.path(), "/login", "lea@example.com").await;
    let r = claim(w.dir.path(), pax, "AF12", "2025-06-01", "Lefèvre", 60_000);
    db(w.dir.path())
        .write_blocking({
            let r = r.clone();
            move |tx| {
                Ok(tx.execute(
                    "UPDATE claims SET status = 'approved', approved_cents = 60000 WHERE ref = ?1",
                    [&r],
                )?)
            }
        })
        .unwrap();
    let detail = format!("/admin/claims/{r}");
    let (s, _, body) = post(
        &w.admin,
        &detail,
        &format!("/admin/claims/{r}/money/offer"),
        &[("amount", "350,50"), ("currency", "EUR")],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let mail = common::received_mail(w.dir.path(), "lea@example.com", "settlement_offered");
    assert!(
        mail.subject
            .contains("la compagnie propose une transaction")
    );
    for shown in ["350,50\u{a0}€", "600\u{a0}€", "sans votre accord"] {
        assert!(
            mail.body_text.contains(shown),
            "{shown} in\n{}",
            mail.body_text
        );
    }
    let mine = format!("/claims/{r}");
    let (_, html) = page(&lea, &format!("{mine}?lang=fr")).await;
    assert!(html.contains("Refuser la proposition"));
    let offer_id = count(w.dir.path(), "SELECT id FROM settlement_offers").to_string();
    let (s, _, _) = post(
        &lea,
        &mine,
        &format!("{mine}/settlement"),
        &[("offer", offer_id.as_str()), ("answer", "refuse")],
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    let (_, html) = page(&lea, &format!("{mine}?lang=fr")).await;
    assert!(
        html.contains("Vous avez refusé la transaction de 350,50"),
        "{html}"
    );
    // Refused: the claim cannot be settled below the amount due.
    let today = chrono::Utc::now().date_naive().to_string();
    let (s, _, _) = post(
        &w.admin,
        &detail,
        &format!("/admin/claims/{r}/money/airline-payment"),
        &[
            ("amount", "350.50"),
            ("currency", "EUR"),
            ("date", today.as_str()),
            ("settlement", "full"),
        ],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert_eq!(count(w.dir.path(), "SELECT count(*) FROM ledger"), 0);
}
