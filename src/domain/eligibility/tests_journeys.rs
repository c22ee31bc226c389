//! Journeys judged the way the law does (issue 13): outbound and return on one booking
//! (*Emirates v Schenkel* C-173/07), the carrier of the flight concerned (Art 3(1)(b),
//! *CS v České aerolinie* C-502/18, *Airhelp v Austrian* C-451/20). Every test names its
//! judgment or article.

use serde_json::{Value, json};

use super::tests::run;
use super::*;
use crate::refdata::RefData;

/// A leg: flight number (carrier + number), from, to, local departure, local arrival.
fn leg(flight: &str, from: &str, to: &str, dep: &str, arr: &str) -> Value {
    json!({"flight_number": flight, "from_iata": from, "to_iata": to,
           "scheduled_departure_local": dep, "scheduled_arrival_local": arr})
}

fn booking(legs: Vec<Value>, disruption: Value) -> Value {
    json!({"booking": "single", "claim_date": "2025-10-15", "legs": legs, "disruption": disruption})
}

fn delay_on(ix: usize, minutes: i64) -> Value {
    json!({"type": "delay", "disrupted_leg": ix, "arrival_delay_minutes": minutes, "reason": "technical"})
}

fn explain(req: &Value, lang: &str) -> String {
    let parsed = parse_request(&serde_json::to_vec(req).expect("ser")).expect("parse");
    evaluate(&parsed, RefData::embedded(), lang, super::tests::today())
        .expect("evaluate")
        .explanation
}

fn fra_jfk_return(return_carrier: &str) -> Vec<Value> {
    vec![
        leg(
            "LH400",
            "FRA",
            "JFK",
            "2025-05-06T10:55",
            "2025-05-06T13:20",
        ),
        leg(
            &format!("{return_carrier}61"),
            "JFK",
            "FRA",
            "2025-05-20T18:00",
            "2025-05-21T08:00",
        ),
    ]
}

#[test]
fn schenkel_c173_07_return_from_third_country_on_non_community_carrier_is_out_of_scope() {
    let v = run(&booking(fra_jfk_return("UA"), delay_on(1, 300))).expect("ok");
    assert_eq!(v["reason_code"], "NOT_IN_SCOPE", "{v}");
    assert_eq!(
        v["distance_km"], 6188.7,
        "the return's own distance, never 0 km"
    );
}

#[test]
fn schenkel_c173_07_return_on_community_carrier_is_covered_by_art_3_1_b() {
    let v = run(&booking(fra_jfk_return("LH"), delay_on(1, 300))).expect("ok");
    assert_eq!(
        (v["reason_code"].clone(), v["amount"].clone()),
        (json!("ELIGIBLE_DELAY"), json!(600)),
        "{v}"
    );
    let en = explain(&booking(fra_jfk_return("LH"), delay_on(1, 300)), "en");
    assert!(
        en.contains("Schenkel C-173/07") && en.contains("return journey"),
        "{en}"
    );
    assert!(en.contains("Art 3(1)(b)"), "{en}");
    let fr = explain(&booking(fra_jfk_return("LH"), delay_on(1, 300)), "fr");
    assert!(
        fr.contains("Schenkel C-173/07") && fr.contains("trajet retour"),
        "{fr}"
    );
}

#[test]
fn schenkel_c173_07_outbound_of_a_return_ticket_is_judged_on_its_own_distance() {
    let legs = vec![
        leg(
            "KL1671",
            "AMS",
            "BCN",
            "2025-05-14T09:10",
            "2025-05-14T11:15",
        ),
        leg(
            "KL1672",
            "BCN",
            "AMS",
            "2025-05-18T12:00",
            "2025-05-18T14:25",
        ),
    ];
    for ix in [0, 1] {
        let v = run(&booking(legs.clone(), delay_on(ix, 200))).expect("ok");
        assert_eq!(
            (v["reason_code"].clone(), v["amount"].clone()),
            (json!("ELIGIBLE_DELAY"), json!(250)),
            "leg {ix}: {v}"
        );
        assert_eq!(v["distance_km"], 1241.1, "leg {ix}");
    }
    let en = explain(&booking(legs, delay_on(0, 200)), "en");
    assert!(en.contains("outbound journey"), "{en}");
    assert!(!en.contains("connecting flights on one booking"), "{en}");
}

#[test]
fn schenkel_c173_07_return_via_a_hub_is_one_connecting_journey_home() {
    // Lyon – Paris – New York and back: the return JFK–CDG–LYS is one journey of its own.
    let legs = vec![
        leg(
            "AF7641",
            "LYS",
            "CDG",
            "2025-06-01T07:00",
            "2025-06-01T08:05",
        ),
        leg("AF6", "CDG", "JFK", "2025-06-01T10:30", "2025-06-01T12:55"),
        leg("AF11", "JFK", "CDG", "2025-06-10T18:00", "2025-06-11T07:30"),
        leg(
            "AF7642",
            "CDG",
            "LYS",
            "2025-06-11T09:30",
            "2025-06-11T10:35",
        ),
    ];
    let v = run(&booking(legs, delay_on(3, 250))).expect("ok");
    assert_eq!(
        (v["reason_code"].clone(), v["amount"].clone()),
        (json!("ELIGIBLE_DELAY"), json!(600)),
        "{v}"
    );
    let km = v["distance_km"].as_f64().expect("km");
    assert!((6000.0..6300.0).contains(&km), "JFK–LYS, got {km}");
}

#[test]
fn schenkel_c173_07_open_jaw_return_is_split() {
    let legs = vec![
        leg("AF6", "CDG", "JFK", "2025-06-01T10:30", "2025-06-01T12:55"),
        leg(
            "AF333",
            "BOS",
            "ORY",
            "2025-06-12T19:00",
            "2025-06-13T08:20",
        ),
    ];
    let v = run(&booking(legs, delay_on(1, 300))).expect("ok");
    let km = v["distance_km"].as_f64().expect("km");
    assert!((5400.0..5700.0).contains(&km), "BOS–ORY, got {km}");
    assert_eq!(v["amount"], 600);
}

#[test]
fn folkerts_c11_11_a_backtracking_connection_stays_one_journey() {
    // Amsterdam – Istanbul – Athens with a 2-hour connection: one journey to Athens.
    let legs = vec![
        leg(
            "TK1952",
            "AMS",
            "IST",
            "2025-05-14T10:00",
            "2025-05-14T14:30",
        ),
        leg(
            "TK1843",
            "IST",
            "ATH",
            "2025-05-14T16:30",
            "2025-05-14T17:45",
        ),
    ];
    let v = run(&booking(legs, delay_on(1, 200))).expect("ok");
    let km = v["distance_km"].as_f64().expect("km");
    assert!((2100.0..2200.0).contains(&km), "AMS–ATH, got {km}");
}

#[test]
fn art_7_4_a_flight_from_an_airport_to_itself_is_refused_not_paid_on_0_km() {
    let legs = vec![leg(
        "KL1671",
        "AMS",
        "AMS",
        "2025-05-14T09:10",
        "2025-05-14T11:15",
    )];
    let e = run(&booking(legs, delay_on(0, 200))).expect_err("400");
    assert_eq!(
        (e.code, e.field.as_str()),
        ("same_airport", "legs[0].to_iata")
    );
}

fn bos_jfk_cdg(feeder: &str) -> Vec<Value> {
    vec![
        leg(
            &format!("{feeder}1000"),
            "BOS",
            "JFK",
            "2025-06-01T14:00",
            "2025-06-01T15:20",
        ),
        leg("AF9", "JFK", "CDG", "2025-06-01T18:30", "2025-06-02T07:45"),
    ]
}

#[test]
fn art_3_1_b_community_carrier_operating_the_delayed_flight_into_the_eu_is_in_scope() {
    let v = run(&booking(bos_jfk_cdg("B6"), delay_on(1, 300))).expect("ok");
    assert_eq!(
        (
            v["reason_code"].clone(),
            v["amount"].clone(),
            v["liable_carrier"].clone()
        ),
        (json!("ELIGIBLE_DELAY"), json!(600), json!("AF")),
        "{v}"
    );
    let en = explain(&booking(bos_jfk_cdg("B6"), delay_on(1, 300)), "en");
    assert!(en.contains("Air France (AF)"), "{en}");
}

#[test]
fn art_3_1_b_non_community_carrier_operating_the_disrupted_feeder_is_out_of_scope() {
    let v = run(&booking(bos_jfk_cdg("B6"), delay_on(0, 300))).expect("ok");
    assert_eq!(v["reason_code"], "NOT_IN_SCOPE", "{v}");
}

#[test]
fn c_502_18_first_leg_community_carrier_also_answers_for_a_delay_on_a_code_share_leg() {
    let legs = vec![
        leg(
            "OK200",
            "PRG",
            "AUH",
            "2025-03-01T13:00",
            "2025-03-01T22:00",
        ),
        leg(
            "EY404",
            "AUH",
            "BKK",
            "2025-03-02T01:00",
            "2025-03-02T10:30",
        ),
    ];
    let v = run(&booking(legs.clone(), delay_on(1, 488))).expect("ok");
    assert_eq!(
        (
            v["reason_code"].clone(),
            v["amount"].clone(),
            v["liable_carrier"].clone()
        ),
        (json!("ELIGIBLE_DELAY"), json!(600), json!("EY")),
        "{v}"
    );
    let en = explain(&booking(legs.clone(), delay_on(1, 488)), "en");
    assert!(
        en.contains("C-502/18") && en.contains("Czech Airlines (OK)"),
        "{en}"
    );
    let fr = explain(&booking(legs, delay_on(1, 488)), "fr");
    assert!(fr.contains("C-502/18"), "{fr}");
}

#[test]
fn c_451_20_third_country_via_the_eu_to_a_third_country_is_out_of_scope() {
    let legs = vec![
        leg(
            "OS656",
            "RMO",
            "VIE",
            "2025-05-29T15:55",
            "2025-05-29T16:40",
        ),
        leg("OS25", "VIE", "BKK", "2025-05-29T23:20", "2025-05-30T14:20"),
    ];
    for ix in [0, 1] {
        let v = run(&booking(legs.clone(), delay_on(ix, 300))).expect("ok");
        assert_eq!(v["reason_code"], "NOT_IN_SCOPE", "leg {ix}: {v}");
    }
    let en = explain(&booking(legs, delay_on(1, 300)), "en");
    assert!(en.contains("C-451/20"), "{en}");
}

#[test]
fn art_3_1_b_licence_assumed_is_explained_with_its_source() {
    let mut req = booking(
        vec![leg(
            "AF6",
            "JFK",
            "CDG",
            "2025-06-01T18:30",
            "2025-06-02T07:45",
        )],
        delay_on(0, 300),
    );
    let en = explain(&req, "en");
    assert!(en.contains("read from the flight number AF6"), "{en}");
    assert!(en.contains("a Community carrier"), "{en}");
    req["legs"][0]["operating_carrier_iata"] = json!("DL");
    let v = run(&req).expect("ok");
    assert_eq!(
        v["reason_code"], "NOT_IN_SCOPE",
        "a Delta-operated code-share: {v}"
    );
    let en = explain(&req, "en");
    assert!(en.contains("as declared by the passenger"), "{en}");
}
