//! The explanation text (fr/en), citing the articles and CJEU cases applied. All strings
//! live in `locales/eligibility.{fr,en}.yml`; the locale is always passed explicitly.

use rust_i18n::t;

use super::bands::Band;
use super::decide::{Decision, ResolvedLeg, unit_licence};
use super::extraordinary::Reason;
use super::humanize::{date, km, money};
use super::request::{Booking, DisruptionType, EligibilityRequest};
use super::response::ReasonCode;
use super::ruleset::Regime;
use super::scope::{Basis, Licence, Zone};
use crate::refdata::{Airport, RefData};

/// The compensation band in words, with its paragraph (Art 7(1) or, for a downgrade, 10(2)).
fn band_words(band: Band, downgrade: bool, lang: &str) -> String {
    let key = match (downgrade, band) {
        (false, Band::A) => "eligibility.band.a",
        (false, Band::B) => "eligibility.band.b",
        (false, Band::C) => "eligibility.band.c",
        (true, Band::A) => "eligibility.band.downgrade_a",
        (true, Band::B) => "eligibility.band.downgrade_b",
        (true, Band::C) => "eligibility.band.downgrade_c",
    };
    t!(key, locale = lang).into_owned()
}

/// An airline as "Air France (AF)" when we know its name, else its code.
fn airline_words(l: &ResolvedLeg<'_>) -> String {
    match l.airline {
        Some(a) if !a.name.is_empty() => format!("{} ({})", a.name, l.carrier),
        _ => l.carrier.to_owned(),
    }
}

/// The carrier operating the flight concerned (the disrupted one), Art 3(1)(b), 3(5).
fn carrier_words(d: &Decision<'_>) -> String {
    d.legs[d.disrupted_leg]
        .or(d.legs[d.unit.0])
        .map_or(String::new(), |l| airline_words(&l))
}

/// An airport as "Amsterdam Airport Schiphol (AMS)".
pub(super) fn airport_words(a: &Airport) -> String {
    if a.name.is_empty() {
        a.iata.clone()
    } else {
        format!("{} ({})", a.name, a.iata)
    }
}

/// Translation key of the airline's stated reason in plain words.
pub fn reason_label_key(reason: Reason) -> String {
    format!("eligibility.reason_label.{}", reason.as_str())
}

/// The court whose limitation rule applies: a country name, or England and Wales / Scotland.
fn forum_words(forum: &str, data: &RefData, lang: &str) -> String {
    let key = match forum.to_ascii_uppercase().as_str() {
        "GB" => "eligibility.forum.gb_default",
        "GB-EAW" => "eligibility.forum.gb_eaw",
        "GB-ENG" => "eligibility.forum.gb_eng",
        "GB-WLS" => "eligibility.forum.gb_wls",
        "GB-SCT" => "eligibility.forum.gb_sct",
        "GB-NIR" => "eligibility.forum.gb_nir",
        _ => return data.country_name(forum, lang),
    };
    t!(key, locale = lang).into_owned()
}

/// How sure our limitation data is, in words (`high`, `medium`, `contested`).
fn confidence_words(confidence: &str, lang: &str) -> String {
    let key = match confidence {
        "high" => "eligibility.confidence.high",
        "medium" => "eligibility.confidence.medium",
        _ => "eligibility.confidence.contested",
    };
    t!(key, locale = lang).into_owned()
}

/// Renders the explanation of a decision in `lang` (`fr` or `en`).
pub fn explain(d: &Decision<'_>, req: &EligibilityRequest, data: &RefData, lang: &str) -> String {
    let mut parts: Vec<String> = Vec::with_capacity(8);

    opening_sentences(&mut parts, d, req, lang);

    scope_sentences(&mut parts, d, data, lang);
    super::explain_carrier::carrier_sentences(&mut parts, d, data, lang);

    if let Some(band) = d.band {
        match d.downgrade_leg_km {
            Some(leg_km) => parts.push(
                t!(
                    "eligibility.explain.downgrade_distance",
                    locale = lang,
                    km = km(leg_km, lang),
                    band = band_words(band, true, lang)
                )
                .into_owned(),
            ),
            None => parts.push(
                t!(
                    "eligibility.explain.distance",
                    locale = lang,
                    km = km(d.unit_distance_km, lang),
                    band = band_words(band, false, lang)
                )
                .into_owned(),
            ),
        }
    }

    cause_sentence(&mut parts, d, req, lang);
    super::explain_cancellation::cancellation_sentences(&mut parts, d, req, lang);
    parts.push(outcome_sentence(d, req, lang));

    if let Some((regime, amount, currency)) = d.alternative {
        parts.push(
            t!(
                "eligibility.explain.alternative",
                locale = lang,
                regime = regime.as_str(),
                amount = money(amount, currency, lang)
            )
            .into_owned(),
        );
    }
    if let Some(dl) = d.deadline {
        let key = if dl.end_of_year {
            "eligibility.explain.deadline_end_of_year"
        } else {
            "eligibility.explain.deadline_event"
        };
        parts.push(
            t!(
                key,
                locale = lang,
                forum = forum_words(dl.forum, data, lang),
                years = dl.years,
                date = date(dl.last_day, lang),
                confidence = confidence_words(dl.confidence, lang)
            )
            .into_owned(),
        );
    } else if let Some(forum) = req.forum_country.as_deref()
        && d.code.is_eligible()
    {
        parts.push(
            t!(
                "eligibility.explain.deadline_unknown",
                locale = lang,
                forum = forum_words(forum, data, lang)
            )
            .into_owned(),
        );
    }
    parts.join(" ")
}

/// What is judged: separate bookings, the journey of an outbound-and-return booking, or
/// connecting flights as one unit.
fn opening_sentences(
    parts: &mut Vec<String>,
    d: &Decision<'_>,
    req: &EligibilityRequest,
    lang: &str,
) {
    if req.booking == Booking::Separate && d.leg_count > 1 {
        parts.push(t!("eligibility.explain.separate_bookings", locale = lang).into_owned());
        if d.code != ReasonCode::SeparateBookingsNoQualifyingLeg {
            let flight = d.legs[d.unit.0].map_or("", |l| l.leg.flight_number.as_str());
            parts.push(
                t!(
                    "eligibility.explain.separate_booking_assessed",
                    locale = lang,
                    leg = d.unit.0 + 1,
                    flight = flight
                )
                .into_owned(),
            );
        }
    } else {
        if let Some((part, count)) = d.journey {
            parts.push(journey_sentence(d, part, count, lang));
        }
        // A downgrade is judged on the downgraded flight alone (Art 10(2); Mennens
        // C-255/15): the connecting-flight rule of Folkerts/Bossen does not open it.
        if d.unit.1 > d.unit.0 && req.disruption.kind != DisruptionType::Downgrade {
            parts.push(t!("eligibility.explain.connecting", locale = lang).into_owned());
        }
    }
}

/// Art 3 scope: which regime and why, and whether the carrier is unknown.
fn scope_sentences(parts: &mut Vec<String>, d: &Decision<'_>, data: &RefData, lang: &str) {
    let first = d.legs[d.unit.0];
    let last = d.legs[d.unit.1];
    let carrier = carrier_words(d);
    if let (Some(sc), Some(f), Some(l)) = (d.scope, first, last) {
        let origin = data.country_name(&f.from.country, lang);
        let destination = data.country_name(&l.to.country, lang);
        match d.assessed_regime.and_then(|r| sc.basis(r).map(|b| (r, b))) {
            Some((Regime::Eu261, Basis::Departure)) => parts.push(
                t!(
                    "eligibility.explain.scope.eu_departure",
                    locale = lang,
                    airport = airport_words(f.from),
                    country = origin
                )
                .into_owned(),
            ),
            Some((Regime::Eu261, Basis::InboundCarrier)) => parts.push(
                t!(
                    "eligibility.explain.scope.eu_inbound",
                    locale = lang,
                    country = destination,
                    carrier = carrier
                )
                .into_owned(),
            ),
            Some((Regime::Uk261, Basis::Departure)) => parts.push(
                t!(
                    "eligibility.explain.scope.uk_departure",
                    locale = lang,
                    airport = airport_words(f.from)
                )
                .into_owned(),
            ),
            Some((Regime::Uk261, Basis::InboundCarrier)) => parts.push(
                t!(
                    "eligibility.explain.scope.uk_inbound",
                    locale = lang,
                    country = destination,
                    carrier = carrier
                )
                .into_owned(),
            ),
            // Both ends outside: no carrier could bring the journey in (C-451/20).
            None if !sc.destination.eu261_territory() && sc.destination != Zone::Uk => parts.push(
                t!(
                    "eligibility.explain.scope.none_outside",
                    locale = lang,
                    origin = origin,
                    destination = destination
                )
                .into_owned(),
            ),
            None => parts.push(
                t!(
                    "eligibility.explain.scope.none",
                    locale = lang,
                    origin = origin,
                    destination = destination,
                    carrier = carrier
                )
                .into_owned(),
            ),
        }
        if unit_licence(d) == Licence::Unknown {
            parts.push(
                t!(
                    "eligibility.explain.unknown_carrier",
                    locale = lang,
                    carrier = carrier
                )
                .into_owned(),
            );
        }
    }
}

/// *Emirates v Schenkel* C-173/07: which journey of an outbound-and-return booking is judged.
fn journey_sentence(d: &Decision<'_>, part: usize, count: usize, lang: &str) -> String {
    let which = if part == 0 {
        t!("eligibility.journey_part.outbound", locale = lang)
    } else if part + 1 == count {
        t!("eligibility.journey_part.return", locale = lang)
    } else {
        t!(
            "eligibility.journey_part.other",
            locale = lang,
            n = part + 1
        )
    };
    let (from, to) = match (d.legs[d.unit.0], d.legs[d.unit.1]) {
        (Some(f), Some(l)) => (airport_words(f.from), airport_words(l.to)),
        _ => (String::new(), String::new()),
    };
    t!(
        "eligibility.explain.journey_split",
        locale = lang,
        part = which,
        from = from,
        to = to
    )
    .into_owned()
}

/// Art 5(3): the stated cause, extraordinary or not.
fn cause_sentence(parts: &mut Vec<String>, d: &Decision<'_>, req: &EligibilityRequest, lang: &str) {
    if let Some(reason) = req.disruption.reason
        && matches!(
            req.disruption.kind,
            DisruptionType::Delay | DisruptionType::Cancellation
        )
        && matches!(
            d.code,
            ReasonCode::ExtraordinaryCircumstances
                | ReasonCode::EligibleDelay
                | ReasonCode::EligibleDelayReduced50
                | ReasonCode::EligibleCancellation
                | ReasonCode::EligibleCancellationReduced50
        )
    {
        let (ec, authority) = reason.authority();
        let key = if ec {
            "eligibility.explain.cause_extraordinary"
        } else {
            "eligibility.explain.cause_ordinary"
        };
        parts.push(
            t!(
                key,
                locale = lang,
                cause = t!(reason_label_key(reason), locale = lang),
                authority = authority
            )
            .into_owned(),
        );
    } else if req.disruption.reason.is_none()
        && matches!(
            req.disruption.kind,
            DisruptionType::Delay | DisruptionType::Cancellation
        )
        && d.code.is_eligible()
    {
        parts.push(t!("eligibility.explain.cause_unknown", locale = lang).into_owned());
    }
}

fn outcome_sentence(d: &Decision<'_>, req: &EligibilityRequest, lang: &str) -> String {
    let amount = money(d.amount, d.currency.unwrap_or(""), lang);
    let full = d.full_amount.map_or(String::new(), |f| {
        money(f64::from(f), d.currency.unwrap_or(""), lang)
    });
    let delay = req.disruption.arrival_delay_minutes.unwrap_or(0);
    let notice = req.disruption.notice_days.unwrap_or(0);
    let key = match d.code {
        ReasonCode::EligibleDelay => "eligibility.reason.eligible_delay",
        ReasonCode::EligibleDelayReduced50 => "eligibility.reason.eligible_delay_reduced_50",
        ReasonCode::EligibleCancellation => "eligibility.reason.eligible_cancellation",
        ReasonCode::EligibleCancellationReduced50 => {
            "eligibility.reason.eligible_cancellation_reduced_50"
        }
        ReasonCode::EligibleDeniedBoarding => "eligibility.reason.eligible_denied_boarding",
        ReasonCode::EligibleDeniedBoardingReduced50 => {
            "eligibility.reason.eligible_denied_boarding_reduced_50"
        }
        ReasonCode::EligibleDowngradeRefund => {
            let key = if d.fare_share {
                "eligibility.reason.eligible_downgrade_refund_fare_share"
            } else {
                "eligibility.reason.eligible_downgrade_refund"
            };
            return t!(
                key,
                locale = lang,
                amount = amount,
                percent = d.refund_percent.unwrap_or(0)
            )
            .into_owned();
        }
        ReasonCode::NotInScope => "eligibility.reason.not_in_scope",
        ReasonCode::NotInScopeFreeOrNonpublicFare => {
            "eligibility.reason.not_in_scope_free_or_nonpublic_fare"
        }
        ReasonCode::NotInScopeNoConfirmedReservation => {
            "eligibility.reason.not_in_scope_no_confirmed_reservation"
        }
        ReasonCode::NotInScopeLateCheckin => "eligibility.reason.not_in_scope_late_checkin",
        ReasonCode::DelayBelow3h => "eligibility.reason.delay_below_3h",
        ReasonCode::CancellationNotice14dPlus => "eligibility.reason.cancellation_notice_14d_plus",
        ReasonCode::CancellationRerouteWithinLimits => {
            "eligibility.reason.cancellation_reroute_within_limits"
        }
        ReasonCode::ExtraordinaryCircumstances => "eligibility.reason.extraordinary_circumstances",
        ReasonCode::DbVoluntary => "eligibility.reason.db_voluntary",
        ReasonCode::DbReasonableGrounds => "eligibility.reason.db_reasonable_grounds",
        ReasonCode::SeparateBookingsNoQualifyingLeg => {
            "eligibility.reason.separate_bookings_no_qualifying_leg"
        }
        ReasonCode::TimeBarred => "eligibility.reason.time_barred",
    };
    t!(
        key,
        locale = lang,
        amount = amount,
        full = full,
        minutes = delay,
        days = notice
    )
    .into_owned()
}

/// Every translation key used by the engine (for the completeness test).
pub const KEYS: &[&str] = &[
    "eligibility.explain.separate_bookings",
    "eligibility.explain.separate_booking_assessed",
    "eligibility.explain.connecting",
    "eligibility.explain.journey_split",
    "eligibility.journey_part.outbound",
    "eligibility.journey_part.return",
    "eligibility.journey_part.other",
    "eligibility.explain.licence",
    "eligibility.explain.licence_source.declared",
    "eligibility.explain.licence_source.flight_number",
    "eligibility.licence.community",
    "eligibility.licence.community_uk_before_exit",
    "eligibility.licence.eea_ch",
    "eligibility.licence.uk",
    "eligibility.licence.third",
    "eligibility.explain.first_leg_carrier_liable",
    "eligibility.explain.scope.via_eu",
    "eligibility.explain.scope.none_outside",
    "eligibility.explain.brought_forward",
    "eligibility.forum.gb_default",
    "eligibility.forum.gb_eaw",
    "eligibility.forum.gb_eng",
    "eligibility.forum.gb_wls",
    "eligibility.forum.gb_sct",
    "eligibility.forum.gb_nir",
    "eligibility.explain.brought_forward_no_reduction",
    "eligibility.explain.reroute_failed_departure",
    "eligibility.explain.reroute_failed_arrival",
    "eligibility.article.art_5_1_c_ii",
    "eligibility.article.art_5_1_c_iii",
    "eligibility.explain.scope.eu_departure",
    "eligibility.explain.scope.eu_inbound",
    "eligibility.explain.scope.uk_departure",
    "eligibility.explain.scope.uk_inbound",
    "eligibility.explain.scope.none",
    "eligibility.explain.unknown_carrier",
    "eligibility.explain.distance",
    "eligibility.explain.downgrade_distance",
    "eligibility.explain.cause_extraordinary",
    "eligibility.explain.cause_ordinary",
    "eligibility.explain.cause_unknown",
    "eligibility.explain.alternative",
    "eligibility.explain.deadline_end_of_year",
    "eligibility.explain.deadline_event",
    "eligibility.explain.deadline_unknown",
    "eligibility.reason.eligible_delay",
    "eligibility.reason.eligible_delay_reduced_50",
    "eligibility.reason.eligible_cancellation",
    "eligibility.reason.eligible_cancellation_reduced_50",
    "eligibility.reason.eligible_denied_boarding",
    "eligibility.reason.eligible_denied_boarding_reduced_50",
    "eligibility.reason.eligible_downgrade_refund",
    "eligibility.reason.eligible_downgrade_refund_fare_share",
    "eligibility.reason.not_in_scope",
    "eligibility.reason.not_in_scope_free_or_nonpublic_fare",
    "eligibility.reason.not_in_scope_no_confirmed_reservation",
    "eligibility.reason.not_in_scope_late_checkin",
    "eligibility.reason.delay_below_3h",
    "eligibility.reason.cancellation_notice_14d_plus",
    "eligibility.reason.cancellation_reroute_within_limits",
    "eligibility.reason.extraordinary_circumstances",
    "eligibility.reason.db_voluntary",
    "eligibility.reason.db_reasonable_grounds",
    "eligibility.reason.separate_bookings_no_qualifying_leg",
    "eligibility.reason.time_barred",
    "eligibility.error.invalid_json",
    "eligibility.error.missing_field",
    "eligibility.error.invalid_type",
    "eligibility.error.invalid_value",
    "eligibility.error.negative_value",
    "eligibility.error.unknown_reason",
    "eligibility.error.unknown_airport",
    "eligibility.error.arrival_before_departure",
    "eligibility.error.invalid_flight_number",
    "eligibility.error.too_many_legs",
    "eligibility.error.not_a_downgrade",
    "eligibility.error.same_airport",
    "eligibility.error.retired_airport",
];
