//! Steps 2 and 3: what happened, asked in plain words, turned into the contract's
//! `disruption`. Hours and minutes become minutes; "I don't know" becomes a `null` reason
//! (the carrier must prove extraordinary circumstances, so it is not held against the passenger).

use serde::Serialize;

use super::form::{CheckForm, DelayForm, Errors, Field, val};
use crate::domain::eligibility::{
    Booking, CabinClass, Disruption, DisruptionType, Leg, Reason, Reroute,
};
use crate::i18n::translate;

/// Largest number of hours accepted for a delay or a rerouting (a bit over four days).
pub const MAX_HOURS: i64 = 99;
/// Largest notice period accepted, in days.
pub const MAX_NOTICE_DAYS: i64 = 365;
/// Largest price accepted (a typo guard, in the ticket's currency).
pub const MAX_PRICE: f64 = 1_000_000.0;

/// The `reason` choices, most common first; `unknown` maps to `null`.
pub const REASONS: [&str; 28] = [
    "unknown",
    "technical",
    "weather",
    "crew_scheduling",
    "crew_illness_or_death",
    "own_staff_strike",
    "atc_strike",
    "airport_staff_strike",
    "air_traffic_management",
    "bird_strike",
    "security",
    "medical_emergency",
    "unruly_passenger",
    "political_instability",
    "overbooking",
    "seat_reallocated",
    "commercial_schedule_change",
    "inadequate_travel_documents",
    "health_or_safety_refusal",
    "hidden_manufacturing_defect",
    "wildcat_strike",
    "rescheduling_after_airport_strike",
    "airport_fuel_system_failure",
    "runway_foreign_object",
    "runway_fuel_spill",
    "volcanic_ash",
    "ground_equipment_collision",
    "other",
];

/// Reasons that only explain a denied boarding (a full flight, the seat given away, the
/// passenger's papers or health): not offered for a delay, a cancellation or a downgrade.
const DENIED_BOARDING_ONLY: [&str; 4] = [
    "overbooking",
    "seat_reallocated",
    "inadequate_travel_documents",
    "health_or_safety_refusal",
];

/// The reasons step 3 offers for `kind`, most common first.
pub fn reasons_for(kind: DisruptionType) -> Vec<&'static str> {
    REASONS
        .into_iter()
        .filter(|r| kind == DisruptionType::DeniedBoarding || !DENIED_BOARDING_ONLY.contains(r))
        .collect()
}

/// Cabin classes, lowest first, as the form's select lists them.
pub const CLASSES: [&str; 4] = ["economy", "premium_economy", "business", "first"];

/// Currencies offered for a downgrade refund (EEA, Swiss and UK currencies, and USD).
pub const CURRENCIES: [&str; 12] = [
    "EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "ISK", "USD",
];

/// The disruption types, in the order step 2 lists them.
pub const KINDS: [&str; 4] = ["delay", "cancellation", "denied_boarding", "downgrade"];

pub fn kind_of(s: &str) -> Option<DisruptionType> {
    match s {
        "delay" => Some(DisruptionType::Delay),
        "cancellation" => Some(DisruptionType::Cancellation),
        "denied_boarding" => Some(DisruptionType::DeniedBoarding),
        "downgrade" => Some(DisruptionType::Downgrade),
        _ => None,
    }
}

pub fn kind_str(k: DisruptionType) -> &'static str {
    match k {
        DisruptionType::Delay => "delay",
        DisruptionType::Cancellation => "cancellation",
        DisruptionType::DeniedBoarding => "denied_boarding",
        DisruptionType::Downgrade => "downgrade",
    }
}

/// Step 2: the kind of disruption.
pub fn check_what(form: &CheckForm, lang: &str, errors: &mut Errors) -> Option<DisruptionType> {
    let kind = kind_of(val(&form.what));
    if kind.is_none() {
        errors.add("what", translate(lang, "check.error.what_required", &[]));
    }
    kind
}

/// A value that is there but not acceptable (the caller says why, next to the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

/// A whole number in `0..=max`; `Ok(None)` when empty.
fn number(s: &str, max: i64) -> Result<Option<i64>, Invalid> {
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        _ => Err(Invalid),
    }
}

/// Hours and minutes as minutes: `Ok(None)` when both are empty, `Err` when either is
/// invalid (with an error on the offending field).
fn duration(
    (h_id, h): (&str, &Option<String>),
    (m_id, m): (&str, &Option<String>),
    lang: &str,
    errors: &mut Errors,
) -> Result<Option<i64>, Invalid> {
    let hours = number(val(h), MAX_HOURS).inspect_err(|_| {
        let max = MAX_HOURS.to_string();
        errors.add(
            h_id,
            translate(lang, "check.error.hours_invalid", &[("max", &max)]),
        );
    });
    let minutes = number(val(m), 59).inspect_err(|_| {
        errors.add(m_id, translate(lang, "check.error.minutes_invalid", &[]));
    });
    match (hours?, minutes?) {
        (None, None) => Ok(None),
        (h, m) => Ok(Some(h.unwrap_or(0) * 60 + m.unwrap_or(0))),
    }
}

/// A duration that must be given: `None` (with `missing_key` on `h_id`) when empty.
fn required_duration(
    h: (&str, &Option<String>),
    m: (&str, &Option<String>),
    missing_key: &str,
    lang: &str,
    errors: &mut Errors,
) -> Option<i64> {
    let h_id = h.0;
    let value = duration(h, m, lang, errors).ok()?;
    if value.is_none() {
        errors.add(h_id, translate(lang, missing_key, &[]));
    }
    value
}

fn yes_no(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// Parses the reason select: `unknown` (or nothing) is `None`, anything else must be a
/// contract value.
pub fn reason_of(s: &str) -> Result<Option<Reason>, Invalid> {
    match s {
        "" | "unknown" => Ok(None),
        other => Reason::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == other)
            .map(Some)
            .ok_or(Invalid),
    }
}

fn class_of(s: &str) -> Option<CabinClass> {
    match s {
        "economy" => Some(CabinClass::Economy),
        "premium_economy" => Some(CabinClass::PremiumEconomy),
        "business" => Some(CabinClass::Business),
        "first" => Some(CabinClass::First),
        _ => None,
    }
}

/// A price as typed (`400`, `400.50`, `400,50`, `1 200`).
pub fn parse_price(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|p| p.is_finite() && *p > 0.0 && *p <= MAX_PRICE)
}

fn empty_disruption(kind: DisruptionType) -> Disruption {
    Disruption {
        kind,
        disrupted_leg: None,
        arrival_delay_minutes: None,
        actual_arrival_local: None,
        per_leg_arrival_delay_minutes: None,
        notice_days: None,
        notice_given_local: None,
        reroute: None,
        voluntary: None,
        reason: None,
        booked_class: None,
        flown_class: None,
        downgraded_leg: None,
        flight_price_excl_taxes: None,
        price_currency: None,
        ticket_total_fare_excl_taxes: None,
        per_flight_price_shown_on_ticket: None,
    }
}

/// Step 3: the details of `kind`, as the contract's disruption. `None` when something is
/// missing or wrong (the errors say what).
pub fn check_details(
    form: &CheckForm,
    legs: &[Leg],
    booking: Booking,
    kind: DisruptionType,
    lang: &str,
    errors: &mut Errors,
) -> Option<Disruption> {
    let mut d = empty_disruption(kind);
    let n = legs.len();
    let before = errors.0.len();
    if kind != DisruptionType::Delay && n > 1 {
        match val(&form.disrupted_leg).parse::<usize>() {
            Ok(i) if i < n => d.disrupted_leg = Some(i),
            _ => errors.add(
                "disrupted-leg",
                translate(lang, "check.error.disrupted_leg_required", &[]),
            ),
        }
    }
    if kind != DisruptionType::Downgrade {
        match reason_of(val(&form.reason)) {
            Ok(r) => d.reason = r,
            Err(Invalid) => {
                errors.add("reason", translate(lang, "check.error.reason_invalid", &[]));
            }
        }
    }
    match kind {
        DisruptionType::Delay => delay(form, &mut d, booking, n, lang, errors),
        DisruptionType::Cancellation => cancellation(form, &mut d, lang, errors),
        DisruptionType::DeniedBoarding => denied_boarding(form, &mut d, lang, errors),
        DisruptionType::Downgrade => downgrade(form, &mut d, lang, errors),
    }
    (errors.0.len() == before).then_some(d)
}

fn delay(
    form: &CheckForm,
    d: &mut Disruption,
    booking: Booking,
    n: usize,
    lang: &str,
    errors: &mut Errors,
) {
    if booking == Booking::Separate && n > 1 {
        let empty = DelayForm::default();
        let mut per_leg = Vec::with_capacity(n);
        for i in 0..n {
            let f = form.leg_delays.get(i).unwrap_or(&empty);
            let (h_id, m_id) = (format!("leg-delay-{i}-h"), format!("leg-delay-{i}-m"));
            // An empty pair means "on time".
            if let Ok(v) = duration((&h_id, &f.h), (&m_id, &f.m), lang, errors) {
                per_leg.push(v.unwrap_or(0));
            }
        }
        d.per_leg_arrival_delay_minutes = Some(per_leg);
    } else {
        d.arrival_delay_minutes = required_duration(
            ("delay-h", &form.delay_h),
            ("delay-m", &form.delay_m),
            "check.error.delay_required",
            lang,
            errors,
        );
    }
}

fn reroute(
    form: &CheckForm,
    needs_departure: bool,
    lang: &str,
    errors: &mut Errors,
) -> Option<Reroute> {
    match yes_no(val(&form.reroute)) {
        None => {
            errors.add(
                "reroute",
                translate(lang, "check.error.reroute_required", &[]),
            );
            None
        }
        Some(false) => Some(Reroute {
            offered: false,
            departure_offset_minutes: None,
            arrival_delay_minutes: None,
        }),
        Some(true) => {
            let departure = if needs_departure {
                let sign = match val(&form.reroute_dep_dir) {
                    "earlier" => Some(-1),
                    "later" => Some(1),
                    _ => {
                        errors.add(
                            "reroute-dep-dir",
                            translate(lang, "check.error.reroute_dir_required", &[]),
                        );
                        None
                    }
                };
                let offset = required_duration(
                    ("reroute-dep-h", &form.reroute_dep_h),
                    ("reroute-dep-m", &form.reroute_dep_m),
                    "check.error.reroute_dep_required",
                    lang,
                    errors,
                );
                sign.zip(offset).map(|(s, v)| s * v)
            } else {
                None
            };
            let arrival = required_duration(
                ("reroute-arr-h", &form.reroute_arr_h),
                ("reroute-arr-m", &form.reroute_arr_m),
                "check.error.reroute_arr_required",
                lang,
                errors,
            );
            Some(Reroute {
                offered: true,
                departure_offset_minutes: departure,
                arrival_delay_minutes: arrival,
            })
        }
    }
}

fn cancellation(form: &CheckForm, d: &mut Disruption, lang: &str, errors: &mut Errors) {
    match number(val(&form.notice_days), MAX_NOTICE_DAYS) {
        Ok(Some(days)) => d.notice_days = Some(days),
        Ok(None) => errors.add(
            "notice-days",
            translate(lang, "check.error.notice_required", &[]),
        ),
        Err(Invalid) => {
            let max = MAX_NOTICE_DAYS.to_string();
            errors.add(
                "notice-days",
                translate(lang, "check.error.notice_invalid", &[("max", &max)]),
            );
        }
    }
    d.reroute = reroute(form, true, lang, errors);
}

fn denied_boarding(form: &CheckForm, d: &mut Disruption, lang: &str, errors: &mut Errors) {
    d.voluntary = yes_no(val(&form.voluntary));
    if d.voluntary.is_none() {
        errors.add(
            "voluntary",
            translate(lang, "check.error.voluntary_required", &[]),
        );
    }
    d.reroute = reroute(form, false, lang, errors);
}

fn downgrade(form: &CheckForm, d: &mut Disruption, lang: &str, errors: &mut Errors) {
    d.downgraded_leg = d.disrupted_leg.take();
    d.booked_class = class_of(val(&form.booked_class));
    d.flown_class = class_of(val(&form.flown_class));
    if d.booked_class.is_none() {
        errors.add(
            "booked-class",
            translate(lang, "check.error.class_required", &[]),
        );
    }
    if d.flown_class.is_none() {
        errors.add(
            "flown-class",
            translate(lang, "check.error.class_required", &[]),
        );
    }
    if let (Some(b), Some(f)) = (d.booked_class, d.flown_class)
        && f >= b
    {
        errors.add(
            "flown-class",
            translate(lang, "check.error.not_a_downgrade", &[]),
        );
    }
    let price = match val(&form.price) {
        "" => {
            errors.add("price", translate(lang, "check.error.price_required", &[]));
            None
        }
        s => parse_price(s).or_else(|| {
            errors.add("price", translate(lang, "check.error.price_invalid", &[]));
            None
        }),
    };
    let currency = val(&form.currency).to_ascii_uppercase();
    if !CURRENCIES.contains(&currency.as_str()) {
        errors.add(
            "currency",
            translate(lang, "check.error.currency_required", &[]),
        );
    }
    d.price_currency = Some(currency);
    match val(&form.price_kind) {
        "flight" => d.flight_price_excl_taxes = price,
        "ticket" => {
            d.ticket_total_fare_excl_taxes = price;
            d.per_flight_price_shown_on_ticket = Some(false);
        }
        _ => errors.add(
            "price-kind",
            translate(lang, "check.error.price_kind_required", &[]),
        ),
    }
}

/// One hours-and-minutes question per flight (separate bookings).
#[derive(Debug, Clone, Serialize)]
pub struct LegDelayView {
    pub number: usize,
    pub route: String,
    pub h: Field,
    pub m: Field,
}

/// Everything step 3 draws.
#[derive(Debug, Clone, Serialize)]
pub struct DetailsView {
    pub kind: &'static str,
    pub separate: bool,
    pub delay_h: Field,
    pub delay_m: Field,
    pub leg_delays: Vec<LegDelayView>,
    pub disrupted_leg: Field,
    pub notice_days: Field,
    pub reroute: Field,
    pub reroute_dep_dir: Field,
    pub reroute_dep_h: Field,
    pub reroute_dep_m: Field,
    pub reroute_arr_h: Field,
    pub reroute_arr_m: Field,
    pub voluntary: Field,
    pub reason: Field,
    pub booked_class: Field,
    pub flown_class: Field,
    pub price_kind: Field,
    pub price: Field,
    pub currency: Field,
}

/// Builds step 3's view; `routes` are the flights' short descriptions (`AF6 CDG → JFK`).
pub fn details_view(
    form: &CheckForm,
    kind: DisruptionType,
    booking: Booking,
    routes: &[String],
    errors: &Errors,
) -> DetailsView {
    let f = |name: &str, v: &Option<String>| Field::simple(name, v, errors);
    let empty = DelayForm::default();
    let leg_delays = routes
        .iter()
        .enumerate()
        .map(|(i, route)| {
            let d = form.leg_delays.get(i).unwrap_or(&empty);
            LegDelayView {
                number: i + 1,
                route: route.clone(),
                h: Field::new(
                    format!("leg-delay-{i}-h"),
                    format!("leg_delays[{i}].h"),
                    val(&d.h),
                    errors,
                ),
                m: Field::new(
                    format!("leg-delay-{i}-m"),
                    format!("leg_delays[{i}].m"),
                    val(&d.m),
                    errors,
                ),
            }
        })
        .collect();
    let mut currency = f("currency", &form.currency);
    if currency.value.is_empty() {
        currency.value = "EUR".into();
    }
    DetailsView {
        kind: kind_str(kind),
        separate: booking == Booking::Separate && routes.len() > 1,
        delay_h: f("delay_h", &form.delay_h),
        delay_m: f("delay_m", &form.delay_m),
        leg_delays,
        disrupted_leg: f("disrupted_leg", &form.disrupted_leg),
        notice_days: f("notice_days", &form.notice_days),
        reroute: f("reroute", &form.reroute),
        reroute_dep_dir: f("reroute_dep_dir", &form.reroute_dep_dir),
        reroute_dep_h: f("reroute_dep_h", &form.reroute_dep_h),
        reroute_dep_m: f("reroute_dep_m", &form.reroute_dep_m),
        reroute_arr_h: f("reroute_arr_h", &form.reroute_arr_h),
        reroute_arr_m: f("reroute_arr_m", &form.reroute_arr_m),
        voluntary: f("voluntary", &form.voluntary),
        reason: f("reason", &form.reason),
        booked_class: f("booked_class", &form.booked_class),
        flown_class: f("flown_class", &form.flown_class),
        price_kind: f("price_kind", &form.price_kind),
        price: f("price", &form.price),
        currency,
    }
}
