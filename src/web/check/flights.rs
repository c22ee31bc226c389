//! Step 1, the flights: flight numbers (normalised with `parse_flight_number`), dates, airports
//! (the widget's code, else the typed text resolved with `AirportIndex::resolve`), scheduled
//! times. The arrival date is not asked: it is the one that makes the flight last between
//! 0 and [`MAX_BLOCK_HOURS`] hours once both times are in UTC (no scheduled flight is longer).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

use super::form::{CheckForm, Errors, Field, LegForm, val};
use crate::domain::eligibility::time::local_to_utc;
use crate::domain::eligibility::{Booking, Leg};
use crate::domain::flight::parse_flight_number;
use crate::i18n::translate;
use crate::refdata::RefData;
use crate::search::airports::{AirportIndex, Resolution, Suggestion};

/// Longest scheduled block time considered (the longest flights are about 19 h).
pub const MAX_BLOCK_HOURS: i64 = 22;

/// Regulation 261/2004 applies to flights from 17 February 2005 (Art 19).
pub fn first_covered_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2005, 2, 17).unwrap_or(NaiveDate::MIN)
}

/// An airport the passenger may have meant, offered as a radio button.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
}

/// One airport field: the text input, the hidden code the widget fills, and the choices
/// offered when the text was ambiguous.
#[derive(Debug, Clone, Serialize)]
pub struct AirportView {
    pub field: Field,
    pub code_name: String,
    pub code: String,
    pub choice_name: String,
    pub choices: Vec<Choice>,
}

/// One flight of step 1.
#[derive(Debug, Clone, Serialize)]
pub struct LegView {
    pub number: usize,
    pub flight: Field,
    pub date: Field,
    pub from: AirportView,
    pub to: AirportView,
    pub dep_time: Field,
    pub arr_time: Field,
    /// "Operated by", when the designator is a group's.
    pub operated_by: Option<OperatedByView>,
}

/// The "operated by" radios of one flight: the licences sold under its designator.
#[derive(Debug, Clone, Serialize)]
pub struct OperatedByView {
    pub id: String,
    pub name: String,
    /// The designator, as the legend says it.
    pub designator: String,
    /// The code checked: the answer, else the group's default.
    pub value: String,
    /// True when the passenger has not answered yet (the page says why it asks).
    pub asked: bool,
    pub options: Vec<Choice>,
}

/// Which end of a flight an airport field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    From,
    To,
}

impl End {
    fn key(self) -> &'static str {
        match self {
            End::From => "from",
            End::To => "to",
        }
    }
}

/// The result of checking step 1.
#[derive(Debug, Default)]
pub struct Flights {
    /// The contract's legs; complete only when no error was found.
    pub legs: Vec<Leg>,
    pub booking: Booking,
    /// Airports to choose from, per (leg, end).
    pub choices: Vec<(usize, End, Vec<Suggestion>)>,
    /// Carrier codes we do not know (accepted: only the departure rule can then apply).
    pub warnings: Vec<String>,
    /// Flights whose designator is a group's and whose operator is not answered yet: the
    /// flights step is shown again with the choice (pre-selected) before going on.
    pub ask_operator: Vec<usize>,
}

fn id(i: usize, what: &str) -> String {
    format!("leg{i}-{what}")
}

/// Parses a date as a browser's date field sends it, or as typed without one.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s.trim(), f).ok())
}

/// Parses a time as a browser's time field sends it (`13:30`), or typed (`13h30`, `13.30`).
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim().to_ascii_lowercase().replace(['h', '.'], ":");
    let s = s.strip_suffix(':').map_or(s.clone(), |x| format!("{x}:00"));
    ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&s, f).ok())
}

/// The first leg as the home page's quick check sends it: each airport the passenger picked (or
/// typed unambiguously) is shown with its label and code; anything else stays as typed, to be
/// resolved (or offered as choices) when the step is submitted.
pub fn quick_check_leg(mut leg: LegForm, index: &AirportIndex, lang: &str) -> LegForm {
    for end in [End::From, End::To] {
        let given = match end {
            End::From => leg.from.is_some() || leg.from_iata.is_some(),
            End::To => leg.to.is_some() || leg.to_iata.is_some(),
        };
        if given {
            let _ = resolve_airport(&mut leg, end, index, lang);
        }
    }
    leg
}

/// Resolves one airport field, rewriting it to the airport's label and code when found.
fn resolve_airport(
    leg: &mut LegForm,
    end: End,
    index: &AirportIndex,
    lang: &str,
) -> Result<Suggestion, Option<Vec<Suggestion>>> {
    let (text, code, choice) = match end {
        End::From => (&mut leg.from, &mut leg.from_iata, &mut leg.from_choice),
        End::To => (&mut leg.to, &mut leg.to_iata, &mut leg.to_choice),
    };
    let typed = val(text).to_string();
    let hidden = val(code).to_ascii_uppercase();
    let picked = val(choice).to_ascii_uppercase();
    let by_code = |c: &str| (c.len() == 3).then(|| index.get(c, lang)).flatten();
    let found = if let Some(s) = by_code(&picked) {
        Ok(s)
    } else if typed.is_empty() {
        by_code(&hidden).ok_or(None)
    } else {
        match index.resolve(&typed, lang) {
            Resolution::Exact(s) => Ok(s),
            Resolution::Ambiguous(list) => match list.iter().find(|s| s.iata == hidden) {
                Some(s) => Ok(s.clone()),
                None => Err(Some(list)),
            },
            Resolution::NotFound => by_code(&hidden)
                .filter(|s| typed.to_ascii_uppercase().contains(&s.iata))
                .ok_or(None),
        }
    };
    *choice = None;
    match &found {
        Ok(s) => {
            *text = Some(s.label.clone());
            *code = Some(s.iata.clone());
        }
        Err(_) => *code = None,
    }
    found
}

fn check_airport(
    form_leg: &mut LegForm,
    i: usize,
    end: End,
    ctx: (&AirportIndex, &str),
    errors: &mut Errors,
    out: &mut Flights,
) -> Option<Suggestion> {
    let (index, lang) = ctx;
    let field_id = id(i, end.key());
    let typed = match end {
        End::From => val(&form_leg.from),
        End::To => val(&form_leg.to),
    }
    .to_string();
    match resolve_airport(form_leg, end, index, lang) {
        Ok(s) => Some(s),
        Err(Some(list)) => {
            let msg = translate(lang, "airports.resolve.ambiguous", &[("input", &typed)]);
            errors.add(field_id, msg);
            out.choices.push((i, end, list));
            None
        }
        Err(None) if typed.is_empty() => {
            let key = match end {
                End::From => "check.error.from_required",
                End::To => "check.error.to_required",
            };
            errors.add(field_id, translate(lang, key, &[]));
            None
        }
        Err(None) => {
            let msg = translate(lang, "airports.resolve.not_found", &[("input", &typed)]);
            errors.add(field_id, msg);
            None
        }
    }
}

fn local_utc(code: &str, t: NaiveDateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    // A retired code (SXF) is an airport only on the dates it was in use.
    let airport = RefData::embedded().airport_on(code, t.date()).ok()?;
    local_to_utc(airport.tz, t)
}

/// The arrival date that gives a block time in (0, [`MAX_BLOCK_HOURS`]] hours.
pub fn infer_arrival(
    from: &str,
    to: &str,
    departure: NaiveDateTime,
    arrival_time: NaiveTime,
) -> Option<NaiveDateTime> {
    let dep_utc = local_utc(from, departure)?;
    [0, 1, -1, 2].into_iter().find_map(|days| {
        let arrival = (departure.date() + Duration::days(days)).and_time(arrival_time);
        let block = local_utc(to, arrival)? - dep_utc;
        (block > Duration::zero() && block <= Duration::hours(MAX_BLOCK_HOURS)).then_some(arrival)
    })
}

fn check_date(
    leg: &mut LegForm,
    i: usize,
    lang: &str,
    today: NaiveDate,
    errors: &mut Errors,
) -> Option<NaiveDate> {
    let key = match val(&leg.date) {
        "" => "check.error.date_required",
        s => match parse_date(s) {
            None => "check.error.date_invalid",
            Some(d) if d < first_covered_day() || d > today + Duration::days(365) => {
                "check.error.date_range"
            }
            Some(d) => {
                leg.date = Some(d.format("%Y-%m-%d").to_string());
                return Some(d);
            }
        },
    };
    errors.add(id(i, "date"), translate(lang, key, &[]));
    None
}

fn check_time(
    value: &mut Option<String>,
    field_id: String,
    lang: &str,
    errors: &mut Errors,
) -> Option<NaiveTime> {
    let key = match val(value) {
        "" => "check.error.time_required",
        s => match parse_time(s) {
            Some(t) => {
                *value = Some(t.format("%H:%M").to_string());
                return Some(t);
            }
            None => "check.error.time_invalid",
        },
    };
    errors.add(field_id, translate(lang, key, &[]));
    None
}

/// The airport a code meant on the flight's date, its label written back into the field
/// (IST before 6 April 2019 is Atatürk); a retired code used after its last day is an error
/// on that field, naming the code that replaced it.
fn at_date(
    leg: &mut LegForm,
    i: usize,
    end: End,
    s: Suggestion,
    date: NaiveDate,
    ctx: (&AirportIndex, &str),
    errors: &mut Errors,
) -> Option<Suggestion> {
    let (index, lang) = ctx;
    let s = index.get_on(&s.iata, date, lang).unwrap_or(s);
    if !AirportIndex::in_use_on(&s, date) {
        let (until, replacement) = s
            .retired
            .as_ref()
            .map(|r| {
                (
                    crate::i18n::date_words(r.valid_to, lang),
                    r.replaced_by.clone(),
                )
            })
            .unwrap_or_default();
        let msg = translate(
            lang,
            "airports.retired.not_in_use",
            &[
                ("code", &s.iata),
                ("name", &s.name),
                ("until", &until),
                ("replacement", &replacement),
            ],
        );
        errors.add(id(i, end.key()), msg);
        return None;
    }
    match end {
        End::From => leg.from = Some(s.label.clone()),
        End::To => leg.to = Some(s.label.clone()),
    }
    Some(s)
}

/// The operating carrier the passenger chose for a grouped designator. An answer that is not
/// one of the group's licences (none yet, or the flight number changed) is cleared and the
/// flight is asked about; a designator outside any group asks nothing.
fn operator(leg: &mut LegForm, i: usize, designator: &str, out: &mut Flights) -> Option<String> {
    let group = RefData::embedded().airline_group(designator);
    let answer = val(&leg.operated_by).to_ascii_uppercase();
    let chosen = group.iter().find(|m| m.operating == answer);
    leg.operated_by = chosen.map(|m| m.operating.clone());
    if chosen.is_none() && !group.is_empty() {
        out.ask_operator.push(i);
    }
    chosen.map(|m| m.operating.clone())
}

/// The "operated by" choice of a flight number, when its designator is a group's.
fn operated_by_view(i: usize, leg: &LegForm, lang: &str) -> Option<OperatedByView> {
    let data = RefData::embedded();
    let flight = parse_flight_number(val(&leg.flight)).ok()?;
    let group = data.airline_group(&flight.carrier);
    let default = group.first()?;
    let answer = val(&leg.operated_by).to_ascii_uppercase();
    let answered = group.iter().any(|m| m.operating == answer);
    Some(OperatedByView {
        id: id(i, "operated-by"),
        name: format!("legs[{i}].operated_by"),
        designator: flight.carrier.clone(),
        value: if answered {
            answer
        } else {
            default.operating.clone()
        },
        asked: !answered,
        options: group
            .iter()
            .enumerate()
            .map(|(k, m)| Choice {
                id: if k == 0 {
                    id(i, "operated-by")
                } else {
                    format!("leg{i}-operated-by-{k}")
                },
                value: m.operating.clone(),
                label: operator_label(&m.operating, lang),
            })
            .collect(),
    })
}

/// `easyJet Europe (EC) – licence: Austria`, for the radios and the summaries.
pub fn operator_label(code: &str, lang: &str) -> String {
    let data = RefData::embedded();
    match data.airline(code) {
        Some(a) => translate(
            lang,
            "check.flights.operated_by.option",
            &[
                ("name", &a.name),
                ("code", code),
                ("country", &data.country_name(&a.country, lang)),
            ],
        ),
        None => code.to_string(),
    }
}

/// The groups the page's script offers as soon as a flight number is typed: designator →
/// `[code, label]` of each licence, the default first (a `data-` attribute, CSP-safe).
pub fn groups_json(lang: &str) -> String {
    let data = RefData::embedded();
    let mut map = std::collections::BTreeMap::new();
    for m in data.airline_groups() {
        map.entry(m.marketing.clone()).or_insert_with(|| {
            data.airline_group(&m.marketing)
                .iter()
                .map(|o| [o.operating.clone(), operator_label(&o.operating, lang)])
                .collect::<Vec<_>>()
        });
    }
    serde_json::to_string(&map).unwrap_or_default()
}

/// Checks one flight; `None` when anything is missing or wrong (the errors say what).
fn check_leg(
    leg: &mut LegForm,
    i: usize,
    ctx: (&AirportIndex, &str, NaiveDate),
    errors: &mut Errors,
    out: &mut Flights,
) -> Option<Leg> {
    let (index, lang, today) = ctx;
    let flight = match parse_flight_number(val(&leg.flight)) {
        Ok(f) => {
            if RefData::embedded().airline(&f.carrier).is_none()
                && !out.warnings.contains(&f.carrier)
            {
                out.warnings.push(f.carrier.clone());
            }
            leg.flight = Some(f.to_string());
            Some(f)
        }
        Err(e) => {
            errors.add(id(i, "flight"), translate(lang, e.message_key(), &[]));
            None
        }
    };
    let date = check_date(leg, i, lang, today, errors);
    let from = check_airport(leg, i, End::From, (index, lang), errors, out);
    let to = match (
        &from,
        check_airport(leg, i, End::To, (index, lang), errors, out),
    ) {
        (Some(f), Some(t)) if f.iata == t.iata => {
            errors.add(
                id(i, "to"),
                translate(lang, "check.error.same_airport", &[]),
            );
            None
        }
        (_, t) => t,
    };
    let (from, to) = match date {
        Some(d) => (
            from.and_then(|s| at_date(leg, i, End::From, s, d, (index, lang), errors)),
            to.and_then(|s| at_date(leg, i, End::To, s, d, (index, lang), errors)),
        ),
        None => (from, to),
    };
    let dep = check_time(&mut leg.dep_time, id(i, "dep-time"), lang, errors);
    let arr = check_time(&mut leg.arr_time, id(i, "arr-time"), lang, errors);
    let operator = flight
        .as_ref()
        .and_then(|f| operator(leg, i, &f.carrier, out));
    let (flight, date, from, to, dep, arr) = (flight?, date?, from?, to?, dep?, arr?);
    let departure = date.and_time(dep);
    let Some(arrival) = infer_arrival(&from.iata, &to.iata, departure, arr) else {
        errors.add(
            id(i, "arr-time"),
            translate(lang, "check.error.arrival_times", &[]),
        );
        return None;
    };
    Some(Leg {
        flight_number: flight.to_string(),
        from_iata: from.iata,
        to_iata: to.iata,
        scheduled_departure_local: departure,
        scheduled_arrival_local: arrival,
        operating_carrier_iata: operator,
        marketing_flight_number: None,
    })
}

/// Checks step 1, normalising what it understood in `form` (flight numbers, airport labels
/// and codes, dates and times) so that the page shows it and later steps carry it.
pub fn check_flights(
    form: &mut CheckForm,
    index: &AirportIndex,
    lang: &str,
    today: NaiveDate,
    errors: &mut Errors,
) -> Flights {
    let mut out = Flights::default();
    if form.legs.is_empty() {
        form.legs.push(LegForm::default());
    }
    form.legs.truncate(super::form::MAX_UI_LEGS);
    let mut legs = Vec::with_capacity(form.legs.len());
    for i in 0..form.legs.len() {
        let Some(leg) = check_leg(&mut form.legs[i], i, (index, lang, today), errors, &mut out)
        else {
            continue;
        };
        // A connection leaves after the previous flight lands.
        if let Some(prev) = legs.last().filter(|_| legs.len() == i) {
            let prev: &Leg = prev;
            let dep = local_utc(&leg.from_iata, leg.scheduled_departure_local);
            let prev_arr = local_utc(&prev.to_iata, prev.scheduled_arrival_local);
            if let (Some(a), Some(b)) = (dep, prev_arr)
                && a <= b
            {
                errors.add(id(i, "date"), translate(lang, "check.error.leg_order", &[]));
            }
        }
        legs.push(leg);
    }
    out.booking = match val(&form.booking) {
        "separate" if form.legs.len() > 1 => Booking::Separate,
        "single" => Booking::Single,
        _ if form.legs.len() > 1 => {
            errors.add(
                "booking",
                translate(lang, "check.error.booking_required", &[]),
            );
            Booking::Single
        }
        _ => Booking::Single,
    };
    if form.legs.len() > 1 {
        errors.name_flights(lang);
    }
    if legs.len() == form.legs.len() && errors.is_empty() {
        out.legs = legs;
    }
    out
}

/// The view of step 1's flights, with the errors and airport choices found.
pub fn leg_views(
    form: &CheckForm,
    errors: &Errors,
    choices: &[(usize, End, Vec<Suggestion>)],
    lang: &str,
) -> Vec<LegView> {
    form.legs
        .iter()
        .enumerate()
        .map(|(i, leg)| {
            let field = |key: &str, name: &str, v: &Option<String>| {
                Field::new(id(i, key), format!("legs[{i}].{name}"), val(v), errors)
            };
            let airport = |end: End, text: &Option<String>, code: &Option<String>| {
                let key = end.key();
                let options = choices
                    .iter()
                    .find(|(l, e, _)| *l == i && *e == end)
                    .map(|(_, _, list)| list.as_slice())
                    .unwrap_or_default();
                AirportView {
                    field: field(key, key, text),
                    code_name: format!("legs[{i}].{key}_iata"),
                    code: val(code).to_string(),
                    choice_name: format!("legs[{i}].{key}_choice"),
                    choices: options
                        .iter()
                        .enumerate()
                        .map(|(k, s)| Choice {
                            id: format!("leg{i}-{key}-choice-{k}"),
                            value: s.iata.clone(),
                            label: s.label.clone(),
                        })
                        .collect(),
                }
            };
            LegView {
                number: i + 1,
                flight: field("flight", "flight", &leg.flight),
                date: field("date", "date", &leg.date),
                from: airport(End::From, &leg.from, &leg.from_iata),
                to: airport(End::To, &leg.to, &leg.to_iata),
                dep_time: field("dep-time", "dep_time", &leg.dep_time),
                arr_time: field("arr-time", "arr_time", &leg.arr_time),
                operated_by: operated_by_view(i, leg, lang),
            }
        })
        .collect()
}
