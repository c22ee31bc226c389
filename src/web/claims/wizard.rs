//! `/claims/new`: the claim wizard. Each step is a GET page and a [`CsrfForm`] POST that
//! saves the draft and redirects (post/redirect/get). Steps 1–2 are /check's own form, checks
//! and partials (`web::check`); documents and mandate are explanation pages for now — the
//! hook points for the upload store and the mandate module are `DraftData::documents_seen`
//! and `DraftData::mandate_seen`.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{Responder, State, get, post};

use super::draft::{self, DraftData, Loaded, PassengerData};
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::claim::split_fee;
use crate::domain::eligibility::{self, EligibilityRequest, EligibilityResponse};
use crate::domain::iban;
use crate::i18n::{Locale, translate};
use crate::mail::messages::Money;
use crate::refdata::RefData;
use crate::search::airports::AirportIndex;
use crate::web::AppError;
use crate::web::check::form::{CheckForm, Errors, Field, LegForm, val};
use crate::web::check::{self, details, flights, result, token};
use crate::web::eligibility_api::today;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::session::UserSession;

/// The wizard's template.
pub const TEMPLATE: &str = "pages/claims/wizard.html";
/// Most passengers on one claim.
pub const MAX_PASSENGERS: usize = 9;

/// A step answers with its page (errors) or a redirect.
#[derive(Responder)]
pub enum StepResponse {
    Page(Page),
    Redirect(Box<Redirect>),
}

fn go(step: &str) -> StepResponse {
    StepResponse::Redirect(Box::new(Redirect::to(format!("/claims/new/{step}"))))
}

fn page(p: Page) -> StepResponse {
    StepResponse::Page(p)
}

pub(crate) fn user_id(me: Option<&UserSession>) -> Option<i64> {
    me.map(|m| m.user.user_id)
}

/// The engine's answer for the draft's request, when step 2 is done.
pub fn evaluated(
    data: &DraftData,
    lang: &str,
) -> Option<(EligibilityRequest, EligibilityResponse)> {
    let req = token::decode(data.request_token.as_deref()?)?;
    let resp = eligibility::evaluate(&req, RefData::embedded(), lang, today()).ok()?;
    Some((req, resp))
}

/// Whole cents of the engine's per-passenger amount.
pub fn amount_cents(resp: &EligibilityResponse) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let cents = (resp.amount.0 * 100.0).round() as i64;
    cents
}

fn money(cents: i64, currency: Option<&str>) -> Money {
    Money {
        minor: cents,
        currency: currency.unwrap_or("EUR").to_string(),
    }
}

/// The fee sentence values: what the passengers receive of the total.
pub fn fee_view(
    resp: &EligibilityResponse,
    passengers: usize,
    fee: u8,
    locale: Locale,
) -> (String, String) {
    let n = i64::try_from(passengers.max(1)).unwrap_or(1);
    let split = split_fee(amount_cents(resp) * n, fee);
    let cur = resp.currency.as_deref();
    (
        money(split.net_cents, cur).format(locale),
        money(split.gross_cents, cur).format(locale),
    )
}

fn base(p: Page, step: &str, data: &DraftData) -> Page {
    p.into_template(TEMPLATE)
        .with("wstep", step)
        .with("wnumber", &(draft::step_index(step) + 1))
        .with("wtotal", &draft::STEPS.len())
        .with("booking_ref", &data.booking_ref)
}

fn flights_view(
    form: &mut CheckForm,
    errors: &Errors,
    choices: &[(
        usize,
        flights::End,
        Vec<crate::search::airports::Suggestion>,
    )],
    data: &DraftData,
) -> Page {
    if form.legs.is_empty() {
        form.legs.push(<LegForm as Default>::default());
    }
    base(check::flights_page(form, errors, choices), "flights", data)
}

fn disruption_view(
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
    base(p, "disruption", data)
}

#[derive(serde::Serialize)]
struct PassengerView {
    first: Field,
    last: Field,
    birth: Field,
    minor: bool,
    number: usize,
}

fn passengers_view(data: &DraftData, errors: &Errors) -> Page {
    let mut list = data.passengers.clone();
    if list.is_empty() {
        list.push(<PassengerData as Default>::default());
    }
    let views: Vec<PassengerView> = list
        .iter()
        .enumerate()
        .map(|(i, p)| PassengerView {
            first: Field::new(
                format!("p{i}-first"),
                format!("passengers[{i}].first_name"),
                &p.first_name,
                errors,
            ),
            last: Field::new(
                format!("p{i}-last"),
                format!("passengers[{i}].last_name"),
                &p.last_name,
                errors,
            ),
            birth: Field::new(
                format!("p{i}-birth"),
                format!("passengers[{i}].birth_date"),
                &p.birth_date,
                errors,
            ),
            minor: p.is_minor,
            number: i + 1,
        })
        .collect();
    base(Page::new(TEMPLATE), "passengers", data)
        .with("errors", &errors.0)
        .with("passengers", &views)
        .with("can_add", &(views.len() < MAX_PASSENGERS))
        .with(
            "f_booking",
            &Field::new("booking-ref", "booking_ref", &data.booking_ref, errors),
        )
        .with(
            "f_email",
            &Field::new("email", "email", &data.email, errors),
        )
        .with(
            "f_phone",
            &Field::new("phone", "phone", &data.phone, errors),
        )
}

fn payout_view(data: &DraftData, errors: &Errors, cfg: &AppConfig, locale: Locale) -> Page {
    let mut p = base(Page::new(TEMPLATE), "payout", data)
        .with("errors", &errors.0)
        .with("f_iban", &Field::new("iban", "iban", &data.iban, errors))
        .with(
            "f_holder",
            &Field::new("holder", "holder", &data.holder, errors),
        )
        .with("fee_percent", &cfg.fee_percent);
    if let Some((_, resp)) = evaluated(data, locale.as_str()) {
        let (net, gross) = fee_view(&resp, data.passengers.len(), cfg.fee_percent, locale);
        p = p.with("fee_net", &net).with("fee_gross", &gross);
    }
    p
}

/// The review page (also re-rendered by the submission with its errors).
pub fn review_view(
    data: &DraftData,
    errors: &Errors,
    cfg: &AppConfig,
    locale: Locale,
    index: &AirportIndex,
) -> Page {
    let lang = locale.as_str();
    let mut p = base(Page::new(TEMPLATE), "review", data)
        .with("errors", &errors.0)
        .with("passengers", &data.passengers)
        .with("email", &data.email)
        .with("phone", &data.phone)
        .with("iban", &iban::grouped(&data.iban))
        .with("holder", &data.holder)
        .with("fee_percent", &cfg.fee_percent);
    if let Some((req, resp)) = evaluated(data, lang) {
        let (net, gross) = fee_view(&resp, data.passengers.len(), cfg.fee_percent, locale);
        p = p
            .with("r", &result::result_view(&req, &resp, index, lang))
            .with("fee_net", &net)
            .with("fee_gross", &gross);
    }
    p
}

async fn require(
    db: &Db,
    cookies: &CookieJar<'_>,
    me: Option<&UserSession>,
    cfg: &AppConfig,
) -> Result<Option<Loaded>, AppError> {
    Ok(draft::load(db, cookies, user_id(me), cfg.is_https()).await?)
}

/// Starts (or resumes) a claim; `?from_check=TOKEN` starts a new one from /check's answer.
#[get("/claims/new?<from_check>")]
pub async fn get_claim_new(
    from_check: Option<&str>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    index: &State<Arc<AirportIndex>>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let uid = user_id(me.as_ref());
    if let Some(req) = from_check.and_then(token::decode) {
        let mut data = DraftData::default();
        data.set_check_form(&result::form_from_request(&req, index, locale.as_str()));
        draft::create(db, cookies, uid, data, cfg.is_https()).await?;
        return Ok(Redirect::to("/claims/new/flights"));
    }
    let loaded = match draft::load(db, cookies, uid, cfg.is_https()).await? {
        Some(d) => d,
        None => draft::create(db, cookies, uid, DraftData::default(), cfg.is_https()).await?,
    };
    Ok(Redirect::to(format!("/claims/new/{}", loaded.step)))
}

/// One step's page. Steps not reached yet redirect to the furthest one reached.
#[get("/claims/new/<step>?<change>")]
pub async fn get_claim_step(
    step: &str,
    change: Option<bool>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    index: &State<Arc<AirportIndex>>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    if !draft::STEPS.contains(&step) {
        return Err(AppError::NotFound);
    }
    let Some(d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    if draft::step_index(step) > draft::step_index(&d.step) {
        return Ok(go(&d.step));
    }
    let lang = locale.as_str();
    let none = Errors::default();
    let data = &d.data;
    let p = match step {
        "flights" => flights_view(&mut data.check_form(), &none, &[], data),
        "disruption" => disruption_view(
            data,
            &mut data.check_form(),
            &none,
            change.unwrap_or(false),
            index,
            lang,
        ),
        "result" => {
            let Some((req, resp)) = evaluated(data, lang) else {
                return Ok(go("disruption"));
            };
            base(Page::new(TEMPLATE), "result", data)
                .with("r", &result::result_view(&req, &resp, index, lang))
        }
        "passengers" => passengers_view(data, &none),
        "payout" => payout_view(data, &none, cfg, locale),
        "review" => review_view(data, &none, cfg, locale, index),
        other => base(Page::new(TEMPLATE), other, data),
    };
    Ok(page(p))
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
            return Ok(page(flights_view(&mut form, &errors, &[], &d.data)));
        }
        _ => {}
    }
    let ok = flights::check_flights(&mut form, index, lang, today(), &mut errors);
    if !errors.is_empty() {
        errors.name_flights(lang);
        return Ok(page(flights_view(&mut form, &errors, &ok.choices, &d.data)));
    }
    // Keep the answers of step 2 that the flights form does not carry.
    let mut stored = d.data.check_form();
    stored.legs = form.legs;
    stored.booking = form.booking;
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

#[derive(Debug, Clone, Default, FromForm)]
pub struct PassengerForm {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<String>,
    pub is_minor: Option<String>,
}

#[derive(Debug, Clone, Default, FromForm)]
pub struct PassengersForm {
    pub action: Option<String>,
    pub booking_ref: Option<String>,
    pub passengers: Vec<PassengerForm>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

fn valid_name(s: &str) -> bool {
    let n = s.chars().count();
    (1..=80).contains(&n) && !s.chars().any(char::is_control)
}

/// Checks step 4; returns the errors (the draft gets the typed values either way).
pub fn check_passengers(data: &DraftData, lang: &str) -> Errors {
    let mut errors = Errors::default();
    let t = |k: &str| translate(lang, k, &[]);
    let br = &data.booking_ref;
    if br.len() != 6 || !br.bytes().all(|b| b.is_ascii_alphanumeric()) {
        errors.add("booking-ref", t("claims.passengers.error.booking_ref"));
    }
    for (i, p) in data.passengers.iter().enumerate() {
        if !valid_name(&p.first_name) {
            errors.add(
                format!("p{i}-first"),
                t("claims.passengers.error.first_name"),
            );
        }
        if !valid_name(&p.last_name) {
            errors.add(format!("p{i}-last"), t("claims.passengers.error.last_name"));
        }
        if !p.birth_date.is_empty() && flights::parse_date(&p.birth_date).is_none() {
            errors.add(
                format!("p{i}-birth"),
                t("claims.passengers.error.birth_date"),
            );
        }
    }
    if crate::accounts::email::normalize(&data.email).is_none() {
        errors.add("email", t("claims.passengers.error.email"));
    }
    if data.phone.chars().count() > 30 {
        errors.add("phone", t("claims.passengers.error.phone"));
    }
    errors
}

/// Step 4: the lead passenger and co-passengers (add/remove are submit buttons, no JS).
#[post("/claims/new/passengers", data = "<form>")]
pub async fn post_claim_passengers(
    form: CsrfForm<PassengersForm>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let form = form.0;
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    d.data.booking_ref = val(&form.booking_ref).to_ascii_uppercase();
    d.data.email = val(&form.email).to_string();
    d.data.phone = val(&form.phone).to_string();
    d.data.passengers = form
        .passengers
        .iter()
        .take(MAX_PASSENGERS)
        .map(|p| PassengerData {
            first_name: val(&p.first_name).to_string(),
            last_name: val(&p.last_name).to_string(),
            birth_date: val(&p.birth_date).to_string(),
            is_minor: val(&p.is_minor) == "true",
        })
        .collect();
    if d.data.passengers.is_empty() {
        d.data
            .passengers
            .push(<PassengerData as Default>::default());
    }
    let action = val(&form.action).to_string();
    if action == "add" || action.starts_with("remove-") {
        if action == "add" && d.data.passengers.len() < MAX_PASSENGERS {
            d.data
                .passengers
                .push(<PassengerData as Default>::default());
        }
        if let Some(i) = action
            .strip_prefix("remove-")
            .and_then(|i| i.parse::<usize>().ok())
            && i > 0
            && i < d.data.passengers.len()
        {
            d.data.passengers.remove(i);
        }
        draft::save(db, &d, user_id(me.as_ref()), "passengers").await?;
        return Ok(page(passengers_view(&d.data, &Errors::default())));
    }
    let errors = check_passengers(&d.data, locale.as_str());
    if !errors.is_empty() {
        draft::save(db, &d, user_id(me.as_ref()), "passengers").await?;
        return Ok(page(passengers_view(&d.data, &errors)));
    }
    draft::save(db, &d, user_id(me.as_ref()), "documents").await?;
    Ok(go("documents"))
}

/// Steps 5 and 6 (documents, mandate): seen, to be completed later. Hook points for the
/// upload store and the mandate module.
#[post("/claims/new/<step>/seen", data = "<_form>")]
pub async fn post_claim_seen(
    step: &str,
    _form: CsrfForm<CsrfOnly>,
    me: Option<UserSession>,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    let next = match step {
        "documents" => {
            d.data.documents_seen = true;
            "mandate"
        }
        "mandate" => {
            d.data.mandate_seen = true;
            "payout"
        }
        _ => return Err(AppError::NotFound),
    };
    if draft::step_index(&d.step) < draft::step_index(step) {
        return Ok(go(&d.step));
    }
    draft::save(db, &d, user_id(me.as_ref()), next).await?;
    Ok(go(next))
}

#[derive(Debug, Clone, Default, FromForm)]
pub struct PayoutForm {
    pub iban: Option<String>,
    pub holder: Option<String>,
}

/// Checks step 7.
pub fn check_payout(data: &DraftData, lang: &str) -> Errors {
    let mut errors = Errors::default();
    if let Err(e) = iban::parse_iban(&data.iban) {
        errors.add("iban", translate(lang, e.message_key(), &[]));
    }
    if !valid_name(&data.holder) {
        errors.add("holder", translate(lang, "claims.payout.error.holder", &[]));
    }
    errors
}

/// Step 7: where to pay the compensation.
#[post("/claims/new/payout", data = "<form>")]
pub async fn post_claim_payout(
    form: CsrfForm<PayoutForm>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let form = form.0;
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    if draft::step_index(&d.step) < draft::step_index("payout") {
        return Ok(go(&d.step));
    }
    d.data.iban = val(&form.iban).to_string();
    d.data.holder = val(&form.holder).to_string();
    let errors = check_payout(&d.data, locale.as_str());
    if !errors.is_empty() {
        return Ok(page(payout_view(&d.data, &errors, cfg, locale)));
    }
    d.data.iban = iban::parse_iban(&d.data.iban).unwrap_or_default();
    draft::save(db, &d, user_id(me.as_ref()), "review").await?;
    Ok(go("review"))
}
