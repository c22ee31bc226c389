//! `POST /claims/<ref>/messages`: the passenger writes to the team from the claim page (issue
//! #19). The owner only (404 for anyone else, like every claim route); the team is emailed.

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, post};

use super::uploads::UploadValues;
use super::view::{MessageDraft, claim_page, owned};
use crate::db::{Db, claims, users};
use crate::i18n::{Locale, translate};
use crate::mail::Mailer;
use crate::ratelimit::{Form, RateLimit};
use crate::services::messages::{self, MessageError, NewMessage};
use crate::web::AppError;
use crate::web::check::form::Errors;
use crate::web::flash;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::session::UserSession;

#[derive(Debug, FromForm)]
pub struct MessageForm {
    #[field(default = String::new())]
    pub body: String,
}

#[post("/claims/<claim_ref>/messages", data = "<form>")]
pub async fn post_claim_message(
    claim_ref: &str,
    form: CsrfForm<MessageForm>,
    _quota: RateLimit<Form>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    stats: &State<crate::web::admin::stats_cache::StatsCache>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    let (id, reference, author) = (row.id, row.claim_ref.clone(), row.user_id);
    let body = form.0.body;
    let typed = body.clone();
    let mailer = Arc::clone(mailer);
    let sent = db
        .transact(move |tx| {
            let account = users::find_account(tx, author)?;
            let name = claims::passengers(tx, id)?
                .first()
                .map_or(account.name.clone(), |p| {
                    format!("{} {}", p.first_name, p.last_name)
                });
            messages::post_passenger_message(
                tx,
                &mailer,
                &NewMessage {
                    claim_id: id,
                    claim_ref: &reference,
                    author_id: author,
                    author_email: &account.email,
                    passenger_name: &name,
                    body: &body,
                },
            )
        })
        .await;
    let key = match sent {
        Ok(()) => {
            flash::set(cookies, "claims.messages.flash.sent");
            return Ok(Ok(Redirect::to(format!(
                "/claims/{}#messages",
                row.claim_ref
            ))));
        }
        Err(MessageError::Empty) => "claims.messages.error.empty",
        Err(MessageError::TooLong) => "claims.messages.error.too_long",
        Err(MessageError::Db(e)) => return Err(e.into()),
    };
    let draft = MessageDraft {
        body: typed,
        error: Some(translate(locale.as_str(), key, &[])),
    };
    let page = claim_page(
        db,
        stats,
        &row,
        &Errors::default(),
        &UploadValues::default(),
        &draft,
        locale.as_str(),
    )
    .await?;
    Ok(Err(page.status(Status::UnprocessableEntity)))
}
