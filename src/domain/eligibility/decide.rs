//! The decision: resolve airports and times, cut the journey into bookings, apply scope,
//! Art 3(2)/(3), the disruption rule of every applicable regime, and limitation. Allocation
//! free on the normal path; the explanation text is rendered separately.

use chrono::NaiveDate;

use super::bands::{Band, compensation_band, distance_km, downgrade_band};
use super::disruption::{self, RuleOutcome};
use super::error::RequestError;
use super::journeys::journey_of;
use super::limitation::{Deadline, deadline, is_time_barred};
use super::request::{Booking, DisruptionType, EligibilityRequest, Leg, MAX_LEGS, TicketType};
use super::response::ReasonCode;
use super::ruleset::{Regime, RuleSet, ruleset_for};
use super::scope::{Licence, Scope, Zone, is_french_overseas_department, licence, scope, zone};
use super::time::local_to_utc;
use crate::refdata::{Airline, Airport, RefData};

/// One leg with its airports and UTC departure.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedLeg<'a> {
    pub leg: &'a Leg,
    pub from: &'a Airport,
    pub to: &'a Airport,
    pub dep_utc: i64,
    pub arr_utc: i64,
    pub carrier: &'a str,
    pub airline: Option<&'a Airline>,
}

/// The decision, before any text is produced.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub code: ReasonCode,
    /// Regime paid (only when eligible).
    pub regime: Option<Regime>,
    pub amount: f64,
    pub currency: Option<&'a str>,
    pub full_amount: Option<u32>,
    pub refund_percent: Option<u32>,
    /// Second regime that also pays (never cumulated): regime, amount, currency.
    pub alternative: Option<(Regime, f64, &'a str)>,
    /// First departure → final destination of the journey, 0.1 km: the whole booking, or
    /// the part judged when a single booking turns back (*Schenkel* C-173/07).
    pub distance_km: f64,
    /// Operating carrier of the disrupted leg, when something is owed (Art 3(5)).
    pub liable_carrier: Option<&'a str>,
    pub deadline: Option<Deadline<'a>>,
    pub claim_date: NaiveDate,
    /// The booking assessed (first and last leg index): the whole journey for a single
    /// booking, one leg for separate bookings.
    pub unit: (usize, usize),
    /// When one booking holds an outbound and a return (*Emirates v Schenkel* C-173/07):
    /// `(part judged, number of parts)`; `None` for one journey.
    pub journey: Option<(usize, usize)>,
    /// Scope of that booking (`None` when no leg had a qualifying delay).
    pub scope: Option<Scope>,
    /// Regime whose rules produced `code` (also set when not eligible but in scope).
    pub assessed_regime: Option<Regime>,
    pub band: Option<Band>,
    /// Distance of the booking assessed (band basis).
    pub unit_distance_km: f64,
    /// Downgrades: distance of the downgraded flight and whether the Mennens fare share was used.
    pub downgrade_leg_km: Option<f64>,
    pub fare_share: bool,
    /// Index of the disrupted leg in the request.
    pub disrupted_leg: usize,
    pub legs: [Option<ResolvedLeg<'a>>; MAX_LEGS],
    pub leg_count: usize,
}

fn lookup<'d, T: ?Sized>(code: &str, find: impl Fn(&str) -> Option<&'d T>) -> Option<&'d T> {
    find(code).or_else(|| {
        if code.bytes().any(|b| b.is_ascii_lowercase()) {
            find(&code.to_ascii_uppercase())
        } else {
            None
        }
    })
}

fn resolve<'a>(
    req: &'a EligibilityRequest,
    data: &'a RefData,
) -> Result<[Option<ResolvedLeg<'a>>; MAX_LEGS], RequestError> {
    let mut out = [None; MAX_LEGS];
    for (i, leg) in req.legs.iter().enumerate() {
        // A code means the airport it meant on the flight's date (retired codes included).
        let airport = |field: &str, code: &str, date: NaiveDate| {
            data.airport_on(code, date).map_err(|retired| {
                let path = format!("legs[{i}].{field}");
                match retired {
                    Some(r) => RequestError::new(
                        "unknown_airport",
                        path,
                        "eligibility.error.retired_airport",
                    )
                    .arg("code", code)
                    .arg("until", r.valid_to.to_string())
                    .arg("replacement", r.replaced_by.clone()),
                    None => RequestError::new(
                        "unknown_airport",
                        path,
                        "eligibility.error.unknown_airport",
                    )
                    .arg("code", code),
                }
            })
        };
        let from = airport(
            "from_iata",
            &leg.from_iata,
            leg.scheduled_departure_local.date(),
        )?;
        let to = airport("to_iata", &leg.to_iata, leg.scheduled_arrival_local.date())?;
        let bad_time = |field: &str| {
            RequestError::invalid_value(
                format!("legs[{i}].{field}"),
                "an existing local time at the airport",
            )
        };
        let dep = local_to_utc(from.tz, leg.scheduled_departure_local)
            .ok_or_else(|| bad_time("scheduled_departure_local"))?;
        let arr = local_to_utc(to.tz, leg.scheduled_arrival_local)
            .ok_or_else(|| bad_time("scheduled_arrival_local"))?;
        if arr < dep {
            return Err(RequestError::new(
                "arrival_before_departure",
                format!("legs[{i}].scheduled_arrival_local"),
                "eligibility.error.arrival_before_departure",
            ));
        }
        let carrier = leg.operating_carrier();
        out[i] = Some(ResolvedLeg {
            leg,
            from,
            to,
            dep_utc: dep.timestamp(),
            arr_utc: arr.timestamp(),
            carrier,
            airline: lookup(carrier, |c| data.airline(c)),
        });
    }
    Ok(out)
}

/// A delay, a denied boarding or a downgrade happens on the day of the flight: a journey that
/// has not started by the claim date has none to judge (a cancellation can be announced
/// ahead, and stays judged).
fn refuse_what_has_not_happened(
    req: &EligibilityRequest,
    claim_date: NaiveDate,
) -> Result<(), RequestError> {
    let first_day = req.legs[0].scheduled_departure_local.date();
    if req.disruption.kind != DisruptionType::Cancellation && first_day > claim_date {
        return Err(RequestError::new(
            "flight_in_future",
            "legs[0].scheduled_departure_local",
            "eligibility.error.flight_in_future",
        )
        .arg("date", first_day.to_string()));
    }
    Ok(())
}

/// Decides a request. `today` is the default claim date.
pub fn decide<'a>(
    req: &'a EligibilityRequest,
    data: &'a RefData,
    today: NaiveDate,
) -> Result<Decision<'a>, RequestError> {
    req.validate()?;
    let legs = resolve(req, data)?;
    let n = req.legs.len();
    let leg = |i: usize| legs[i].expect("resolved legs 0..n");
    let distance = distance_km(leg(0).from, leg(n - 1).to);
    let disrupted = req.disrupted_leg();
    let claim_date = req.claim_date.unwrap_or(today);
    refuse_what_has_not_happened(req, claim_date)?;
    let mut base = Decision {
        code: ReasonCode::NotInScope,
        regime: None,
        amount: 0.0,
        currency: None,
        full_amount: None,
        refund_percent: None,
        alternative: None,
        distance_km: distance,
        liable_carrier: None,
        deadline: None,
        claim_date,
        unit: (0, n - 1),
        journey: None,
        scope: None,
        assessed_regime: None,
        band: None,
        unit_distance_km: distance,
        downgrade_leg_km: None,
        fare_share: false,
        disrupted_leg: disrupted,
        legs,
        leg_count: n,
    };
    let (first, last, part, parts) = journey_of(&base.legs[..n], disrupted);
    if parts > 1 {
        // Never report the 0 km of an out-and-back itinerary (Schenkel C-173/07).
        base.distance_km = distance_km(leg(first).from, leg(last).to);
        base.unit_distance_km = base.distance_km;
    }
    if req.booking == Booking::Separate && n > 1 {
        if req.disruption.kind == DisruptionType::Delay {
            return Ok(separate_delays(req, data, &base));
        }
        base.unit = (disrupted, disrupted);
        base.unit_distance_km = distance_km(leg(disrupted).from, leg(disrupted).to);
    } else if parts > 1 {
        base.unit = (first, last);
        base.journey = Some((part, parts));
    }
    let delay = req.disruption.arrival_delay_minutes.unwrap_or(0);
    Ok(assess(req, data, base, delay))
}

/// Separate bookings: each booking (here: each leg) is judged alone with its own arrival
/// delay; no aggregation (Art 2(h), *Folkerts* C-11/11 needs one booking). The best
/// qualifying booking is reported.
fn separate_delays<'a>(
    req: &'a EligibilityRequest,
    data: &'a RefData,
    base: &Decision<'a>,
) -> Decision<'a> {
    let per_leg = req
        .disruption
        .per_leg_arrival_delay_minutes
        .as_deref()
        .unwrap_or(&[]);
    let mut best: Option<Decision<'a>> = None;
    let mut first_candidate: Option<Decision<'a>> = None;
    for (i, &delay) in per_leg.iter().enumerate().take(base.leg_count) {
        let Some(l) = base.legs[i] else { continue };
        let mut unit = *base;
        unit.unit = (i, i);
        unit.disrupted_leg = i;
        let (jf, jl, _, parts) = journey_of(&base.legs[..base.leg_count], i);
        if let (true, Some(f), Some(t)) = (parts > 1, base.legs[jf], base.legs[jl]) {
            unit.distance_km = distance_km(f.from, t.to);
        }
        unit.unit_distance_km = distance_km(l.from, l.to);
        let d = assess(req, data, unit, delay);
        if d.code.is_eligible() {
            if best.is_none_or(|b| d.amount > b.amount) {
                best = Some(d);
            }
        } else if first_candidate.is_none() && d.code != ReasonCode::DelayBelow3h && delay >= 180 {
            first_candidate = Some(d);
        }
    }
    best.or(first_candidate).unwrap_or(Decision {
        code: ReasonCode::SeparateBookingsNoQualifyingLeg,
        ..*base
    })
}

/// Judges one booking (`base.unit`) under every regime that covers it.
fn assess<'a>(
    req: &'a EligibilityRequest,
    data: &'a RefData,
    mut d: Decision<'a>,
    delay: i64,
) -> Decision<'a> {
    let first = d.legs[d.unit.0].expect("unit start resolved");
    let last = d.legs[d.unit.1].expect("unit end resolved");
    let at = first.dep_utc;
    // Art 3(1)(b) and UK261 Art 3(1)(b): the licence of the carrier operating "the flight
    // concerned", the flight on which the disruption happened.
    let concerned = d.legs[d.disrupted_leg].expect("disrupted leg resolved");
    let lic = licence(data, concerned.carrier, concerned.dep_utc);
    let sc = scope(data, first.from, last.to, lic, at);
    d.scope = Some(sc);
    let regimes = sc.regimes();
    if regimes.iter().all(Option::is_none) {
        d.code = ReasonCode::NotInScope;
        return d;
    }
    if let Some(code) = passenger_bar(req) {
        d.code = code;
        d.assessed_regime = regimes[0];
        return d;
    }
    let mut outcomes: [Option<(Regime, RuleOutcome, &'a str, Band)>; 2] = [None, None];
    for (slot, regime) in outcomes.iter_mut().zip(regimes) {
        let Some(regime) = regime else { continue };
        let Some(rs) = ruleset_for(regime, at) else {
            continue;
        };
        let band = compensation_band(d.unit_distance_km, sc.intra(regime), rs);
        let (outcome, currency, band) = apply_rules(req, data, &mut d, regime, rs, band, delay);
        *slot = Some((regime, outcome, currency, band));
    }
    let [primary, other] = outcomes;
    let (main, alt) = match (primary, other) {
        (None, None) => {
            d.code = ReasonCode::NotInScope;
            return d;
        }
        (Some(a), None) | (None, Some(a)) => (a, None),
        // A regime that pays beats one that does not; otherwise the departure airport's.
        (Some(a), Some(b)) if !a.1.eligible() && b.1.eligible() => (b, Some(a)),
        (Some(a), Some(b)) => (a, Some(b)),
    };
    let (regime, outcome, currency, band) = main;
    d.assessed_regime = Some(regime);
    d.band = Some(band);
    d.code = outcome.code;
    if let Some(forum) = req.forum_country.as_deref() {
        let event = first.leg.scheduled_departure_local.date();
        d.deadline = deadline(data, forum, event);
    }
    if !outcome.eligible() {
        d.deadline = None;
        return d;
    }
    if let Some(dl) = d.deadline
        && is_time_barred(&dl, d.claim_date)
    {
        d.code = ReasonCode::TimeBarred;
        return d;
    }
    d.regime = Some(regime);
    d.amount = outcome.amount;
    d.currency = Some(currency);
    d.full_amount = outcome.full_amount;
    d.refund_percent = outcome.refund_percent;
    d.liable_carrier = d.legs[d.disrupted_leg].map(|l| l.carrier);
    d.alternative = alt
        .filter(|a| a.1.eligible())
        .map(|(r, o, c, _)| (r, o.amount, c));
    d
}

/// Art 3(2)/(3): free or non-public fares, no confirmed reservation, late check-in (not
/// required for cancellations).
fn passenger_bar(req: &EligibilityRequest) -> Option<ReasonCode> {
    let p = &req.passenger;
    if matches!(
        p.ticket_type,
        TicketType::StaffFree | TicketType::NonPublicReduced
    ) {
        Some(ReasonCode::NotInScopeFreeOrNonpublicFare)
    } else if !p.confirmed_reservation {
        Some(ReasonCode::NotInScopeNoConfirmedReservation)
    } else if !p.checked_in_on_time && req.disruption.kind != DisruptionType::Cancellation {
        Some(ReasonCode::NotInScopeLateCheckin)
    } else {
        None
    }
}

/// The disruption rule under one rule set: outcome, currency and the band it used.
fn apply_rules<'a>(
    req: &'a EligibilityRequest,
    data: &'a RefData,
    d: &mut Decision<'a>,
    regime: Regime,
    rs: &'static RuleSet,
    band: Band,
    delay: i64,
) -> (RuleOutcome, &'a str, Band) {
    let dis = &req.disruption;
    match dis.kind {
        DisruptionType::Delay => (
            disruption::delay(rs, band, delay, dis.reason),
            rs.currency,
            band,
        ),
        DisruptionType::Cancellation => {
            let notice = dis.notice_days.unwrap_or(0);
            let o = disruption::cancellation(rs, band, notice, dis.reroute.as_ref(), dis.reason);
            (o, rs.currency, band)
        }
        DisruptionType::DeniedBoarding => {
            let voluntary = dis.voluntary.unwrap_or(false);
            let o =
                disruption::denied_boarding(rs, band, voluntary, dis.reroute.as_ref(), dis.reason);
            (o, rs.currency, band)
        }
        DisruptionType::Downgrade => {
            let (dg_band, price) = downgrade_basis(req, data, d, regime, rs);
            let currency = dis.price_currency.as_deref().unwrap_or(rs.currency);
            (disruption::downgrade(rs, dg_band, price), currency, dg_band)
        }
    }
}

/// Art 10(2) band and price of the downgraded flight: its own distance and endpoints;
/// price = the flight's price excluding taxes, or, when the ticket does not show it, the
/// fare share by distance (*Mennens* C-255/15: flight distance / total distance of the
/// booking's flights).
fn downgrade_basis(
    req: &EligibilityRequest,
    data: &RefData,
    d: &mut Decision<'_>,
    regime: Regime,
    rs: &RuleSet,
) -> (Band, f64) {
    let dis = &req.disruption;
    let ix = d.disrupted_leg;
    let l = d.legs[ix].expect("downgraded leg resolved");
    let leg_km = distance_km(l.from, l.to);
    let at = l.dep_utc;
    let (zf, zt) = (zone(data, l.from, at), zone(data, l.to, at));
    let intra = match regime {
        Regime::Eu261 => zf.eu261_territory() && zt.eu261_territory(),
        Regime::Uk261 => zf == Zone::Uk && zt == Zone::Uk,
    };
    let (df, dt) = (
        is_french_overseas_department(&l.from.country),
        is_french_overseas_department(&l.to.country),
    );
    let europe_dom = (df && !dt && zt.eu261_territory()) || (dt && !df && zf.eu261_territory());
    let band = downgrade_band(leg_km, intra, europe_dom, rs);
    d.downgrade_leg_km = Some(leg_km);
    let price = match (
        dis.flight_price_excl_taxes,
        dis.per_flight_price_shown_on_ticket,
    ) {
        (Some(p), shown) if shown != Some(false) => p,
        _ => {
            let total_fare = dis.ticket_total_fare_excl_taxes.unwrap_or(0.0);
            // The ticket's fare covers every flight of a single booking, return included.
            let (a, b) = if req.booking == Booking::Single {
                (0, d.leg_count - 1)
            } else {
                d.unit
            };
            let total_km: f64 = (a..=b)
                .filter_map(|i| d.legs[i])
                .map(|x| distance_km(x.from, x.to))
                .sum();
            d.fare_share = true;
            if total_km > 0.0 {
                total_fare * leg_km / total_km
            } else {
                total_fare
            }
        }
    };
    (band, price)
}

/// Licence of the carrier operating the disrupted flight, for the explanation.
pub fn unit_licence(d: &Decision<'_>) -> Licence {
    d.scope.map_or(Licence::Unknown, |s| s.licence)
}
