//! Issue 13, the other families through the whole engine: causes the Court has ruled on,
//! explanations of downgrades and flights brought forward, the UK forum, territories at the
//! flight date, retired airport codes, the operating carrier's licence. Each test names its
//! judgment or article.

use serde_json::{Value, json};

use super::tests::{one_leg, run, today};
use super::*;
use crate::refdata::RefData;

fn explain(req: &Value, lang: &str) -> String {
    let parsed = parse_request(&serde_json::to_vec(req).expect("ser")).expect("parse");
    evaluate(&parsed, RefData::embedded(), lang, today())
        .expect("evaluate")
        .explanation
}

fn at(mut req: Value, dep: &str, arr: &str) -> Value {
    req["legs"][0]["scheduled_departure_local"] = json!(dep);
    req["legs"][0]["scheduled_arrival_local"] = json!(arr);
    req
}

fn delay(minutes: i64, reason: &str) -> Value {
    json!({"type": "delay", "arrival_delay_minutes": minutes, "reason": reason})
}

fn code(v: &Value) -> &str {
    v["reason_code"].as_str().unwrap_or("")
}

#[test]
fn c_308_21_airport_fuel_system_failure_is_cited_in_both_languages() {
    let req = one_leg(
        "PDL",
        "LIS",
        "S4",
        delay(300, "airport_fuel_system_failure"),
    );
    assert_eq!(code(&run(&req).expect("ok")), "EXTRAORDINARY_CIRCUMSTANCES");
    assert!(explain(&req, "en").contains("C-308/21"));
    assert!(explain(&req, "fr").contains("C-308/21"));
}

#[test]
fn c_394_14_siewert_stairs_vehicle_is_no_excuse() {
    let req = one_leg("FRA", "LIS", "LH", delay(300, "ground_equipment_collision"));
    assert_eq!(code(&run(&req).expect("ok")), "ELIGIBLE_DELAY");
    assert!(explain(&req, "en").contains("C-394/14"));
}

#[test]
fn mennens_c255_15_a_downgrade_explanation_opens_with_the_downgraded_flight_not_folkerts() {
    let req = json!({
        "legs": [
            {"flight_number": "AF1019", "from_iata": "FRA", "to_iata": "CDG", "scheduled_departure_local": "2025-03-18T13:30", "scheduled_arrival_local": "2025-03-18T14:35"},
            {"flight_number": "AF454", "from_iata": "CDG", "to_iata": "GRU", "scheduled_departure_local": "2025-03-18T16:15", "scheduled_arrival_local": "2025-03-19T00:50"}
        ],
        "disruption": {"type": "downgrade", "booked_class": "business", "flown_class": "economy",
                       "downgraded_leg": 1, "flight_price_excl_taxes": 2000}
    });
    for lang in ["en", "fr"] {
        let text = explain(&req, lang);
        assert!(
            !text.contains("Folkerts") && !text.contains("Bossen"),
            "{text}"
        );
        assert!(text.contains("Mennens C-255/15"), "{text}");
    }
}

fn brought_forward(notice: i64, dep: i64, arr: i64) -> Value {
    one_leg(
        "CGN",
        "PMI",
        "EW",
        json!({"type": "cancellation", "notice_days": notice,
               "reroute": {"offered": true, "departure_offset_minutes": dep, "arrival_delay_minutes": arr}}),
    )
}

#[test]
fn c_263_20_and_c_146_20_a_flight_brought_forward_over_an_hour_is_a_cancellation_paid_in_full() {
    let req = brought_forward(3, -180, -170);
    let v = run(&req).expect("ok");
    assert_eq!(
        (code(&v), v["amount"].clone()),
        ("ELIGIBLE_CANCELLATION", json!(250))
    );
    let en = explain(&req, "en");
    assert!(en.contains("C-263/20") && en.contains("C-146/20"), "{en}");
    assert!(en.contains("No 50 % reduction"), "{en}");
    assert!(
        en.contains("Art 5(1)(c)(iii)"),
        "the failed condition is named: {en}"
    );
    let fr = explain(&req, "fr");
    assert!(
        fr.contains("Pas de réduction de 50 %") && fr.contains("C-146/20"),
        "{fr}"
    );
}

#[test]
fn c_146_20_brought_forward_by_an_hour_or_less_is_not_a_cancellation_sentence() {
    let en = explain(&brought_forward(3, -60, -60), "en");
    assert!(!en.contains("brought forward"), "{en}");
}

#[test]
fn art_5_1_c_ii_says_which_condition_failed() {
    let arrival = explain(
        &one_leg(
            "AMS",
            "BCN",
            "KL",
            json!({"type": "cancellation", "notice_days": 10,
                   "reroute": {"offered": true, "departure_offset_minutes": 0, "arrival_delay_minutes": 250}}),
        ),
        "en",
    );
    assert!(
        arrival.contains("Art 5(1)(c)(ii)") && arrival.contains("250 minutes after"),
        "{arrival}"
    );
    let departure = explain(
        &one_leg(
            "AMS",
            "BCN",
            "KL",
            json!({"type": "cancellation", "notice_days": 10,
                   "reroute": {"offered": true, "departure_offset_minutes": -150, "arrival_delay_minutes": 30}}),
        ),
        "fr",
    );
    assert!(
        departure.contains("ii)") && departure.contains("150 minutes avant"),
        "{departure}"
    );
}

#[test]
fn limitation_act_1980_forum_gb_is_england_and_wales_six_years() {
    let mut r = at(
        one_leg("LHR", "JFK", "BA", delay(300, "technical")),
        "2021-06-12T09:45",
        "2021-06-12T12:40",
    );
    r["forum_country"] = json!("GB");
    r["claim_date"] = json!("2027-06-12");
    let v = run(&r).expect("ok");
    assert_eq!(
        (code(&v), v["deadline"].clone()),
        ("ELIGIBLE_DELAY", json!("2027-06-12"))
    );
    assert!(explain(&r, "en").contains("England and Wales"));
    r["forum_country"] = json!("GB-SCT");
    assert_eq!(code(&run(&r).expect("ok")), "TIME_BARRED");
    for forum in ["GB-ENG", "GB-WLS", "GB-NIR", "gb-eaw"] {
        r["forum_country"] = json!(forum);
        assert_eq!(run(&r).expect("ok")["deadline"], "2027-06-12", "{forum}");
    }
    r["forum_country"] = json!("GB-XYZ");
    let e = run(&r).expect_err("400");
    assert_eq!(e.field, "forum_country");
    assert!(e.message("en").contains("GB-NIR"));
}

#[test]
fn act_of_accession_2012_croatia_domestic_flight_before_1_july_2013_is_out_of_scope() {
    let req = |dep: &str, arr: &str| {
        at(
            one_leg("ZAG", "DBV", "OU", delay(300, "technical")),
            dep,
            arr,
        )
    };
    let before = run(&req("2013-06-30T10:00", "2013-06-30T11:00")).expect("ok");
    assert_eq!(code(&before), "NOT_IN_SCOPE");
    let after = run(&req("2013-07-01T10:00", "2013-07-01T11:00")).expect("ok");
    assert_eq!(code(&after), "ELIGIBLE_DELAY");
}

#[test]
fn decision_2012_419_mayotte_outermost_region_from_2014() {
    let req = |dep: &str, arr: &str| {
        at(
            one_leg("DZA", "RUN", "ZZ", delay(300, "technical")),
            dep,
            arr,
        )
    };
    assert_eq!(
        code(&run(&req("2013-12-30T10:00", "2013-12-30T12:00")).expect("ok")),
        "NOT_IN_SCOPE"
    );
    assert_eq!(
        code(&run(&req("2014-01-02T10:00", "2014-01-02T12:00")).expect("ok")),
        "ELIGIBLE_DELAY"
    );
}

#[test]
fn decision_2010_718_saint_barthelemy_left_on_1_january_2012() {
    let req = |dep: &str, arr: &str| {
        at(
            one_leg("SBH", "PTP", "ZZ", delay(300, "technical")),
            dep,
            arr,
        )
    };
    assert_eq!(
        code(&run(&req("2011-12-30T10:00", "2011-12-30T11:00")).expect("ok")),
        "ELIGIBLE_DELAY"
    );
    assert_eq!(
        code(&run(&req("2012-01-02T10:00", "2012-01-02T11:00")).expect("ok")),
        "NOT_IN_SCOPE"
    );
}

#[test]
fn protocol_10_a_flight_from_ercan_is_not_a_departure_from_the_eu() {
    let ercan = run(&one_leg("ECN", "IST", "TK", delay(300, "technical"))).expect("ok");
    assert_eq!(code(&ercan), "NOT_IN_SCOPE");
    let larnaca = run(&one_leg("LCA", "IST", "TK", delay(300, "technical"))).expect("ok");
    assert_eq!(code(&larnaca), "ELIGIBLE_DELAY");
}

#[test]
fn retired_code_sxf_is_judged_for_a_2019_flight_and_refused_after_closure() {
    let req = |dep: &str, arr: &str| {
        at(
            one_leg("SXF", "BCN", "U2", delay(200, "technical")),
            dep,
            arr,
        )
    };
    let v = run(&req("2019-08-01T10:00", "2019-08-01T12:30")).expect("ok");
    assert_eq!(
        (code(&v), v["amount"].clone()),
        ("ELIGIBLE_DELAY", json!(400))
    );
    let e = run(&req("2021-08-01T10:00", "2021-08-01T12:30")).expect_err("retired");
    assert_eq!(
        (e.code, e.field.as_str()),
        ("unknown_airport", "legs[0].from_iata")
    );
    assert!(e.message("en").contains("BER"), "{}", e.message("en"));
}

#[test]
fn retired_code_kiv_before_18_january_2024() {
    let req = |dep: &str, arr: &str| {
        at(
            one_leg("KIV", "OTP", "RO", delay(200, "technical")),
            dep,
            arr,
        )
    };
    assert!(run(&req("2023-06-01T10:00", "2023-06-01T11:30")).is_ok());
    assert!(run(&req("2024-06-01T10:00", "2024-06-01T11:30")).is_err());
}

#[test]
fn art_3_1_b_uk261_uses_the_operating_carrier_not_the_marketing_designator() {
    // JFK–LHR sold as AA, operated by BA: a UK carrier into the UK (UK261 Art 3(1)(b)).
    let mut req = one_leg("JFK", "LHR", "AA", delay(300, "technical"));
    assert_eq!(code(&run(&req).expect("ok")), "NOT_IN_SCOPE");
    req["legs"][0]["operating_carrier_iata"] = json!("BA");
    let v = run(&req).expect("ok");
    assert_eq!(
        (
            v["regime"].clone(),
            v["amount"].clone(),
            v["liable_carrier"].clone()
        ),
        (json!("UK261"), json!(520), json!("BA"))
    );
    let en = explain(&req, "en");
    assert!(
        en.contains("British Airways (BA)") && en.contains("a United Kingdom air carrier"),
        "{en}"
    );
    let fr = explain(&req, "fr");
    assert!(fr.contains("transporteur aérien du Royaume-Uni"), "{fr}");
}

#[test]
fn art_10_a_bad_cabin_class_lists_the_accepted_values() {
    for field in ["booked_class", "flown_class"] {
        let mut d = json!({"type": "downgrade", "booked_class": "business", "flown_class": "economy",
                           "flight_price_excl_taxes": 400});
        d[field] = json!("coach");
        let e = run(&one_leg("CDG", "FCO", "AF", d)).expect_err("400");
        assert_eq!(
            (e.code, e.field.clone()),
            ("invalid_value", format!("disruption.{field}"))
        );
        for lang in ["en", "fr"] {
            let m = e.message(lang);
            for class in ["economy", "premium_economy", "business", "first"] {
                assert!(m.contains(class), "{lang}: {m}");
            }
        }
    }
}
