//! Request errors (400s with JSON paths), translations, explanation text, serde round trip.

use serde_json::{Value, json};

use super::tests::{CASES, one_leg, run, today};
use super::*;
use crate::refdata::RefData;

#[test]
fn request_errors() {
    let base = one_leg(
        "AMS",
        "BCN",
        "KL",
        json!({"type": "delay", "arrival_delay_minutes": 200, "reason": "technical"}),
    );
    let err = |f: &dyn Fn(&mut Value)| {
        let mut r = base.clone();
        f(&mut r);
        let e = run(&r).expect_err("should be rejected");
        (e.code, e.field)
    };
    assert_eq!(
        err(&|r| r["legs"][0]["from_iata"] = json!("XXX")),
        ("unknown_airport", "legs[0].from_iata".to_string())
    );
    assert_eq!(
        err(&|r| r["disruption"]["reason"] = json!("aliens")),
        ("unknown_reason", "disruption.reason".to_string())
    );
    assert_eq!(
        err(&|r| r["disruption"]["arrival_delay_minutes"] = json!(-5)),
        (
            "negative_value",
            "disruption.arrival_delay_minutes".to_string()
        )
    );
    assert_eq!(
        err(&|r| r["disruption"]["arrival_delay_minutes"] = json!("200")),
        (
            "invalid_type",
            "disruption.arrival_delay_minutes".to_string()
        )
    );
    assert_eq!(
        err(&|r| r["disruption"]["arrival_delay_minutes"] = json!(null)),
        (
            "missing_field",
            "disruption.arrival_delay_minutes".to_string()
        )
    );
    assert_eq!(
        err(&|r| r["disruption"]["type"] = json!("strike")),
        ("invalid_value", "disruption.type".to_string())
    );
    assert_eq!(
        err(&|r| r["legs"] = json!([])),
        ("missing_field", "legs".to_string())
    );
    assert_eq!(
        err(&|r| r["legs"][0]["scheduled_arrival_local"] = json!("2025-05-14T08:00")),
        (
            "arrival_before_departure",
            "legs[0].scheduled_arrival_local".to_string()
        )
    );
    assert_eq!(
        err(&|r| r["disruption"] = json!({"type": "cancellation"})),
        ("missing_field", "disruption.notice_days".to_string())
    );
    assert_eq!(
        err(&|r| r["disruption"] =
            json!({"type": "downgrade", "booked_class": "business", "flown_class": "economy"})),
        (
            "missing_field",
            "disruption.flight_price_excl_taxes".to_string()
        )
    );
    assert_eq!(
        err(&|r| r["disruption"] = json!({"type": "denied_boarding"})),
        ("missing_field", "disruption.voluntary".to_string())
    );
    let e = parse_request(b"{not json").expect_err("bad json");
    assert_eq!(e.code, "invalid_json");
    assert!(e.message("fr").starts_with("La requête"));
    // Arrival before departure only in UTC terms: AMS 09:10 → LHR 08:20 local is a real 1h10 flight.
    let mut ok = base.clone();
    ok["legs"][0]["to_iata"] = json!("LHR");
    ok["legs"][0]["scheduled_arrival_local"] = json!("2025-05-14T08:20");
    assert!(run(&ok).is_ok());
}

#[test]
fn unknown_reason_message_lists_values() {
    let r = one_leg(
        "AMS",
        "BCN",
        "KL",
        json!({"type": "delay", "arrival_delay_minutes": 200, "reason": "aliens"}),
    );
    let e = parse_request(&serde_json::to_vec(&r).expect("ser")).expect_err("400");
    let en = e.message("en");
    assert!(
        en.contains("aliens") && en.contains("bird_strike") && en.contains("own_staff_strike"),
        "{en}"
    );
    assert!(e.message("fr").contains("Motif inconnu"));
}

#[test]
fn every_key_is_translated() {
    for lang in ["en", "fr"] {
        for key in explanation::KEYS {
            let text = rust_i18n::t!(*key, locale = lang);
            assert_ne!(text.as_ref(), *key, "{lang}: {key} missing");
            assert!(!text.contains(&format!("{lang}.")), "{lang}: {key}");
        }
    }
}

#[test]
fn explanation_is_localised_and_cites_law() {
    let r = one_leg(
        "AMS",
        "BCN",
        "KL",
        json!({"type": "delay", "arrival_delay_minutes": 200, "reason": "technical"}),
    );
    let req = parse_request(&serde_json::to_vec(&r).expect("ser")).expect("ok");
    let fr = evaluate(&req, RefData::embedded(), "fr", today())
        .expect("ok")
        .explanation;
    let en = evaluate(&req, RefData::embedded(), "en", today())
        .expect("ok")
        .explanation;
    assert!(fr.contains("art. 3") && fr.contains("Sturgeon"), "{fr}");
    assert!(
        en.contains("Art 3(1)(a)") && en.contains("Wallentin-Hermann"),
        "{en}"
    );
    assert!(!en.contains("%{"), "{en}");
    assert!(!fr.contains("%{"), "{fr}");
    // Unknown carrier is said so.
    let r = one_leg(
        "PTP",
        "SBH",
        "ZZ",
        json!({"type": "delay", "arrival_delay_minutes": 200}),
    );
    let req = parse_request(&serde_json::to_vec(&r).expect("ser")).expect("ok");
    let en = evaluate(&req, RefData::embedded(), "en", today())
        .expect("ok")
        .explanation;
    assert!(en.contains("ZZ is not in our data"), "{en}");
}

#[test]
fn request_round_trips_through_serde() {
    let doc: Value = serde_json::from_str(CASES).expect("cases json");
    for case in doc["cases"].as_array().expect("cases") {
        let parsed =
            parse_request(&serde_json::to_vec(&case["request"]).expect("ser")).expect("parse");
        let stored = serde_json::to_string(&parsed).expect("ser");
        let back: EligibilityRequest = serde_json::from_str(&stored).expect("de");
        assert_eq!(parsed, back);
        let reparsed = parse_request(stored.as_bytes()).expect("reparse");
        assert_eq!(parsed, reparsed);
    }
}

/// Nothing is judged before it happened: the claim date is 2025-10-15 in `one_leg`.
#[test]
fn a_flight_that_has_not_left_cannot_be_delayed_denied_or_downgraded() {
    let disruptions = [
        (
            json!({"type": "delay", "arrival_delay_minutes": 240, "reason": "technical"}),
            true,
        ),
        (
            json!({"type": "denied_boarding", "voluntary": false, "reason": "overbooking",
                   "reroute": {"offered": false}}),
            true,
        ),
        (
            json!({"type": "downgrade", "booked_class": "business", "flown_class": "economy",
                   "downgraded_leg": 0, "flight_price_excl_taxes": 400, "price_currency": "EUR"}),
            true,
        ),
        (
            json!({"type": "cancellation", "notice_days": 3, "reroute": {"offered": false},
                   "reason": "technical"}),
            false,
        ),
    ];
    // (departure, refused when the disruption cannot be in the future)
    for (departure, in_future) in [
        ("2025-10-16T06:00", true),
        ("2027-03-15T09:10", true),
        ("2025-10-15T21:40", false),
        ("2025-05-14T09:10", false),
    ] {
        for (disruption, can_only_be_past) in &disruptions {
            let mut req = one_leg("CDG", "BCN", "AF", disruption.clone());
            req["legs"][0]["scheduled_departure_local"] = json!(departure);
            let arrival = format!("{}T23:59", &departure[..10]);
            req["legs"][0]["scheduled_arrival_local"] = json!(arrival);
            let answer = run(&req);
            if in_future && *can_only_be_past {
                let e = answer.expect_err("refused");
                assert_eq!(e.code, "flight_in_future", "{departure} {disruption}");
                assert_eq!(e.field, "legs[0].scheduled_departure_local");
            } else {
                assert!(answer.is_ok(), "{departure} {disruption}: {answer:?}");
            }
        }
    }
}
