//! `POST /admin/claims/<ref>/passengers/<position>`: staff correct a passenger's name and
//! contact details (the use case `services::corrections`, audited before/after). Refused fields
//! come back translated with a 422 on the claim page.

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, post};

use super::super::auth::StaffSession;
use super::detail;
use crate::db::Db;
use crate::i18n::{Locale, translate};
use crate::services::corrections::{self, CorrectionError, PassengerCorrection, Refusal};
use crate::services::staff::Actor;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::{AppError, flash};

#[derive(Debug, FromForm)]
pub struct CorrectionForm {
    #[field(default = String::new())]
    pub first_name: String,
    #[field(default = String::new())]
    pub last_name: String,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub phone: String,
}

/// The message for each refused field, in `lang`.
fn messages(refused: &[Refusal], lang: &str) -> Vec<String> {
    refused
        .iter()
        .map(|r| match r {
            Refusal::FirstName => translate(lang, "claims.passengers.error.first_name", &[]),
            Refusal::LastName => translate(lang, "claims.passengers.error.last_name", &[]),
            Refusal::Unprintable(chars) => {
                let chars: Vec<String> = chars.iter().map(char::to_string).collect();
                translate(
                    lang,
                    "claims.passengers.error.script",
                    &[("chars", &chars.join(" "))],
                )
            }
            Refusal::Email => translate(lang, "claims.passengers.error.email", &[]),
            Refusal::Phone => translate(lang, "claims.passengers.error.phone", &[]),
        })
        .collect()
}

#[post("/admin/claims/<claim_ref>/passengers/<position>", data = "<form>")]
pub async fn post_admin_passenger_correction(
    staff: StaffSession,
    claim_ref: &str,
    position: i64,
    form: CsrfForm<CorrectionForm>,
    locale: Locale,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let d = detail::load(db, claim_ref).await?;
    let form = form.0;
    let input = PassengerCorrection {
        claim_id: d.id,
        claim_ref: d.claim_ref.clone(),
        position,
        first_name: form.first_name,
        last_name: form.last_name,
        email: form.email,
        phone: form.phone,
    };
    let actor = Actor {
        user_id: staff.user.user_id,
        email: staff.user.email.clone(),
    };
    match db
        .transact(move |tx| corrections::correct_passenger(tx, &actor, &input))
        .await
    {
        Ok(_) => {
            flash::set(cookies, "admin.claims.flash.corrected");
            Ok(Ok(Redirect::to(format!(
                "/admin/claims/{}#passengers",
                d.claim_ref
            ))))
        }
        Err(CorrectionError::NoSuchPassenger) => Err(AppError::NotFound),
        Err(CorrectionError::Invalid(refused)) => {
            let errors = messages(&refused, locale.as_str()).join(" ");
            Ok(Err(detail::claim_page(db, &staff, claim_ref, locale)
                .await?
                .with("error", &errors)
                .status(Status::UnprocessableEntity)))
        }
        Err(CorrectionError::Db(e)) => Err(e.into()),
    }
}
