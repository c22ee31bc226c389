//! The answer page's view: the engine's response put in plain words (amount in the page's
//! number format, the deadline as a date, the explanation as a list of sentences), and the
//! way back from a token to the form ("Change my answers").

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::details::kind_str;
use super::form::{CheckForm, DelayForm, LegForm};
use crate::domain::eligibility::{
    Booking, CabinClass, DisruptionType, EligibilityRequest, EligibilityResponse, ReasonCode,
};
use crate::i18n::translate;
use crate::refdata::RefData;
use crate::search::airports::AirportIndex;

/// An amount as the page shows it: `600 €`, `120,50 €` in French, `120.50 €` in English.
pub fn money(amount: f64, currency: Option<&str>, lang: &str) -> String {
    let number = if amount.fract() == 0.0 {
        format!("{amount:.0}")
    } else {
        format!("{amount:.2}")
    };
    let number = if lang == "fr" {
        number.replace('.', ",")
    } else {
        number
    };
    let symbol = match currency {
        Some("EUR") => "€",
        Some("GBP") => "£",
        Some(other) => other,
        None => "",
    };
    format!("{number} {symbol}").trim().to_string()
}

/// A date in words: `14 mai 2030`, `14 May 2030`.
pub fn long_date(d: NaiveDate, lang: &str) -> String {
    let month = translate(lang, &format!("check.month.m{}", d.month()), &[]);
    format!("{} {month} {}", d.day(), d.year())
}

/// Splits the engine's explanation into sentences (it joins them with a space).
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(". ") {
        let next = text[i + 2..].chars().next();
        let starts_sentence = next.is_some_and(|c| c.is_uppercase() || c == '«' || c == '"');
        if starts_sentence && i + 1 > start {
            out.push(text[start..=i].trim().to_string());
            start = i + 2;
        }
    }
    if start < bytes.len() {
        out.push(text[start..].trim().to_string());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// One flight in the answer's summary.
#[derive(Debug, Clone, Serialize)]
pub struct LegSummary {
    pub flight: String,
    pub from: String,
    pub to: String,
    pub date: String,
    /// The operating carrier the passenger declared (`easyJet Europe (EC) – licence: Austria`).
    pub operated_by: Option<String>,
}

/// Short descriptions of the flights (`AF6 · Paris (CDG) → New York (JFK)`).
pub fn leg_summaries(
    legs: &[crate::domain::eligibility::Leg],
    index: &AirportIndex,
    lang: &str,
) -> Vec<LegSummary> {
    // The airport a code meant that day (IST in 2018 is Atatürk, in the city of Istanbul).
    let place = |code: &str, day| {
        index
            .get_on(code, day, lang)
            .map_or_else(|| code.to_string(), |s| format!("{} ({code})", s.city))
    };
    legs.iter()
        .map(|l| LegSummary {
            flight: l.flight_number.clone(),
            from: place(&l.from_iata, l.scheduled_departure_local.date()),
            to: place(&l.to_iata, l.scheduled_arrival_local.date()),
            date: long_date(l.scheduled_departure_local.date(), lang),
            operated_by: l
                .operating_carrier_iata
                .as_deref()
                .map(|c| super::flights::operator_label(c, lang)),
        })
        .collect()
}

/// Everything the answer page draws.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub eligible: bool,
    pub amount: String,
    pub full_amount: Option<String>,
    pub regime: &'static str,
    pub reason_code: &'static str,
    pub reasons: Vec<String>,
    pub alternatives: Vec<String>,
    pub deadline: Option<String>,
    pub forum: Option<String>,
    pub distance: String,
    pub carrier: Option<String>,
    pub kind: &'static str,
    pub legs: Vec<LegSummary>,
    pub not_in_scope: bool,
}

pub fn result_view(
    req: &EligibilityRequest,
    resp: &EligibilityResponse,
    index: &AirportIndex,
    lang: &str,
) -> ResultView {
    let data = RefData::embedded();
    let currency = resp.currency.as_deref();
    // Whole kilometres, grouped as the explanation writes them ("5 834 km").
    let distance = format!(
        "{} km",
        crate::domain::eligibility::humanize::number(resp.distance_km, 0, lang)
    );
    let carrier = resp.liable_carrier.as_deref().map(|code| {
        data.airline(code)
            .map_or_else(|| code.to_string(), |a| format!("{} ({code})", a.name))
    });
    let code = resp.reason_code;
    ResultView {
        eligible: resp.eligible,
        amount: money(resp.amount.0, currency, lang),
        full_amount: resp
            .full_amount
            .map(|f| money(f64::from(f), currency, lang)),
        regime: resp.regime.0.map_or("", |r| r.as_str()),
        reason_code: code.as_str(),
        reasons: sentences(&resp.explanation),
        alternatives: resp
            .alternatives
            .iter()
            .map(|a| {
                let sep = if lang == "fr" { " : " } else { ": " };
                let amount = money(a.amount.0, Some(&a.currency), lang);
                format!("{}{sep}{amount}", a.regime.as_str())
            })
            .collect(),
        deadline: resp.deadline.map(|d| long_date(d, lang)),
        forum: req
            .forum_country
            .as_deref()
            .map(|f| data.country_name(f.get(..2).unwrap_or(f), lang)),
        distance,
        carrier,
        kind: kind_str(req.disruption.kind),
        legs: leg_summaries(&req.legs, index, lang),
        not_in_scope: matches!(
            code,
            ReasonCode::NotInScope
                | ReasonCode::NotInScopeFreeOrNonpublicFare
                | ReasonCode::NotInScopeNoConfirmedReservation
                | ReasonCode::NotInScopeLateCheckin
        ),
    }
}

fn hm(minutes: Option<i64>) -> (Option<String>, Option<String>) {
    match minutes {
        Some(m) if m >= 0 => (Some((m / 60).to_string()), Some((m % 60).to_string())),
        _ => (None, None),
    }
}

fn class_str(c: Option<CabinClass>) -> Option<String> {
    c.map(|c| {
        match c {
            CabinClass::Economy => "economy",
            CabinClass::PremiumEconomy => "premium_economy",
            CabinClass::Business => "business",
            CabinClass::First => "first",
        }
        .to_string()
    })
}

/// The form that produces `req`, to change one's answers from the answer page.
pub fn form_from_request(req: &EligibilityRequest, index: &AirportIndex, lang: &str) -> CheckForm {
    let label = |code: &str| {
        index
            .get(code, lang)
            .map_or_else(|| code.to_string(), |s| s.label)
    };
    let d = &req.disruption;
    let mut form = CheckForm {
        booking: Some(
            match req.booking {
                Booking::Single => "single",
                Booking::Separate => "separate",
            }
            .into(),
        ),
        legs: req
            .legs
            .iter()
            .map(|l| LegForm {
                flight: Some(l.flight_number.clone()),
                date: Some(l.scheduled_departure_local.format("%Y-%m-%d").to_string()),
                from: Some(label(&l.from_iata)),
                from_iata: Some(l.from_iata.clone()),
                from_choice: None,
                to: Some(label(&l.to_iata)),
                to_iata: Some(l.to_iata.clone()),
                to_choice: None,
                dep_time: Some(l.scheduled_departure_local.format("%H:%M").to_string()),
                arr_time: Some(l.scheduled_arrival_local.format("%H:%M").to_string()),
                operated_by: l.operating_carrier_iata.clone(),
            })
            .collect(),
        what: Some(kind_str(d.kind).into()),
        disrupted_leg: d.downgraded_leg.or(d.disrupted_leg).map(|i| i.to_string()),
        notice_days: d.notice_days.map(|n| n.to_string()),
        voluntary: d.voluntary.map(|v| if v { "yes" } else { "no" }.into()),
        reason: Some(d.reason.map_or("unknown", |r| r.as_str()).into()),
        booked_class: class_str(d.booked_class),
        flown_class: class_str(d.flown_class),
        ..CheckForm::default()
    };
    (form.delay_h, form.delay_m) = hm(d.arrival_delay_minutes);
    form.leg_delays = d
        .per_leg_arrival_delay_minutes
        .iter()
        .flatten()
        .map(|m| {
            let (h, m) = hm(Some(*m));
            DelayForm { h, m }
        })
        .collect();
    if let Some(r) = &d.reroute {
        form.reroute = Some(if r.offered { "yes" } else { "no" }.into());
        if let Some(off) = r.departure_offset_minutes {
            form.reroute_dep_dir = Some(if off < 0 { "earlier" } else { "later" }.into());
            (form.reroute_dep_h, form.reroute_dep_m) = hm(Some(off.abs()));
        }
        (form.reroute_arr_h, form.reroute_arr_m) = hm(r.arrival_delay_minutes);
    }
    if d.kind == DisruptionType::Downgrade {
        form.currency.clone_from(&d.price_currency);
        if let Some(p) = d
            .ticket_total_fare_excl_taxes
            .filter(|_| d.flight_price_excl_taxes.is_none())
        {
            form.price_kind = Some("ticket".into());
            form.price = Some(p.to_string());
        } else if let Some(p) = d.flight_price_excl_taxes {
            form.price_kind = Some("flight".into());
            form.price = Some(p.to_string());
        }
    }
    form
}
