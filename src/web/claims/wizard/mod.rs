//! `/claims/new`: the claim wizard. Each step is a GET page and a POST that saves the draft
//! and redirects (post/redirect/get), one file per group of steps:
//!
//! * [`boarding_pass`]: 1's shortcut, the flights and names read from a boarding pass;
//! * [`journey`]: 1–3, flights, what happened and the result (/check's forms and checks);
//! * [`passengers`]: 4, passengers and contact details;
//! * [`documents`]: 5, uploads (multipart, stored by `crate::documents`), optional;
//! * [`mandate`]: 6, the mandate shown in full and signed per passenger (`crate::mandate`);
//! * [`payout`]: 7, IBAN and the fee, and the review page of 8 (submitted by `claims::submit`).

pub mod boarding_pass;
pub mod documents;
pub mod journey;
pub mod mandate;
pub mod passengers;
pub mod payout;

pub use boarding_pass::post_claim_boarding_pass;
pub use documents::*;
pub use journey::*;
pub use mandate::*;
pub use passengers::*;
pub use payout::*;

use std::sync::Arc;

use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{Responder, State, get};

use super::draft::{self, DraftData, Loaded};
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::claim::split_fee;
use crate::domain::eligibility::{self, EligibilityRequest, EligibilityResponse};
use crate::domain::money::{Currency, Money};
use crate::i18n::Locale;
use crate::refdata::RefData;
use crate::search::airports::AirportIndex;
use crate::web::AppError;
use crate::web::check::form::Errors;
use crate::web::check::{result, token};
use crate::web::eligibility_api::today;
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

pub(crate) fn go(step: &str) -> StepResponse {
    StepResponse::Redirect(Box::new(Redirect::to(format!("/claims/new/{step}"))))
}

pub(crate) fn page(p: Page) -> StepResponse {
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

pub(crate) fn money(cents: i64, currency: Option<&str>) -> Money {
    Money::new(cents, currency.map_or(Currency::Eur, Currency::stored))
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

pub(crate) fn base(p: Page, step: &str, data: &DraftData) -> Page {
    p.into_template(TEMPLATE)
        .with("wstep", step)
        .with("wnumber", &(draft::step_index(step) + 1))
        .with("wtotal", &draft::STEPS.len())
        .with("booking_ref", &data.booking_ref)
}

pub(crate) async fn require(
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
        "flights" => flights_view(&mut data.check_form(), &none, &[], data, lang),
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
        "documents" => documents_view(db, &d, &none, &UploadValues::default(), lang).await?,
        "mandate" => mandate_view(db, &d, &none, &Typed::new(), cfg, locale).await?,
        other => base(Page::new(TEMPLATE), other, data),
    };
    Ok(page(p))
}
