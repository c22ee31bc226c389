//! Step 7 (payout) and the review page of step 8 (the submission is `claims::submit`).

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, post};

use super::draft::{self, DraftData};
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::iban;
use crate::i18n::{Locale, translate};
use crate::search::airports::AirportIndex;
use crate::web::AppError;
use crate::web::check::form::{Errors, Field, val};
use crate::web::check::result;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::session::UserSession;

use super::{
    StepResponse, TEMPLATE, base, evaluated, fee_view, go, page, require, user_id, valid_name,
};

pub(crate) fn payout_view(
    data: &DraftData,
    errors: &Errors,
    cfg: &AppConfig,
    locale: Locale,
) -> Page {
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
