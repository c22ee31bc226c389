//! Step 8: review and submit. A draft without a valid signed mandate for every passenger is
//! refused. One transaction creates the claim, its passengers, the first timeline event and
//! the `ClaimSubmitted` email (outbox), moves the draft's documents and mandates to the claim,
//! deletes the draft and — for a
//! visitor who is not signed in — creates a passenger account without password plus its
//! confirmation email. That account is inert until the emailed link is followed (anyone can
//! type anyone's address): the filing browser gets a receipt for this one claim, not a session.

use std::sync::Arc;

use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, post};

use super::draft::{self, DraftData};
use super::receipt;
use super::wizard::{self, StepResponse, amount_cents, evaluated, user_id};
use crate::accounts::{email, token};
use crate::config::AppConfig;
use crate::db::claims::{self, ClaimPassenger, InsertError, NewClaim};
use crate::db::documents::Owner;
use crate::db::tokens::{self, Purpose};
use crate::db::{Db, DbError, documents, drafts, mandates, users};
use crate::i18n::{Locale, translate};
use crate::mail::messages::{ClaimSubmitted, Money};
use crate::mail::{self, Mailer, Recipient};
use crate::search::airports::AirportIndex;
use crate::web::AppError;
use crate::web::account::register::VERIFY_TTL_DAYS;
use crate::web::check::form::Errors;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::session::UserSession;
use crate::web::{account, flash};

/// The duplicate check's key: lower case, letters and digits only, accents folded.
pub fn name_key(first: &str, last: &str) -> String {
    format!("{first} {last}")
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'û' | 'ü' | 'ú' | 'ù' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

enum Outcome {
    Created(String),
    Duplicate,
    EmailTaken,
}

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
        lead_name_key: name_key(&lead.first_name, &lead.last_name),
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
    let mailer = Arc::clone(mailer);
    let locale_code = lang.to_string();
    let full_name = format!("{} {}", lead.first_name, lead.last_name);
    let passenger_count = passengers.len();
    let total = amount_cents(&resp) * i64::try_from(passengers.len()).unwrap_or(1);
    let outcome = db
        .write(move |tx| {
            let user = if let Some(u) = signed_in {
                u
            } else {
                if users::find_login(tx, &address)?.is_some() {
                    return Ok(Outcome::EmailTaken);
                }
                users::insert_passenger_without_password(tx, &address, &full_name, &locale_code)?
            };
            let claim = NewClaim {
                user_id: user,
                ..new
            };
            let (claim_id, claim_ref) = match claims::insert(tx, &claim, &passengers) {
                Ok(ok) => ok,
                Err(InsertError::Duplicate) => return Ok(Outcome::Duplicate),
                Err(InsertError::Db(e)) => return Err(e),
            };
            if signed_in.is_none() {
                // The account stays inert until its address is verified: the mail says
                // plainly that someone filed a claim with it, and how to report it.
                let (verify_token, digest) = token::generate();
                let expires = crate::db::time_text(
                    chrono::Utc::now() + chrono::Duration::days(VERIFY_TTL_DAYS),
                );
                tokens::insert(tx, &digest, user, Purpose::VerifyEmail, None, &expires)?;
                account::notify::claim_account(
                    tx,
                    &mailer,
                    user,
                    &claim_ref.to_string(),
                    &verify_token,
                )?;
            }
            let account = users::find_account(tx, user)?;
            let to = Recipient::new(
                &account.email,
                account.name,
                Locale::from_tag(&account.locale).unwrap_or_default(),
            );
            let email = ClaimSubmitted {
                claim_ref: claim_ref.to_string(),
                flight_number: claim.flight_number.clone(),
                flight_date: claim.flight_date.clone(),
                route: claim.route.clone(),
                amount: Money {
                    minor: total,
                    currency: claim.currency.clone(),
                },
            };
            let composed = mailer
                .compose(&to, &email)
                .map_err(|e| DbError::Mail(e.to_string()))?;
            mail::enqueue(tx, &composed)?;
            documents::attach_draft_to_claim(tx, draft_id, claim_id)?;
            mandates::attach_draft_to_claim(tx, draft_id, claim_id, passenger_count)?;
            drafts::delete(tx, draft_id)?;
            Ok(Outcome::Created(claim_ref.to_string()))
        })
        .await?;
    let mut errors = Errors::default();
    match outcome {
        Outcome::Created(claim_ref) => {
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
        Outcome::Duplicate => {
            errors.add(
                "review",
                translate(lang, "claims.review.error.duplicate", &[]),
            );
            Ok(StepResponse::Page(wizard::review_view(
                &data, &errors, cfg, locale, index,
            )))
        }
        Outcome::EmailTaken => {
            errors.add(
                "review",
                translate(lang, "claims.review.error.sign_in", &[]),
            );
            Ok(StepResponse::Page(
                wizard::review_view(&data, &errors, cfg, locale, index).with("sign_in", &true),
            ))
        }
    }
}
