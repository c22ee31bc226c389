//! `/contact`: a form that reaches the team through the outbox (issue #19), for passengers
//! and for anyone told about a claim they did not file.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{State, get, post};

use crate::db::Db;
use crate::i18n::{Locale, translate};
use crate::mail::Mailer;
use crate::ratelimit::{Form, RateLimit};
use crate::services::contact::{self, ContactForm};
use crate::web::AppError;
use crate::web::check::form::Errors;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::session::UserSession;

#[derive(Debug, FromForm)]
pub struct ContactFields {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub claim_ref: String,
    #[field(default = String::new())]
    pub body: String,
}

fn page(form: &ContactForm, errors: &Errors) -> Page {
    Page::new("pages/contact.html")
        .with("form", form)
        .with("errors", &errors.0)
}

/// The form, with the signed-in passenger's name and address already there.
#[get("/contact?<claim>")]
pub fn get_contact(claim: Option<&str>, me: Option<UserSession>) -> Page {
    let form = ContactForm {
        name: me.as_ref().map(|m| m.user.name.clone()).unwrap_or_default(),
        email: me.map(|m| m.user.email).unwrap_or_default(),
        claim_ref: claim.unwrap_or_default().chars().take(20).collect(),
        body: String::new(),
    };
    page(&form, &Errors::default())
}

#[post("/contact", data = "<fields>")]
pub async fn post_contact(
    fields: CsrfForm<ContactFields>,
    _quota: RateLimit<Form>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
) -> Result<Result<Page, Page>, AppError> {
    let f = fields.0;
    let form = ContactForm {
        name: f.name,
        email: f.email,
        claim_ref: f.claim_ref,
        body: f.body,
    };
    let message = match contact::validate(&form) {
        Ok(message) => message,
        Err(problems) => {
            let mut errors = Errors::default();
            for (field, key) in problems {
                errors.add(field, translate(locale.as_str(), key, &[]));
            }
            return Ok(Err(page(&form, &errors).status(Status::UnprocessableEntity)));
        }
    };
    let mailer = Arc::clone(mailer);
    db.write(move |tx| contact::send(tx, &mailer, &message))
        .await?;
    Ok(Ok(Page::new("pages/contact_sent.html")))
}
