//! `/claims/<ref>`: one claim for its owner — the status timeline, messages from the team and
//! the Withdraw button. Anyone else (another passenger, a visitor) gets 404, never 403, so
//! references cannot be probed.

use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};
use serde::Serialize;

use crate::db::{Db, claim_admin, claims};
use crate::domain::claim::{self, ClaimRef, ClaimStatus, Transition};
use crate::i18n::Locale;
use crate::web::AppError;
use crate::web::flash;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::session::UserSession;

/// The usual path of a claim, drawn as the timeline.
const PATH: [&str; 6] = [
    "submitted",
    "in_review",
    "sent_to_airline",
    "airline_answered",
    "approved",
    "paid",
];

#[derive(Serialize)]
struct Stage {
    status: &'static str,
    done: bool,
    current: bool,
}

async fn owned(db: &Db, me: Option<&UserSession>, raw: &str) -> Result<claims::ClaimRow, AppError> {
    let me = me.ok_or(AppError::NotFound)?;
    let claim_ref = ClaimRef::parse(raw).ok_or(AppError::NotFound)?;
    let key = claim_ref.to_string();
    let row = db
        .read(move |c| claims::find_by_ref(c, &key))
        .await?
        .ok_or(AppError::NotFound)?;
    if row.user_id != me.user.user_id {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

#[get("/claims/<claim_ref>", rank = 2)]
pub async fn get_claim(
    claim_ref: &str,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let row = owned(db, me.as_ref(), claim_ref).await?;
    let id = row.id;
    let (events, passengers, requests) = db
        .read(move |c| {
            Ok((
                claims::events_for_passenger(c, id)?,
                claims::passengers(c, id)?,
                claim_admin::open_document_requests(c, id)?,
            ))
        })
        .await?;
    // "What we need from you": the team's open document requests.
    let needed =
        crate::web::admin::claims::detail::document_requests_view(&requests, locale.as_str());
    let pos = PATH.iter().position(|s| *s == row.status);
    let stages: Vec<Stage> = PATH
        .iter()
        .enumerate()
        .map(|(i, s)| Stage {
            status: s,
            done: pos.is_some_and(|p| i < p),
            current: pos == Some(i),
        })
        .collect();
    let can_withdraw = ClaimStatus::parse(&row.status).is_some_and(ClaimStatus::can_withdraw);
    Ok(Page::new("pages/claims/claim.html")
        .with("claim", &row)
        .with("stages", &stages)
        .with("events", &events)
        .with("passengers", &passengers)
        .with("needed", &needed)
        .with("can_withdraw", &can_withdraw))
}

#[post("/claims/<claim_ref>/withdraw", data = "<_form>")]
pub async fn post_claim_withdraw(
    claim_ref: &str,
    _form: CsrfForm<CsrfOnly>,
    me: Option<UserSession>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let row = owned(db, me.as_ref(), claim_ref).await?;
    let from = ClaimStatus::parse(&row.status).ok_or(AppError::NotFound)?;
    let actor = me.map(|m| m.user.user_id);
    if let Ok(to) = claim::apply(from, &Transition::Withdraw) {
        let id = row.id;
        db.write(move |tx| {
            claims::set_status(tx, id, to)?;
            claims::add_status_event(tx, id, actor, Some(from), to)
        })
        .await?;
        flash::set(cookies, "claims.flash.withdrawn");
    }
    Ok(Redirect::to(format!("/claims/{}", row.claim_ref)))
}
