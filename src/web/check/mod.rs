//! `/check`: the public eligibility checker (no account), in three questions and an answer.
//!
//! 1. **flights** — flight number, date, airports, scheduled times; connections can be added
//!    (one booking or separate bookings);
//! 2. **what** — delay, cancellation, denied boarding or downgrade;
//! 3. **details** — the questions of that kind in plain words, and the reason the airline gave;
//! 4. the answer, `GET /check/result?r=TOKEN`.
//!
//! It works without JavaScript: every step is `POST /check` (a [`CsrfForm`], `form` rate limit),
//! answered by re-rendering the next step — or the same one with its errors. **State lives in
//! the page**, not on the server: each step carries the answers of the others as hidden inputs
//! and every POST re-checks everything, so the back button, two tabs or a server restart never
//! lose a check, and nothing about a passenger is stored before they start a claim. The last
//! step redirects (303, post/redirect/get) to the answer, whose URL holds the request as a
//! [`token`]; "Start my claim" links to `/claims/new?from_check=TOKEN` (same token, decoded
//! with [`token::decode`]) and "Change my answers" to `/check?r=TOKEN`.
//!
//! Errors follow the GOV.UK pattern: a summary at the top linking to each field, the message
//! next to the field with `aria-invalid` and `aria-describedby`, what was typed kept.

pub mod details;
pub mod flights;
pub mod form;
pub mod result;
pub mod token;

use std::sync::Arc;

use chrono::NaiveDate;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{Responder, State, get, post};
use serde::Serialize;

use self::form::{CheckForm, Errors, Field, Hidden, LegForm, MAX_UI_LEGS, val};
use super::eligibility_api::today;
use super::guards::CsrfForm;
use super::render::Page;
use crate::domain::eligibility::{
    self, Booking, DisruptionType, EligibilityRequest, Passenger, RequestError, limitation,
};
use crate::i18n::{Locale, translate};
use crate::ratelimit::{Form, RateLimit};
use crate::refdata::RefData;
use crate::search::airports::AirportIndex;

/// What a step POST answers: a page, or the redirect to the answer.
#[derive(Responder)]
pub enum CheckResponse {
    Page(Page),
    Redirect(Box<Redirect>),
}

/// The step pages' shared context.
#[derive(Serialize)]
struct StepCtx<'a> {
    step: &'a str,
    number: usize,
    errors: &'a Errors,
    hidden: Vec<Hidden>,
    warnings: Vec<String>,
    summary: Vec<result::LegSummary>,
}

fn step_page(ctx: &StepCtx<'_>) -> Page {
    Page::new("pages/check.html")
        .with("step", ctx.step)
        .with("step_number", &ctx.number)
        .with("errors", &ctx.errors.0)
        .with("hidden", &ctx.hidden)
        .with("warnings", &ctx.warnings)
        .with("summary", &ctx.summary)
}

fn warnings(codes: &[String], lang: &str) -> Vec<String> {
    codes
        .iter()
        .map(|c| translate(lang, "check.flights.unknown_airline", &[("code", c)]))
        .collect()
}

/// Also drawn by the claim wizard (`web::claims::wizard`) in its own template.
pub fn flights_page(
    form: &CheckForm,
    errors: &Errors,
    choices: &[(
        usize,
        flights::End,
        Vec<crate::search::airports::Suggestion>,
    )],
    lang: &str,
) -> Page {
    let mut hidden = form.what_pairs();
    hidden.extend(form.detail_pairs());
    let legs = flights::leg_views(form, errors, choices, lang);
    // The flights whose operator is asked for the first time, linked from the notice.
    let asked: Vec<&str> = legs
        .iter()
        .filter_map(|l| l.operated_by.as_ref())
        .filter(|o| o.asked)
        .map(|o| o.id.as_str())
        .collect();
    let ctx = StepCtx {
        step: "flights",
        number: 1,
        errors,
        hidden,
        warnings: Vec::new(),
        summary: Vec::new(),
    };
    step_page(&ctx)
        .with("legs", &legs)
        .with("asked", &asked)
        .with("airline_groups", &flights::groups_json(lang))
        .with("booking", &Field::simple("booking", &form.booking, errors))
        .with("multi", &(form.legs.len() > 1))
        .with("can_add", &(form.legs.len() < MAX_UI_LEGS))
}

/// Also drawn by the claim wizard (`web::claims::wizard`) in its own template.
pub fn what_page(
    form: &CheckForm,
    errors: &Errors,
    ok: &flights::Flights,
    ctx: (&AirportIndex, &str),
) -> Page {
    let (index, lang) = ctx;
    let mut hidden = form.flight_pairs();
    hidden.extend(form.detail_pairs());
    let step = StepCtx {
        step: "what",
        number: 2,
        errors,
        hidden,
        warnings: warnings(&ok.warnings, lang),
        summary: result::leg_summaries(&ok.legs, index, lang),
    };
    step_page(&step)
        .with("what", &Field::simple("what", &form.what, errors))
        .with("kinds", &details::KINDS)
}

/// Also drawn by the claim wizard (`web::claims::wizard`) in its own template.
pub fn details_page(
    form: &CheckForm,
    errors: &Errors,
    ok: &flights::Flights,
    kind: DisruptionType,
    ctx: (&AirportIndex, &str),
) -> Page {
    let (index, lang) = ctx;
    let mut hidden = form.flight_pairs();
    hidden.extend(form.what_pairs());
    let summary = result::leg_summaries(&ok.legs, index, lang);
    let routes: Vec<String> = summary
        .iter()
        .map(|s| format!("{} · {} → {}", s.flight, s.from, s.to))
        .collect();
    let view = details::details_view(form, kind, ok.booking, &routes, errors);
    let step = StepCtx {
        step: "details",
        number: 3,
        errors,
        hidden,
        warnings: warnings(&ok.warnings, lang),
        summary,
    };
    let options = |values: &[&str], prefix: &str| -> Vec<(String, String)> {
        values
            .iter()
            .map(|v| (v.to_string(), translate(lang, &format!("{prefix}{v}"), &[])))
            .collect()
    };
    let mut class_options = vec![(String::new(), translate(lang, "check.choose", &[]))];
    class_options.extend(options(&details::CLASSES, "check.class."));
    let leg_options: Vec<(String, String)> = routes
        .iter()
        .enumerate()
        .map(|(i, r)| (i.to_string(), r.clone()))
        .collect();
    let currency_options: Vec<(&str, &str)> =
        details::CURRENCIES.iter().map(|c| (*c, *c)).collect();
    step_page(&step)
        .with("d", &view)
        .with("multi", &(ok.legs.len() > 1))
        .with("leg_options", &leg_options)
        .with(
            "reason_options",
            &options(&details::reasons_for(kind), "check.reason."),
        )
        .with("class_options", &class_options)
        .with("currency_options", &currency_options)
}

/// The forum whose limitation period the answer quotes: the departure country (where the
/// passenger may sue, *Rehder* C-204/08), else the destination's, when our data knows it.
fn forum_for(legs: &[eligibility::Leg]) -> Option<String> {
    let data = RefData::embedded();
    let first = legs.first()?;
    let last = legs.last()?;
    let flight_day = first.scheduled_departure_local.date();
    [&first.from_iata, &last.to_iata]
        .into_iter()
        .filter_map(|code| data.airport_on(code, flight_day).ok())
        .map(|a| a.country.clone())
        .find(|c| limitation::deadline(data, c, flight_day).is_some())
}

/// The contract request for a completed form.
pub fn build_request(
    legs: Vec<eligibility::Leg>,
    booking: Booking,
    disruption: eligibility::Disruption,
) -> EligibilityRequest {
    EligibilityRequest {
        booking,
        claim_date: None,
        forum_country: forum_for(&legs),
        passenger: Passenger::default(),
        legs,
        disruption,
    }
}

/// Maps an engine error back to the form: leg fields to step 1, the rest to step 3.
pub fn engine_error_field(e: &RequestError) -> (bool, String) {
    let field = e.field.as_str();
    if let Some(rest) = field.strip_prefix("legs[") {
        let (i, tail) = rest.split_once(']').unwrap_or(("0", ""));
        let key = match tail {
            // The date is what makes it too early, whatever the time.
            _ if e.code == "flight_in_future" => "date",
            ".from_iata" => "from",
            ".to_iata" => "to",
            ".scheduled_departure_local" => "dep-time",
            ".scheduled_arrival_local" => "arr-time",
            _ => "flight",
        };
        return (true, format!("leg{i}-{key}"));
    }
    let key = field.rsplit('.').next().unwrap_or("").replace('_', "-");
    (false, if key.is_empty() { "what".into() } else { key })
}

/// The first step. `r` re-opens an answered check ("Change"); `from`/`to` (typed text) and
/// `from_iata`/`to_iata` (picked with the widget) come from the home page's quick check, so the
/// airports are never typed twice.
#[get("/check?<r>&<from>&<to>&<from_iata>&<to_iata>")]
pub fn get_check(
    r: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    from_iata: Option<&str>,
    to_iata: Option<&str>,
    locale: Locale,
    index: &State<Arc<AirportIndex>>,
) -> Page {
    let lang = locale.as_str();
    let mut form = r
        .and_then(token::decode)
        .map(|req| result::form_from_request(&req, index, lang))
        .unwrap_or_default();
    if form.legs.is_empty() {
        let quick = [from, to, from_iata, to_iata].map(|v| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| v.chars().take(200).collect::<String>())
        });
        let [from, to, from_iata, to_iata] = quick;
        form.legs.push(flights::quick_check_leg(
            LegForm {
                from,
                from_iata,
                to,
                to_iata,
                ..LegForm::default()
            },
            index,
            lang,
        ));
    }
    flights_page(&form, &Errors::default(), &[], lang)
}

#[post("/check", data = "<form>")]
pub fn post_check(
    form: CsrfForm<CheckForm>,
    locale: Locale,
    _quota: RateLimit<Form>,
    index: &State<Arc<AirportIndex>>,
) -> CheckResponse {
    let lang = locale.as_str();
    let index: &AirportIndex = index;
    let mut form = form.0;
    let step = val(&form.step).to_string();
    let action = val(&form.action).to_string();
    let today: NaiveDate = today();
    let mut errors = Errors::default();

    if step == "flights" || step.is_empty() {
        match action.as_str() {
            "add_leg" => {
                if form.legs.len() < MAX_UI_LEGS {
                    let from = form.legs.last().map(|l| (l.to.clone(), l.to_iata.clone()));
                    let mut leg = LegForm::default();
                    if let Some((text, code)) = from {
                        leg.from = text;
                        leg.from_iata = code;
                    }
                    form.legs.push(leg);
                }
                return CheckResponse::Page(flights_page(&form, &errors, &[], lang));
            }
            "remove_leg" => {
                if form.legs.len() > 1 {
                    form.legs.pop();
                }
                form.leg_delays.truncate(form.legs.len());
                return CheckResponse::Page(flights_page(&form, &errors, &[], lang));
            }
            _ => {}
        }
    }
    if step == "what" && action == "back" {
        return CheckResponse::Page(flights_page(&form, &errors, &[], lang));
    }
    let ok = flights::check_flights(&mut form, index, lang, today, &mut errors);
    if !errors.is_empty() {
        return CheckResponse::Page(
            flights_page(&form, &errors, &ok.choices, lang).status(Status::UnprocessableEntity),
        );
    }
    // A designator sold by several licences: show the flights again with "operated by".
    if (step == "flights" || step.is_empty()) && !ok.ask_operator.is_empty() {
        return CheckResponse::Page(flights_page(&form, &errors, &[], lang));
    }
    if step == "flights" || step.is_empty() || (step == "details" && action == "back") {
        return CheckResponse::Page(what_page(&form, &errors, &ok, (index, lang)));
    }
    let Some(kind) = details::check_what(&form, lang, &mut errors) else {
        return CheckResponse::Page(what_page(&form, &errors, &ok, (index, lang)));
    };
    if step == "what" {
        return CheckResponse::Page(details_page(&form, &errors, &ok, kind, (index, lang)));
    }
    let Some(disruption) =
        details::check_details(&form, &ok.legs, ok.booking, kind, lang, &mut errors)
    else {
        return CheckResponse::Page(details_page(&form, &errors, &ok, kind, (index, lang)));
    };
    let req = build_request(ok.legs.clone(), ok.booking, disruption);
    if let Err(e) = eligibility::evaluate(&req, RefData::embedded(), lang, today) {
        let (leg_field, id) = engine_error_field(&e);
        errors.add(id, e.message(lang));
        let page = if leg_field {
            flights_page(&form, &errors, &[], lang)
        } else {
            details_page(&form, &errors, &ok, kind, (index, lang))
        };
        return CheckResponse::Page(page);
    }
    CheckResponse::Redirect(Box::new(Redirect::to(format!(
        "/check/result?r={}",
        token::encode(&req)
    ))))
}

#[get("/check/result?<r>")]
pub fn get_check_result(
    r: Option<&str>,
    locale: Locale,
    index: &State<Arc<AirportIndex>>,
) -> Result<Page, Status> {
    let lang = locale.as_str();
    let token = r.unwrap_or("");
    let req = token::decode(token).ok_or(Status::BadRequest)?;
    let resp = eligibility::evaluate(&req, RefData::embedded(), lang, today())
        .map_err(|_| Status::BadRequest)?;
    let view = result::result_view(&req, &resp, index, lang);
    Ok(Page::new("pages/check_result.html")
        .with("r", &view)
        .with("claim_url", &format!("/claims/new?from_check={token}"))
        .with("change_url", &format!("/check?r={token}")))
}
