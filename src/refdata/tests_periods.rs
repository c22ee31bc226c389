//! Dated reference data: retired airport codes and territory periods.

use chrono::NaiveDate;

use super::{RefData, TerritoryStatus};

fn data() -> &'static RefData {
    RefData::embedded()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn retired_sxf_is_valid_for_flights_until_schoenefeld_closed() {
    let a = data()
        .airport_on("SXF", d("2019-08-01"))
        .expect("SXF in 2019");
    assert_eq!((a.country.as_str(), a.tz.name()), ("DE", "Europe/Berlin"));
    assert!(data().airport_on("sxf", d("2020-10-24")).is_ok());
    let retired = data()
        .airport_on("SXF", d("2020-10-25"))
        .expect_err("SXF after closure");
    assert_eq!(retired.map(|r| r.replaced_by.as_str()), Some("BER"));
    assert!(
        data().airport("SXF").is_none(),
        "not offered by today's search"
    );
}

#[test]
fn retired_kiv_became_rmo_on_18_january_2024() {
    assert!(data().airport_on("KIV", d("2024-01-17")).is_ok());
    assert!(data().airport_on("KIV", d("2024-01-18")).is_err());
    assert!(data().airport_on("RMO", d("2022-05-01")).is_ok());
    assert!(
        data()
            .airport_on("ZZQ", d("2022-05-01"))
            .expect_err("unknown")
            .is_none()
    );
}

#[test]
fn ist_meant_ataturk_before_6_april_2019() {
    let old = data().airport_on("IST", d("2019-04-05")).expect("old IST");
    let new = data().airport_on("IST", d("2019-04-06")).expect("new IST");
    assert!(old.lat < 41.0 && new.lat > 41.2, "{} {}", old.lat, new.lat);
}

#[test]
fn every_retired_code_has_a_time_zone_and_a_known_country() {
    assert!(data().retired_airports().len() >= 3);
    for r in data().retired_airports() {
        assert!(
            data().territory(&r.airport.country).is_some(),
            "{}",
            r.airport.iata
        );
        assert!(
            r.valid_from.is_none_or(|f| f <= r.valid_to),
            "{}",
            r.airport.iata
        );
    }
}

#[test]
fn croatia_joined_the_eu_on_1_july_2013() {
    let s = |date| data().territory_status_on("HR", Some("ZAG"), d(date));
    assert_eq!(s("2013-06-30"), TerritoryStatus::Other);
    assert_eq!(s("2013-07-01"), TerritoryStatus::Eu);
}

#[test]
fn mayotte_is_an_outermost_region_since_1_january_2014() {
    let s = |date| data().territory_status_on("YT", Some("DZA"), d(date));
    assert_eq!(s("2013-12-31"), TerritoryStatus::Oct);
    assert_eq!(s("2014-01-01"), TerritoryStatus::Eu);
}

#[test]
fn saint_barthelemy_left_the_eu_on_1_january_2012() {
    let s = |date| data().territory_status_on("BL", Some("SBH"), d(date));
    assert_eq!(s("2011-12-31"), TerritoryStatus::Eu);
    assert_eq!(s("2012-01-01"), TerritoryStatus::Oct);
}

#[test]
fn protocol_10_ercan_is_outside_the_eu_while_larnaca_is_inside() {
    let on = d("2025-05-01");
    assert_eq!(
        data().territory_status_on("CY", Some("ECN"), on),
        TerritoryStatus::Other
    );
    assert_eq!(
        data().territory_status_on("CY", Some("LCA"), on),
        TerritoryStatus::Eu
    );
    assert_eq!(
        data().territory_status_on("CY", None, on),
        TerritoryStatus::Eu
    );
}

#[test]
fn outermost_regions_are_in_the_eu() {
    let on = d("2025-05-01");
    for (country, airport) in [
        ("ES", "LPA"),
        ("ES", "TFS"),
        ("PT", "FNC"),
        ("PT", "PDL"),
        ("RE", "RUN"),
        ("GP", "PTP"),
        ("MQ", "FDF"),
        ("GF", "CAY"),
        ("YT", "DZA"),
        ("MF", "SFG"),
    ] {
        assert_eq!(
            data().territory_status_on(country, Some(airport), on),
            TerritoryStatus::Eu,
            "{airport}"
        );
    }
}
