//! Property tests: invariants that must hold for any well-formed case, and a bounded
//! arbitrary-bytes run of the parser + engine (never panics).

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::refdata::RefData;

const AIRPORTS: &[&str] = &[
    "AMS", "BCN", "MAD", "MUC", "BER", "LPA", "FRA", "JFK", "DXB", "ZRH", "LIS", "LHR", "ATH",
    "CDG", "GRU", "VIE", "ARN", "FCO", "ORY", "RUN", "PTP", "SBH", "PPT", "JER", "KEF", "OSL",
    "GVA", "DKR", "OPO", "FUE", "MAN", "EDI", "DUB", "IST", "TLV",
];
const CARRIERS: &[&str] = &[
    "KL", "IB", "LH", "EK", "LX", "BA", "AF", "UA", "SK", "U2", "FR", "DY", "TK", "ZZ", "TN",
];
const EU_AMOUNTS: &[f64] = &[0.0, 125.0, 200.0, 250.0, 300.0, 400.0, 600.0];
const UK_AMOUNTS: &[f64] = &[0.0, 110.0, 175.0, 220.0, 260.0, 350.0, 520.0];
const REASONS: &[Option<&str>] = &[
    None,
    Some("technical"),
    Some("weather"),
    Some("own_staff_strike"),
    Some("bird_strike"),
    Some("overbooking"),
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 15).expect("date")
}

fn request(from: &str, to: &str, carrier: &str, year: i32, disruption: Value) -> Value {
    json!({
        "claim_date": "2025-10-15",
        "legs": [{
            "flight_number": format!("{carrier}100"), "from_iata": from, "to_iata": to,
            "scheduled_departure_local": format!("{year}-05-14T09:10"),
            "scheduled_arrival_local": format!("{year}-05-15T23:55")
        }],
        "disruption": disruption
    })
}

fn eval(v: &Value) -> EligibilityResponse {
    let req = parse_request(&serde_json::to_vec(v).expect("ser")).expect("well-formed request");
    evaluate(&req, RefData::embedded(), "en", today()).expect("evaluates")
}

fn disruption_strategy() -> impl Strategy<Value = Value> {
    let reason = prop::sample::select(REASONS).prop_map(|r| r.map_or(Value::Null, |s| json!(s)));
    let reroute = (any::<bool>(), -300i64..600, -60i64..600)
        .prop_map(|(offered, dep, arr)| json!({"offered": offered, "departure_offset_minutes": dep, "arrival_delay_minutes": arr}));
    prop_oneof![
        (0i64..900, reason.clone()).prop_map(|(m, r)| json!({"type": "delay", "arrival_delay_minutes": m, "reason": r})),
        (0i64..30, reroute.clone(), reason.clone())
            .prop_map(|(n, rr, r)| json!({"type": "cancellation", "notice_days": n, "reroute": rr, "reason": r})),
        (any::<bool>(), reroute, reason)
            .prop_map(|(v, rr, r)| json!({"type": "denied_boarding", "voluntary": v, "reroute": rr, "reason": r})),
    ]
}

fn route() -> impl Strategy<Value = (&'static str, &'static str, &'static str, i32)> {
    (
        prop::sample::select(AIRPORTS),
        prop::sample::select(AIRPORTS),
        prop::sample::select(CARRIERS),
        prop::sample::select(&[2019, 2021, 2025][..]),
    )
        .prop_filter("distinct airports", |(a, b, _, _)| a != b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Art 7 amounts are always one of the regime's values (full or halved), and a regime is
    /// never paid twice: at most one alternative, of the other regime.
    #[test]
    fn amounts_are_in_the_allowed_set((from, to, carrier, year) in route(), d in disruption_strategy()) {
        let r = eval(&request(from, to, carrier, year, d));
        let allowed = match r.regime.0 {
            Some(Regime::Eu261) => EU_AMOUNTS,
            Some(Regime::Uk261) => UK_AMOUNTS,
            None => &[0.0][..],
        };
        prop_assert!(allowed.contains(&r.amount.0), "{} {:?}", r.amount.0, r.regime);
        prop_assert_eq!(r.eligible, r.amount.0 > 0.0);
        prop_assert!(r.alternatives.len() <= 1);
        for a in &r.alternatives {
            prop_assert!(Some(a.regime) != r.regime.0);
            prop_assert!(r.no_cumulation);
        }
        if r.regime.0 == Some(Regime::Uk261) { prop_assert_eq!(r.currency.as_deref(), Some("GBP")); }
        if r.regime.0 == Some(Regime::Eu261) { prop_assert_eq!(r.currency.as_deref(), Some("EUR")); }
    }

    /// More delay never lowers compensation.
    #[test]
    fn more_delay_never_pays_less((from, to, carrier, year) in route(), a in 0i64..900, b in 0i64..900,
                                  reason in prop::sample::select(REASONS)) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let d = |m: i64| json!({"type": "delay", "arrival_delay_minutes": m, "reason": reason});
        let r_lo = eval(&request(from, to, carrier, year, d(lo)));
        let r_hi = eval(&request(from, to, carrier, year, d(hi)));
        prop_assert!(r_lo.amount.0 <= r_hi.amount.0, "{lo}->{} {hi}->{}", r_lo.amount.0, r_hi.amount.0);
    }

    /// A passenger who volunteers is never paid Art 7 compensation (Art 4(1)).
    #[test]
    fn voluntary_denial_never_pays((from, to, carrier, year) in route(), arr in 0i64..600,
                                   reason in prop::sample::select(REASONS)) {
        let d = json!({"type": "denied_boarding", "voluntary": true, "reason": reason,
                       "reroute": {"offered": true, "arrival_delay_minutes": arr}});
        let r = eval(&request(from, to, carrier, year, d));
        prop_assert!(!r.eligible);
        prop_assert_eq!(r.amount.0, 0.0);
    }

    /// No answer is ever computed on a 0 km distance, however the itinerary of one booking
    /// turns back (*Emirates v Schenkel* C-173/07): out and back, open jaws, triangles.
    #[test]
    fn no_answer_ever_uses_a_0_km_distance(stops in prop::collection::vec(prop::sample::select(AIRPORTS), 2..6),
                                           home in any::<bool>(), carrier in prop::sample::select(CARRIERS),
                                           pick in 0usize..6, separate in any::<bool>(),
                                           d in disruption_strategy()) {
        let mut route: Vec<&str> = stops;
        if home { route.push(route[0]); }
        route.dedup();
        prop_assume!(route.len() >= 2);
        let legs: Vec<Value> = route.windows(2).enumerate().map(|(i, w)| json!({
            "flight_number": format!("{carrier}{}", 100 + i), "from_iata": w[0], "to_iata": w[1],
            "scheduled_departure_local": format!("2025-05-{:02}T09:10", 1 + 2 * i),
            "scheduled_arrival_local": format!("2025-05-{:02}T09:10", 2 + 2 * i)
        })).collect();
        let n = legs.len();
        let mut d = d;
        d["disrupted_leg"] = json!(pick % n);
        if separate && d["type"] == "delay" {
            d["per_leg_arrival_delay_minutes"] = json!(vec![d["arrival_delay_minutes"].clone(); n]);
        }
        let booking = if separate { "separate" } else { "single" };
        let v = json!({"booking": booking, "claim_date": "2025-10-15", "legs": legs, "disruption": d});
        let req = parse_request(&serde_json::to_vec(&v).expect("ser")).expect("well-formed request");
        let decision = decide(&req, RefData::embedded(), today()).expect("decides");
        prop_assert!(decision.distance_km > 0.0, "{:?}", route);
        prop_assert!(decision.unit_distance_km > 0.0, "{:?}", route);
        let r = evaluate(&req, RefData::embedded(), "en", today()).expect("evaluates");
        prop_assert!(r.distance_km > 0.0, "{:?}", route);
    }

    /// Arbitrary bytes never panic the parser or the engine.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(req) = parse_request(&bytes) {
            let _ = evaluate(&req, RefData::embedded(), "fr", today());
        }
    }

    /// JSON-shaped noise: a valid request with one field replaced by a random value.
    #[test]
    fn mutated_requests_never_panic((from, to, carrier, year) in route(), d in disruption_strategy(),
                                    path in 0usize..12, junk in prop_oneof![
                                        Just(json!(null)), Just(json!(-1)), Just(json!(1e300)), Just(json!("")),
                                        Just(json!("ZZZ")), Just(json!([])), Just(json!({})), Just(json!(true)),
                                        Just(json!(18_446_744_073_709_551_615u64)), Just(json!("9999-12-31T23:59")),
                                    ]) {
        let mut v = request(from, to, carrier, year, d);
        let slot: &mut Value = match path {
            0 => &mut v["legs"][0]["from_iata"],
            1 => &mut v["legs"][0]["scheduled_departure_local"],
            2 => &mut v["legs"][0]["scheduled_arrival_local"],
            3 => &mut v["disruption"]["arrival_delay_minutes"],
            4 => &mut v["disruption"]["notice_days"],
            5 => &mut v["disruption"]["reroute"],
            6 => &mut v["disruption"]["disrupted_leg"],
            7 => &mut v["claim_date"],
            8 => &mut v["forum_country"],
            9 => &mut v["passenger"],
            10 => &mut v["legs"],
            _ => &mut v["disruption"]["type"],
        };
        *slot = junk;
        if let Ok(req) = parse_request(&serde_json::to_vec(&v).expect("ser")) {
            let _ = evaluate(&req, RefData::embedded(), "en", today());
        }
    }
}
