//! Steps 1–3: flights, what happened, the engine's answer (/check's forms and checks).

use std::sync::Arc;

use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, post};

use super::draft::{self, DraftData};
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::eligibility::{self};
use crate::flights::FlightStatusService;
use crate::i18n::Locale;
use crate::refdata::RefData;
use crate::search::airports::AirportIndex;
use crate::web::AppError;
use crate::web::check::form::{CheckForm, Errors, LegForm, val};
use crate::web::check::{self, details, flights, token};
use crate::web::claims::prefill;
use crate::web::eligibility_api::today;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::session::UserSession;

use super::{StepResponse, base, evaluated, go, page, require, user_id};

pub(crate) fn flights_view(
    form: &mut CheckForm,
    errors: &Errors,
    choices: &[(
        usize,
        flights::End,
        Vec<crate::search::airports::Suggestion>,
    )],
    data: &DraftData,
    lang: &str,
) -> Page {
    if form.legs.is_empty() {
        form.legs.push(<LegForm as Default>::default());
    }
    base(
        check::flights_page(form, errors, choices, lang),
        "flights",
        data,
    )
    .with(
        "bp_file",
        &crate::web::check::form::Field::new(super::boarding_pass::FIELD, "file", "", errors),
    )
    .with("scanned", &data.scanned)
}

pub(crate) fn disruption_view(
    data: &DraftData,
    form: &mut CheckForm,
    errors: &Errors,
    change: bool,
    index: &AirportIndex,
    lang: &str,
) -> Page {
    let mut ignored = Errors::default();
    let ok = flights::check_flights(form, index, lang, today(), &mut ignored);
    let kind = details::kind_of(val(&form.what));
    let p = match kind {
        Some(kind) if !change && errors.get("what").is_none() => {
            check::details_page(form, errors, &ok, kind, (index, lang))
        }
        _ => check::what_page(form, errors, &ok, (index, lang)),
    };
    let facts = data
        .flight_facts
        .as_ref()
        .map(|f| super::super::prefill::sentence(f, lang));
    base(p, "disruption", data).with("flight_facts", &facts)
}

/// Step 1: the flights (/check's form and checks).
#[post("/claims/new/flights", data = "<form>")]
pub async fn post_claim_flights(
    form: CsrfForm<CheckForm>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    index: &State<Arc<AirportIndex>>,
    flight_status: &State<FlightStatusService>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let lang = locale.as_str();
    let mut form = form.0;
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    let mut errors = Errors::default();
    match val(&form.action) {
        "add_leg" | "remove_leg" => {
            if val(&form.action) == "add_leg"
                && form.legs.len() < crate::web::check::form::MAX_UI_LEGS
            {
                let mut leg = <LegForm as Default>::default();
                if let Some(last) = form.legs.last() {
                    leg.from.clone_from(&last.to);
                    leg.from_iata.clone_from(&last.to_iata);
                }
                form.legs.push(leg);
            } else if val(&form.action) == "remove_leg" && form.legs.len() > 1 {
                form.legs.pop();
            }
            return Ok(page(flights_view(&mut form, &errors, &[], &d.data, lang)));
        }
        _ => {}
    }
    let statuses = prefill::lookup_legs(flight_status, &form).await;
    prefill::fill_times(&mut form, &statuses);
    let ok = flights::check_flights(&mut form, index, lang, today(), &mut errors);
    if !errors.is_empty() {
        errors.name_flights(lang);
        let view = flights_view(&mut form, &errors, &ok.choices, &d.data, lang);
        return Ok(page(view.status(rocket::http::Status::UnprocessableEntity)));
    }
    // A designator sold by several licences: show the flights again with "operated by".
    if !ok.ask_operator.is_empty() {
        return Ok(page(flights_view(&mut form, &errors, &[], &d.data, lang)));
    }
    // Keep the answers of step 2 that the flights form does not carry.
    let mut stored = d.data.check_form();
    stored.legs = form.legs;
    stored.booking = form.booking;
    d.data.flight_facts = prefill::fill_disruption(&mut stored, &statuses);
    d.data.set_check_form(&stored);
    d.data.request_token = None;
    draft::save(db, &d, user_id(me.as_ref()), "disruption").await?;
    Ok(go("disruption"))
}

/// Step 2: what happened (/check's questions).
#[post("/claims/new/disruption", data = "<form>")]
pub async fn post_claim_disruption(
    form: CsrfForm<CheckForm>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    index: &State<Arc<AirportIndex>>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let lang = locale.as_str();
    let posted = form.0;
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    // The flights come from the draft, never from the page.
    let mut form = d.data.check_form();
    let step = val(&posted.step).to_string();
    let action = val(&posted.action).to_string();
    let legs = form.legs.clone();
    let booking = form.booking.clone();
    let stored_what = form.what.clone();
    form = CheckForm {
        booking,
        legs,
        ..posted
    };
    if step == "details" {
        // The kind was answered on the previous page and saved in the draft.
        form.what = stored_what;
    }
    let mut errors = Errors::default();
    if action == "back" {
        if step == "what" {
            return Ok(go("flights"));
        }
        d.data.set_check_form(&form);
        draft::save(db, &d, user_id(me.as_ref()), "disruption").await?;
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new/disruption?change=true",
        ))));
    }
    let ok = flights::check_flights(&mut form, index, lang, today(), &mut errors);
    if !errors.is_empty() {
        return Ok(go("flights"));
    }
    let Some(kind) = details::check_what(&form, lang, &mut errors) else {
        return Ok(page(disruption_view(
            &d.data, &mut form, &errors, true, index, lang,
        )));
    };
    if step == "what" {
        d.data.set_check_form(&form);
        draft::save(db, &d, user_id(me.as_ref()), "disruption").await?;
        return Ok(go("disruption"));
    }
    let Some(disruption) =
        details::check_details(&form, &ok.legs, ok.booking, kind, lang, &mut errors)
    else {
        return Ok(page(disruption_view(
            &d.data, &mut form, &errors, false, index, lang,
        )));
    };
    let req = check::build_request(ok.legs.clone(), ok.booking, disruption);
    if let Err(e) = eligibility::evaluate(&req, RefData::embedded(), lang, today()) {
        let (_, id) = check::engine_error_field(&e);
        errors.add(id, e.message(lang));
        return Ok(page(disruption_view(
            &d.data, &mut form, &errors, false, index, lang,
        )));
    }
    d.data.set_check_form(&form);
    d.data.request_token = Some(token::encode(&req));
    draft::save(db, &d, user_id(me.as_ref()), "result").await?;
    Ok(go("result"))
}

/// Step 3: continue when eligible; an ineligible answer keeps the draft and stops here.
#[post("/claims/new/result", data = "<_form>")]
pub async fn post_claim_result(
    _form: CsrfForm<CsrfOnly>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let Some(d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    match evaluated(&d.data, locale.as_str()) {
        Some((_, resp)) if resp.eligible => {
            draft::save(db, &d, user_id(me.as_ref()), "passengers").await?;
            Ok(go("passengers"))
        }
        _ => Ok(go("result")),
    }
}
