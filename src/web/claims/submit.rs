//! Step 8: review and submit. A draft without a valid signed mandate for every passenger is
//! refused; a complete one is filed by [`crate::services::claims::submit_claim`] in one
//! transaction (claim, passengers, timeline, emails, documents and mandates; for a visitor, an
//! inert passenger account). The filing browser of a visitor gets a receipt for this one claim,
//! not a session: anyone can type anyone's address.

use std::sync::Arc;

use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, post};

use super::draft::{self, DraftData};
use super::receipt;
use super::wizard::{self, StepResponse, amount_cents, evaluated, user_id};
use crate::accounts::email;
use crate::config::AppConfig;
use crate::db::claims::{ClaimPassenger, NewClaim};
use crate::db::documents::Owner;
use crate::db::{Db, mandates};
use crate::i18n::{Locale, translate};
use crate::mail::Mailer;
use crate::search::airports::AirportIndex;
use crate::services::claims::{self, SubmitClaim, SubmitError, Submitted};
use crate::web::AppError;
use crate::web::check::form::Errors;
use crate::web::flash;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::session::UserSession;

#[post("/claims/new/review", data = "<_form>")]
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
pub async fn post_claim_review(
    _form: CsrfForm<CsrfOnly>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    mailer: &State<Arc<Mailer>>,
    index: &State<Arc<AirportIndex>>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let lang = locale.as_str();
    let Some(d) = draft::load(db, cookies, user_id(me.as_ref()), cfg.is_https()).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    if draft::step_index(&d.step) < draft::step_index("review") {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(format!(
            "/claims/new/{}",
            d.step
        )))));
    }
    let data: DraftData = d.data.clone();
    let Some((req, resp)) = evaluated(&data, lang).filter(|(_, r)| r.eligible) else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new/result",
        ))));
    };
    let mut errors = wizard::check_passengers(&data, lang);
    errors.0.extend(wizard::check_payout(&data, lang).0);
    let Some(address) = email::normalize(&data.email) else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new/passengers",
        ))));
    };
    let draft_id = d.id;
    let signed = db
        .read(move |c| mandates::list(c, Owner::Draft(draft_id)))
        .await?;
    if !wizard::mandates_complete(&signed, &data, cfg) {
        errors.add(
            "review",
            translate(lang, "claims.review.error.mandate", &[]),
        );
    }
    if !errors.is_empty() {
        return Ok(StepResponse::Page(wizard::review_view(
            &data, &errors, cfg, locale, index,
        )));
    }
    let lead = data.passengers[0].clone();
    let first = &req.legs[0];
    let last = req.legs.last().unwrap_or(first);
    let flight_date = first.scheduled_departure_local.date().to_string();
    let route = format!("{} → {}", first.from_iata, last.to_iata);
    let currency = resp.currency.clone().unwrap_or_else(|| "EUR".into());
    let as_text = |v: serde_json::Value| v.as_str().map(str::to_string).unwrap_or_default();
    let new = NewClaim {
        user_id: 0,
        request_json: serde_json::to_string(&req).unwrap_or_default(),
        result_json: serde_json::to_string(&resp).unwrap_or_default(),
        amount_cents: amount_cents(&resp),
        currency: currency.clone(),
        regime: as_text(serde_json::to_value(resp.regime).unwrap_or_default()),
        reason_code: as_text(serde_json::to_value(resp.reason_code).unwrap_or_default()),
        operating_carrier: resp.liable_carrier.clone().unwrap_or_default(),
        flight_number: first.flight_number.clone(),
        flight_date: flight_date.clone(),
        route: route.clone(),
        booking_ref: data.booking_ref.clone(),
        fee_percent: cfg.fee_percent,
        payout_iban: data.iban.clone(),
        payout_holder: data.holder.clone(),
        lead_name_key: String::new(),
    };
    let passengers: Vec<ClaimPassenger> = data
        .passengers
        .iter()
        .enumerate()
        .map(|(i, p)| ClaimPassenger {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            birth_date: (!p.birth_date.is_empty()).then(|| p.birth_date.clone()),
            is_minor: p.is_minor,
            email: (i == 0).then(|| address.clone()),
            phone: (i == 0 && !data.phone.is_empty()).then(|| data.phone.clone()),
        })
        .collect();
    let signed_in = user_id(me.as_ref());
    let input = SubmitClaim {
        draft_id,
        signed_in,
        email: address,
        full_name: format!("{} {}", lead.first_name, lead.last_name),
        locale: lang.to_string(),
        claim: new,
        total_cents: amount_cents(&resp) * i64::try_from(passengers.len()).unwrap_or(1),
        passengers,
        auto_assign: cfg.auto_assign(),
    };
    let mailer = Arc::clone(mailer);
    let outcome = db
        .transact(move |tx| claims::submit_claim(tx, &mailer, input))
        .await;
    let mut errors = Errors::default();
    match outcome {
        Ok(Submitted { claim_ref, .. }) => {
            if signed_in.is_none() {
                // No session for an account anyone could have made with anyone's address:
                // this browser may see the claim it filed, nothing else.
                receipt::grant(cookies, &claim_ref, cfg.is_https());
            }
            draft::forget(cookies);
            flash::set(cookies, "claims.flash.submitted");
            Ok(StepResponse::Redirect(Box::new(Redirect::to(format!(
                "/claims/{claim_ref}"
            )))))
        }
        Err(SubmitError::Duplicate) => {
            errors.add(
                "review",
                translate(lang, "claims.review.error.duplicate", &[]),
            );
            Ok(StepResponse::Page(wizard::review_view(
                &data, &errors, cfg, locale, index,
            )))
        }
        Err(SubmitError::EmailTaken) => {
            errors.add(
                "review",
                translate(lang, "claims.review.error.sign_in", &[]),
            );
            Ok(StepResponse::Page(
                wizard::review_view(&data, &errors, cfg, locale, index).with("sign_in", &true),
            ))
        }
        Err(SubmitError::Db(e)) => Err(e.into()),
    }
}
