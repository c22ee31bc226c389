//! The wizard's state: a [`DraftData`] stored as JSON in `claim_drafts`, found through a random
//! token in an encrypted `HttpOnly` cookie (so a draft survives closing the browser). A
//! signed-in passenger's draft is also linked to the account.

use rocket::form::{Form, ValueField};
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::time::Duration as CookieDuration;
use serde::{Deserialize, Serialize};

use crate::accounts::token;
use crate::db::{Db, DbError, drafts};
use crate::web::check::form::{CheckForm, Hidden};

/// Name of the draft cookie.
pub const DRAFT_COOKIE: &str = "fc_draft";
/// How long a browser keeps its draft.
pub const DRAFT_COOKIE_DAYS: i64 = 60;

/// Steps in order (sub-paths of `/claims/new/`).
pub const STEPS: [&str; 8] = [
    "flights",
    "disruption",
    "result",
    "passengers",
    "documents",
    "mandate",
    "payout",
    "review",
];

/// One passenger as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PassengerData {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: String,
    pub is_minor: bool,
}

/// Everything typed so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftData {
    /// The /check form's fields (flights, what happened, details) as `(name, value)`.
    pub check: Vec<(String, String)>,
    pub booking_ref: String,
    /// The check token of the validated request (set by step 2).
    pub request_token: Option<String>,
    /// Lead passenger first, then co-passengers.
    pub passengers: Vec<PassengerData>,
    pub email: String,
    pub phone: String,
    /// Hook for the documents module: whether the step was seen (documents can come later).
    pub documents_seen: bool,
    /// Hook for the mandate module: whether the step was seen.
    pub mandate_seen: bool,
    pub iban: String,
    pub holder: String,
    /// What the flight-status provider said when step 1 was saved (shown on step 2).
    pub flight_facts: Option<crate::web::claims::prefill::FlightFacts>,
    /// What was read from an uploaded boarding pass (shown on step 1 to be checked).
    pub scanned: Option<crate::web::claims::wizard::boarding_pass::ScannedPass>,
}

impl DraftData {
    /// The stored check form.
    pub fn check_form(&self) -> CheckForm {
        let fields = self
            .check
            .iter()
            .map(|(n, v)| ValueField::from((n.as_str(), v.as_str())));
        Form::<CheckForm>::parse_iter(fields).unwrap_or_default()
    }

    pub fn set_check_form(&mut self, form: &CheckForm) {
        let mut pairs: Vec<Hidden> = form.flight_pairs();
        pairs.extend(form.what_pairs());
        pairs.extend(form.detail_pairs());
        self.check = pairs.into_iter().map(|h| (h.name, h.value)).collect();
    }
}

/// A loaded draft.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub id: i64,
    pub step: String,
    pub data: DraftData,
}

fn cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((DRAFT_COOKIE, token))
        .path("/claims")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(DRAFT_COOKIE_DAYS))
        .build()
}

/// Whether a draft owned by `owner` may open for `viewer`: an anonymous draft opens for anyone
/// holding its cookie; an account's draft only for that account (issue #12).
pub fn opens_for(owner: Option<i64>, viewer: Option<i64>) -> bool {
    owner.is_none() || owner == viewer
}

/// The browser's draft, else (signed in) the account's latest one, re-bound to this browser.
/// A cookie pointing at another account's draft counts as no cookie.
pub async fn load(
    db: &Db,
    cookies: &CookieJar<'_>,
    user_id: Option<i64>,
    secure: bool,
) -> Result<Option<Loaded>, DbError> {
    let digest = cookies
        .get_private(DRAFT_COOKIE)
        .map(|c| token::digest(c.value()));
    let found = db
        .read(move |c| {
            if let Some(d) = digest
                && let Some(draft) = drafts::find_by_token(c, &d)?
                && opens_for(draft.user_id, user_id)
            {
                return Ok(Some((draft, false)));
            }
            match user_id {
                Some(u) => Ok(drafts::find_latest_for_user(c, u)?.map(|d| (d, true))),
                None => Ok(None),
            }
        })
        .await?;
    let Some((draft, rebind)) = found else {
        return Ok(None);
    };
    if rebind {
        let (token, digest) = token::generate();
        let id = draft.id;
        db.write(move |tx| drafts::set_token(tx, id, &digest))
            .await?;
        cookies.add_private(cookie(token, secure));
    }
    Ok(Some(Loaded {
        id: draft.id,
        step: draft.step,
        data: serde_json::from_str(&draft.data).unwrap_or_default(),
    }))
}

/// Creates a draft and gives the browser its cookie.
pub async fn create(
    db: &Db,
    cookies: &CookieJar<'_>,
    user_id: Option<i64>,
    data: DraftData,
    secure: bool,
) -> Result<Loaded, DbError> {
    let (token, digest) = token::generate();
    let json = serde_json::to_string(&data).unwrap_or_default();
    let id = db
        .write(move |tx| drafts::insert(tx, &digest, user_id, &json, STEPS[0]))
        .await?;
    cookies.add_private(cookie(token, secure));
    Ok(Loaded {
        id,
        step: STEPS[0].to_string(),
        data,
    })
}

/// Saves the draft; `reached` moves the furthest step forward (never back).
pub async fn save(
    db: &Db,
    draft: &Loaded,
    user_id: Option<i64>,
    reached: &str,
) -> Result<(), DbError> {
    let step = if step_index(reached) > step_index(&draft.step) {
        reached.to_string()
    } else {
        draft.step.clone()
    };
    let json = serde_json::to_string(&draft.data).unwrap_or_default();
    let id = draft.id;
    db.write(move |tx| drafts::update(tx, id, user_id, &json, &step))
        .await
}

pub fn step_index(step: &str) -> usize {
    STEPS.iter().position(|s| *s == step).unwrap_or(0)
}

/// Forgets the browser's draft (after submission, at sign-out).
pub fn forget(cookies: &CookieJar<'_>) {
    cookies.remove_private(Cookie::build(DRAFT_COOKIE).path("/claims"));
}
