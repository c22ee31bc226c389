//! Duplicate and fraud signals, as an agent sees them on the claim page and in the queue: a
//! co-passenger of a paid claim filing again, the same booking reference, the same payout IBAN
//! under different holder names (and no signal for the same holder).

use crate::support;

use support::{claim, db, page, world};

fn sql(dir: &std::path::Path, statement: String) {
    db(dir)
        .write_blocking(move |tx| Ok(tx.execute_batch(&statement)?))
        .unwrap();
}

#[rocket::async_test]
async fn signals_on_the_claim_page_and_in_the_queue() {
    let w = world().await;
    let dir = w.dir.path();
    let paid = claim(dir, w.pax_id, "AF6", "2025-05-14", "Martin", 60_000);
    let again = claim(dir, w.pax_id, "AF6", "2025-05-14", "Other", 60_000);
    let booked = claim(dir, w.pax_id, "BA304", "2025-06-01", "Petit", 25_000);
    let booked_too = claim(dir, w.pax_id, "BA306", "2025-06-02", "Leroy", 25_000);
    let iban = claim(dir, w.pax_id, "LH100", "2025-07-01", "Roux", 40_000);
    let iban_too = claim(dir, w.pax_id, "LH102", "2025-07-02", "Fabre", 40_000);
    let family = claim(dir, w.pax_id, "KL1", "2025-08-01", "Blanc", 40_000);
    let family_too = claim(dir, w.pax_id, "KL3", "2025-08-02", "Blanc2", 40_000);
    // Every claim gets its own booking and account, then the pairs share theirs.
    sql(
        dir,
        format!(
            "UPDATE claims SET booking_ref = 'B' || id, payout_iban = 'FR76' || id,
                              payout_holder = 'Holder ' || id;
             UPDATE claims SET status = 'paid' WHERE ref = '{paid}';
             INSERT INTO claim_passengers (claim_id, position, first_name, last_name)
               SELECT id, 1, 'Paul', 'Martin' FROM claims WHERE ref = '{paid}';
             UPDATE claim_passengers SET first_name = 'Paul', last_name = 'MARTIN'
               WHERE claim_id = (SELECT id FROM claims WHERE ref = '{again}');
             UPDATE claims SET booking_ref = 'ZX9Q2P' WHERE ref IN ('{booked}', '{booked_too}');
             UPDATE claims SET payout_iban = 'DE89370400440532013000'
               WHERE ref IN ('{iban}', '{iban_too}');
             UPDATE claims SET payout_holder = 'Marc Roux' WHERE ref = '{iban}';
             UPDATE claims SET payout_holder = 'Luc Fabre' WHERE ref = '{iban_too}';
             UPDATE claims SET payout_iban = 'NL91ABNA0417164300', payout_holder = 'Anne Blanc'
               WHERE ref IN ('{family}', '{family_too}');"
        ),
    );

    let (_, html) = page(&w.agent, &format!("/admin/claims/{again}?lang=en")).await;
    assert!(
        html.contains("Same passenger on the same flight and date"),
        "{html}"
    );
    assert!(html.contains("Paul Martin"));
    assert!(html.contains(&format!(r#"href="/admin/claims/{paid}""#)));
    assert!(html.contains("Paid"), "the other claim's status");
    let (_, html) = page(&w.agent, &format!("/admin/claims/{paid}?lang=en")).await;
    assert!(html.contains(&format!(r#"href="/admin/claims/{again}""#)));

    let (_, html) = page(&w.agent, &format!("/admin/claims/{booked}?lang=en")).await;
    assert!(html.contains("Same booking reference"));
    assert!(html.contains(&format!(r#"href="/admin/claims/{booked_too}""#)));
    assert!(!html.contains("Same payout account"));

    let (_, html) = page(&w.agent, &format!("/admin/claims/{iban_too}?lang=fr")).await;
    assert!(html.contains("Même compte de versement au nom"));
    assert!(html.contains(&format!(r#"href="/admin/claims/{iban}""#)));

    let (_, html) = page(&w.agent, &format!("/admin/claims/{family}?lang=en")).await;
    assert!(
        !html.contains(r#"data-testid="signals""#),
        "same account, same holder: no signal"
    );

    let (_, html) = page(&w.agent, "/admin/claims?lang=en").await;
    assert!(
        html.contains("Claims matching: <strong>8</strong>"),
        "result count"
    );
    let (_, some) = page(&w.agent, "/admin/claims?lang=en&airline=LH").await;
    assert!(some.contains("Claims matching: <strong>2</strong>"));
    let flags = html.matches(r#"data-testid="signal-flag""#).count();
    assert_eq!(
        flags, 6,
        "two per related pair, none for the family: {html}"
    );
    assert!(html.contains(&format!(r#"href="/admin/claims/{again}#signals""#)));
}
