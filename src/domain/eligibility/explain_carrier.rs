//! Explanation sentences about carriers and the journey's territory: which operating
//! licence was assumed for the flight concerned and why (Art 3(1)(b), Art 3(5), Reg
//! 1008/2008), the first-leg carrier of a connecting journey (*CS v České aerolinie*
//! C-502/18), and a connection in the EU between two third countries (*Airhelp v
//! Austrian* C-451/20).

use rust_i18n::t;

use super::decide::Decision;
use super::explanation::airport_words;
use super::ruleset::Regime;
use super::scope::{Basis, Licence, licence, zone};
use crate::refdata::{RefData, TerritoryStatus};

/// Adds the carrier sentences to `parts`.
pub fn carrier_sentences(parts: &mut Vec<String>, d: &Decision<'_>, data: &RefData, lang: &str) {
    licence_sentence(parts, d, data, lang);
    first_leg_sentence(parts, d, data, lang);
    via_eu_sentence(parts, d, data, lang);
}

/// Which licence was assumed for the carrier operating the flight concerned, and why.
fn licence_sentence(parts: &mut Vec<String>, d: &Decision<'_>, data: &RefData, lang: &str) {
    let (Some(sc), Some(concerned)) = (d.scope, d.legs[d.disrupted_leg]) else {
        return;
    };
    if sc.licence != Licence::Unknown
        && let Some(airline) = concerned.airline
    {
        let status = match sc.licence {
            Licence::Community
                if data
                    .territory(&airline.country)
                    .is_some_and(|t| t.status == TerritoryStatus::Uk) =>
            {
                "eligibility.licence.community_uk_before_exit"
            }
            Licence::Community => "eligibility.licence.community",
            Licence::EeaCh => "eligibility.licence.eea_ch",
            Licence::Uk => "eligibility.licence.uk",
            _ => "eligibility.licence.third",
        };
        let source = if concerned.leg.operating_carrier_iata.is_some() {
            t!(
                "eligibility.explain.licence_source.declared",
                locale = lang,
                flight = concerned.leg.flight_number.as_str()
            )
        } else {
            t!(
                "eligibility.explain.licence_source.flight_number",
                locale = lang,
                flight = concerned.leg.flight_number.as_str()
            )
        };
        let carrier = if airline.name.is_empty() {
            concerned.carrier.to_owned()
        } else {
            format!("{} ({})", airline.name, concerned.carrier)
        };
        parts.push(
            t!(
                "eligibility.explain.licence",
                locale = lang,
                carrier = carrier,
                source = source,
                country = data.country_name(&airline.country, lang),
                status = t!(status, locale = lang)
            )
            .into_owned(),
        );
    }
}

/// C-502/18: on a connecting journey leaving the EU, the Community carrier that operated the
/// first flight answers too, even when another carrier operated the delayed one.
fn first_leg_sentence(parts: &mut Vec<String>, d: &Decision<'_>, data: &RefData, lang: &str) {
    let (Some(sc), Some(concerned)) = (d.scope, d.legs[d.disrupted_leg]) else {
        return;
    };
    if let Some(first) = d.legs[d.unit.0]
        && d.code.is_eligible()
        && d.assessed_regime == Some(Regime::Eu261)
        && sc.eu261 == Some(Basis::Departure)
        && d.disrupted_leg != d.unit.0
        && first.carrier != concerned.carrier
        && matches!(
            licence(data, first.carrier, first.dep_utc),
            Licence::Community | Licence::EeaCh
        )
    {
        let name = match first.airline {
            Some(a) if !a.name.is_empty() => format!("{} ({})", a.name, first.carrier),
            _ => first.carrier.to_owned(),
        };
        parts.push(
            t!(
                "eligibility.explain.first_leg_carrier_liable",
                locale = lang,
                carrier = name
            )
            .into_owned(),
        );
    }
}

/// C-451/20: only the first departure and the final destination count; a connection in a
/// Member State does not bring a journey between two third countries into scope.
fn via_eu_sentence(parts: &mut Vec<String>, d: &Decision<'_>, data: &RefData, lang: &str) {
    let Some(sc) = d.scope else { return };
    if sc.eu261.is_none()
        && !sc.origin.eu261_territory()
        && !sc.destination.eu261_territory()
        && d.unit.1 > d.unit.0
        && let Some(first) = d.legs[d.unit.0]
    {
        let via = (d.unit.0..d.unit.1)
            .filter_map(|i| d.legs[i])
            .find(|l| zone(data, l.to, first.dep_utc).eu261_territory());
        if let Some(l) = via {
            parts.push(
                t!(
                    "eligibility.explain.scope.via_eu",
                    locale = lang,
                    airport = airport_words(l.to)
                )
                .into_owned(),
            );
        }
    }
}
