//! The passenger's claim page after submission (issue #19, "what the claim page shows"): each
//! passenger's amount claimed and net after the fee, where the claim stands and what happens
//! next with expected durations; staff corrections of names and contact details, audited and
//! visible to the passenger. Access: the owner only (404 for anyone else), staff forms for staff.

use crate::support::{self, page, post, seed, sign_in};
use rocket::http::Status;

const NBSP: char = '\u{a0}';

/// The correction the tests make: a double-barrelled name, another address, a phone.
const CORRECTED: [(&str, &str); 4] = [
    ("first_name", "Jeanne"),
    ("last_name", "Martin-Dupont"),
    ("email", "jeanne.md@example.com"),
    ("phone", "+33 6 12 34 56 78"),
];

/// A passenger, an agent and an admin; the passenger's claim for one passenger, €600.
async fn world_with_claim() -> (support::World, String) {
    let w = support::world().await;
    let r = support::claim(
        w.dir.path(),
        w.pax_id,
        "AF6",
        "2025-05-14",
        "Martin",
        60_000,
    );
    (w, r)
}

#[rocket::async_test]
async fn the_owner_sees_each_passengers_amount_and_net_in_both_languages() {
    let (w, r) = world_with_claim().await;
    let path = format!("/claims/{r}");

    let (s, en) = page(&w.passenger, &format!("{path}?lang=en")).await;
    assert_eq!(s, Status::Ok);
    assert!(en.contains("Jeanne Martin"), "{en}");
    assert!(en.contains("Amount claimed"), "{en}");
    assert!(en.contains("<td>€600</td>"), "claimed: {en}");
    assert!(en.contains("<td>€150</td>"), "fee 25 %: {en}");
    assert!(en.contains("<td>€450</td>"), "net: {en}");
    let (_, fr) = page(&w.passenger, &format!("{path}?lang=fr")).await;
    assert!(fr.contains("Montant réclamé"), "{fr}");
    assert!(fr.contains(&format!("<td>450{NBSP}€</td>")), "{fr}");

    // Another passenger, and a visitor who is signed in nowhere, learn nothing.
    seed(w.dir.path(), "other@example.com", "passenger", "en");
    let other = sign_in(w.dir.path(), "/login", "other@example.com").await;
    let (s, html) = page(&other, &path).await;
    assert_eq!(s, Status::NotFound);
    assert!(!html.contains("€450"));

    // Staff see the same figures next to each passenger.
    let (_, staff) = page(&w.agent, &format!("/admin/claims/{r}?lang=en")).await;
    assert!(
        staff.contains("claimed €600, net €450 after the 25 % fee"),
        "{staff}"
    );
}

#[rocket::async_test]
async fn what_happens_next_from_defaults_then_from_our_own_claims() {
    let (w, r) = world_with_claim().await;
    let path = format!("/claims/{r}");

    let (_, en) = page(&w.passenger, &format!("{path}?lang=en")).await;
    assert!(en.contains("What happens next"), "{en}");
    assert!(en.contains("Now: Submitted, usually 1 to 3 days."), "{en}");
    assert!(
        en.contains("Then: Sent to the airline, usually 2 to 6 weeks."),
        "{en}"
    );
    assert!(en.contains("the usual time for this stage"), "{en}");
    let (_, fr) = page(&w.passenger, &format!("{path}?lang=fr")).await;
    assert!(fr.contains("La suite"), "{fr}");
    assert!(
        fr.contains("Ensuite : Envoyée à la compagnie, en général 2 à 6 semaines."),
        "{fr}"
    );
    assert!(fr.contains("durée habituelle de cette étape"), "{fr}");

    // 19 closed claims that spent 4 days in review: not enough, the default stays.
    let close = |range: std::ops::Range<usize>| {
        for i in range {
            let other = support::claim(
                w.dir.path(),
                w.pax_id,
                &format!("BA{}", 100 + i),
                "2025-06-01",
                &format!("Doe{i}"),
                40_000,
            );
            let sql = format!(
                "UPDATE claims SET status = 'closed' WHERE ref = '{other}';
                 UPDATE claim_events SET at = '2026-01-01T00:00:00Z'
                   WHERE claim_id = (SELECT id FROM claims WHERE ref = '{other}');
                 INSERT INTO claim_events (claim_id, at, kind, from_status, to_status)
                   SELECT id, '2026-01-02T00:00:00Z', 'status', 'submitted', 'in_review'
                   FROM claims WHERE ref = '{other}';
                 INSERT INTO claim_events (claim_id, at, kind, from_status, to_status)
                   SELECT id, '2026-01-06T00:00:00Z', 'status', 'in_review', 'closed'
                   FROM claims WHERE ref = '{other}';"
            );
            support::db(w.dir.path())
                .write_blocking(move |tx| Ok(tx.execute_batch(&sql)?))
                .unwrap();
        }
    };
    close(0..19);
    let (_, en) = page(&w.passenger, &format!("{path}?lang=en")).await;
    assert!(en.contains("Then: In review, usually 2 to 7 days."), "{en}");
    close(19..20);
    let (_, en) = page(&w.passenger, &format!("{path}?lang=en")).await;
    assert!(
        en.contains("Then: In review, usually about 4 days."),
        "{en}"
    );
    assert!(en.contains("the median of 20 of our closed claims"), "{en}");
    assert!(en.contains("Now: Submitted, usually about a day."), "{en}");
    let (_, fr) = page(&w.passenger, &format!("{path}?lang=fr")).await;
    assert!(fr.contains("durée médiane de 20 de nos réclamations terminées"));
}

#[rocket::async_test]
async fn staff_correction_refuses_bad_input_and_non_staff() {
    let (w, r) = world_with_claim().await;
    let staff_page = format!("/admin/claims/{r}");
    let action = format!("/admin/claims/{r}/passengers/0");
    let (_, html) = page(&w.agent, &format!("{staff_page}?lang=en")).await;
    assert!(
        html.contains("Correct the details of Jeanne Martin"),
        "{html}"
    );

    // Bad input: translated reasons, 422, nothing changed.
    let (s, _, html) = post(
        &w.agent,
        &staff_page,
        &format!("{action}?lang=en"),
        &[
            ("first_name", ""),
            ("last_name", "Martin"),
            ("email", "not an address"),
            ("phone", ""),
        ],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("Enter the first name."), "{html}");
    assert!(html.contains("Enter a valid email address"), "{html}");
    let (s, _, html) = post(
        &w.agent,
        &staff_page,
        &format!("{action}?lang=fr"),
        &[
            ("first_name", "Jeanne"),
            ("last_name", "李"),
            ("email", "j@example.com"),
        ],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("李"), "{html}");
    assert_eq!(
        support::count(
            w.dir.path(),
            "SELECT count(*) FROM audit_log WHERE action = 'claim.passenger_correct'"
        ),
        0
    );
    // No such passenger, no such claim: 404.
    let (s, _, _) = post(
        &w.agent,
        &staff_page,
        &format!("/admin/claims/{r}/passengers/5"),
        &[
            ("first_name", "A"),
            ("last_name", "B"),
            ("email", "a@example.com"),
        ],
    )
    .await;
    assert_eq!(s, Status::NotFound);

    // The passenger cannot use the staff form (sent to the staff sign-in), nor can a visitor.
    for (client, from) in [
        (&w.passenger, format!("/claims/{r}")),
        (&w.anonymous, "/login".into()),
    ] {
        let (s, _, _) = post(
            client,
            &from,
            &action,
            &[
                ("first_name", "Evil"),
                ("last_name", "Name"),
                ("email", "e@example.com"),
            ],
        )
        .await;
        assert!(
            matches!(
                s,
                Status::SeeOther | Status::Unauthorized | Status::Forbidden | Status::NotFound
            ),
            "{s}"
        );
    }
    assert!(
        support::text(w.dir.path(), "SELECT first_name FROM claim_passengers")
            .contains(&"Jeanne".to_string())
    );
}

#[rocket::async_test]
async fn staff_correction_audited_before_and_after_and_shown_to_the_passenger() {
    let (w, r) = world_with_claim().await;
    let staff_page = format!("/admin/claims/{r}");
    let action = format!("/admin/claims/{r}/passengers/0");
    // The correction: stored, audited with before and after, on the staff timeline.
    let (s, location, _) = post(&w.agent, &staff_page, &action, &CORRECTED).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(
        location.as_deref(),
        Some(format!("{staff_page}#passengers").as_str())
    );
    let before = support::text(
        w.dir.path(),
        "SELECT before FROM audit_log WHERE action = 'claim.passenger_correct'",
    );
    let after = support::text(
        w.dir.path(),
        "SELECT after || ' ' || actor || ' ' || target FROM audit_log WHERE action = 'claim.passenger_correct'",
    );
    assert_eq!(before.len(), 1);
    assert!(before[0].contains(r#""last_name":"Martin""#), "{before:?}");
    assert!(before[0].contains("jeanne@example.com"), "{before:?}");
    assert!(
        after[0].contains(r#""last_name":"Martin-Dupont""#),
        "{after:?}"
    );
    assert!(after[0].contains("+33 6 12 34 56 78"), "{after:?}");
    assert!(after[0].contains("agent@example.com"), "{after:?}");
    assert!(
        after[0].contains(&format!("claim:{r}/passenger:0")),
        "{after:?}"
    );
    let (_, html) = page(&w.agent, &format!("{staff_page}?lang=en")).await;
    assert!(
        html.contains("Jeanne Martin-Dupont · jeanne.md@example.com · +33 6 12 34 56 78"),
        "{html}"
    );
    assert!(
        html.contains("Jeanne Martin · jeanne@example.com · - → Jeanne Martin-Dupont"),
        "timeline: {html}"
    );

    // The passenger sees the corrected name; the note stays internal.
    let (_, mine) = page(&w.passenger, &format!("/claims/{r}?lang=en")).await;
    assert!(
        mine.contains("<th scope=\"row\">Jeanne Martin-Dupont</th>"),
        "{mine}"
    );
    assert!(!mine.contains("jeanne@example.com · -"), "{mine}");

    // The same values again change nothing and audit nothing more.
    let (s, _, _) = post(&w.admin, &staff_page, &action, &CORRECTED).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(
        support::count(
            w.dir.path(),
            "SELECT count(*) FROM audit_log WHERE action = 'claim.passenger_correct'"
        ),
        1
    );
}
