//! `/claims/<ref>`: one claim for its owner — the status timeline, messages from the team, the
//! documents (list, download, upload more), the signed mandates and the Withdraw button. Anyone else (another passenger, a visitor) gets 404, never 403, so
//! references cannot be probed.

use rocket::form::Form;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, get, post};
use serde::Serialize;

use super::uploads::{self, Budget, UploadForm, UploadValues, UploadView};
use crate::config::AppConfig;
use crate::db::documents::{self, Owner};
use crate::db::settlements::{self, Offer};
use crate::db::{Db, claim_admin, claims, mandates};
use crate::documents::quota::{DailyUploads, Usage};
use crate::domain::claim::{self, ClaimRef, ClaimStatus, Transition};
use crate::domain::eligibility::EligibilityRequest;
use crate::i18n::Locale;
use crate::ratelimit::{RateLimit, Upload};
use crate::services::money::{self, Answer, RecordError, SettlementAnswer};
use crate::web::AppError;
use crate::web::admin::stats_cache::StatsCache;
use crate::web::check::form::Errors;
use crate::web::flash;
use crate::web::guards::{ClientIp, CsrfForm, QueryCsrf, TimedData};
use crate::web::render::Page;
use crate::web::session::UserSession;

/// The claim `raw` if it belongs to the signed-in passenger, or if this browser filed it while
/// signed out (its receipt, see [`super::receipt`]). A signed-out visitor is sent to sign in
/// (with an emailed link if need be) and back, whatever the reference — real, made-up or
/// malformed — so the answer tells nothing; a signed-in passenger gets 404 for a claim that is
/// not theirs, for a malformed reference and for an unknown one alike.
pub async fn owned(
    db: &Db,
    me: Option<&UserSession>,
    cookies: &CookieJar<'_>,
    raw: &str,
) -> Result<claims::ClaimRow, AppError> {
    let claim_ref = ClaimRef::parse(raw);
    let receipt = claim_ref
        .as_ref()
        .is_some_and(|r| super::receipt::holds(cookies, &r.to_string()));
    if me.is_none() && !receipt {
        return Err(AppError::Unauthorized);
    }
    let key = claim_ref.ok_or(AppError::NotFound)?.to_string();
    let row = db
        .read(move |c| claims::find_by_ref(c, &key))
        .await?
        .ok_or(AppError::NotFound)?;
    if !receipt && me.is_none_or(|m| row.user_id != m.user.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// Where the compensation goes, as the passenger sees it (masked), and when it changed.
#[derive(Debug, Serialize)]
struct PayoutView {
    holder: String,
    iban: String,
    can_change: bool,
    changed: Vec<String>,
}

/// The message form's typed text and its error, when it was refused.
#[derive(Debug, Default, Serialize)]
pub struct MessageDraft {
    pub body: String,
    pub error: Option<String>,
}

/// One signed mandate in a list (passenger and staff claim pages).
#[derive(Serialize)]
pub struct MandateItem {
    position: i64,
    passenger_name: String,
    signer_name: String,
    signed_at: String,
}

pub fn mandate_items(signed: &[mandates::Mandate]) -> Vec<MandateItem> {
    signed
        .iter()
        .map(|m| MandateItem {
            position: m.passenger_position,
            passenger_name: m.passenger_name.clone(),
            signer_name: m.signer_name.clone(),
            signed_at: m.signed_at.replace('T', " ").replace('Z', " UTC"),
        })
        .collect()
}

/// A settlement offer as the passenger reads it.
#[derive(Serialize)]
struct OfferView {
    id: i64,
    state: &'static str,
    amount: String,
    note: String,
}

fn offer_view(o: &Offer, lang: &str) -> OfferView {
    OfferView {
        id: o.id,
        state: o.state.as_str(),
        amount: o.amount.format(Locale::from_tag(lang).unwrap_or_default()),
        note: o.note.clone(),
    }
}

/// "Flight U2 1234: operated by easyJet Europe (EC) – licence: Austria", for each flight
/// whose operator the passenger declared in the wizard.
fn declared_operators(request_json: &str, lang: &str) -> Vec<String> {
    let Ok(req) = serde_json::from_str::<EligibilityRequest>(request_json) else {
        return Vec::new();
    };
    req.legs
        .iter()
        .filter_map(|l| {
            let code = l.operating_carrier_iata.as_deref()?;
            let carrier = crate::web::check::flights::operator_label(code, lang);
            Some(crate::i18n::translate(
                lang,
                "claims.page.operated_by",
                &[("flight", &l.flight_number), ("carrier", &carrier)],
            ))
        })
        .collect()
}

/// The claim page, with the upload form's errors and typed values when there are some.
pub(super) async fn claim_page(
    db: &Db,
    kept: &StatsCache,
    row: &claims::ClaimRow,
    errors: &Errors,
    values: &UploadValues,
    message: &MessageDraft,
    lang: &str,
) -> Result<Page, AppError> {
    let id = row.id;
    let ((events, passengers, docs, signed, requests, usage), offer) = db
        .read(move |c| {
            Ok((
                (
                    claims::events_for_passenger(c, id)?,
                    claims::passengers(c, id)?,
                    documents::list(c, Owner::Claim(id))?,
                    mandates::list_for_claim(c, id)?,
                    claim_admin::open_document_requests(c, id)?,
                    documents::usage(c, Owner::Claim(id))?,
                ),
                settlements::find_latest(c, id)?,
            ))
        })
        .await?;
    let (thread, payload, payout_changes, closed) = db
        .read(move |c| {
            Ok((
                crate::db::messages::thread(c, id)?,
                claims::find_payload(c, id)?,
                crate::db::payout_changes::confirmed_for_claim(c, id)?,
                crate::db::stats::closed_claims(c)?,
            ))
        })
        .await?;
    let operated_by = declared_operators(&payload.request_json, lang);
    let medians = kept
        .stage_medians
        .get(closed, db, crate::db::stats::stage_medians)
        .await?;
    let payout = PayoutView {
        holder: payload.payout_holder,
        iban: crate::domain::iban::masked(&payload.payout_iban),
        can_change: crate::services::payout::can_change(&row.status),
        changed: payout_changes.into_iter().map(|c| c.at).collect(),
    };
    let usage = Usage {
        files: usage.0,
        bytes: usage.1,
    };
    // "What we need from you": the team's open document requests.
    // Nothing is asked of the passenger any more once the claim is over.
    let over = ClaimStatus::parse(&row.status).is_none_or(ClaimStatus::is_final);
    let needed = if over {
        Vec::new()
    } else {
        crate::web::admin::claims::detail::document_requests_view(&requests, lang)
    };
    let stages = super::progress::timeline(&row.status);
    let status = ClaimStatus::parse(&row.status);
    let can_withdraw = status.is_some_and(ClaimStatus::can_withdraw);
    let can_upload = status.is_some_and(|s| !s.is_final());
    let names: Vec<String> = passengers
        .iter()
        .map(|p| format!("{} {}", p.first_name, p.last_name))
        .collect();
    let mandate_items = mandate_items(&signed);
    let invoices = db
        .read(move |c| crate::db::invoices::list_for_claim(c, id))
        .await?;
    let invoices =
        crate::web::admin::invoices::views(&invoices, Locale::from_tag(lang).unwrap_or_default());
    let amounts = super::progress::amount_items(
        &passengers,
        row.amount_cents,
        &row.currency,
        row.fee_percent,
        Locale::from_tag(lang).unwrap_or_default(),
    );
    Ok(Page::new("pages/claims/claim.html")
        .with("amounts", &amounts)
        .with(
            "next_steps",
            &super::progress::next_steps(&row.status, &medians, lang),
        )
        .with("invoices", &invoices)
        .with("claim", row)
        .with("operated_by", &operated_by)
        .with("stages", &stages)
        .with("events", &events)
        .with("passengers", &passengers)
        .with("can_withdraw", &can_withdraw)
        .with("needed", &needed)
        .with("can_upload", &can_upload)
        .with("errors", &errors.0)
        .with("documents", &uploads::items(&docs, &names, lang))
        .with("doc_base", &format!("/claims/{}/documents", row.claim_ref))
        .with("mandates", &mandate_items)
        .with("thread", &thread)
        .with("payout", &payout)
        .with("message", message)
        .with("offer", &offer.map(|o| offer_view(&o, lang)))
        .with(
            "upload",
            &UploadView::new(values, errors, &names, lang).with_usage(usage, lang),
        ))
}

#[get("/claims/<claim_ref>", rank = 2)]
pub async fn get_claim(
    claim_ref: &str,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    stats: &State<StatsCache>,
    cookies: &CookieJar<'_>,
) -> Result<Page, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    claim_page(
        db,
        stats,
        &row,
        &Errors::default(),
        &UploadValues::default(),
        &MessageDraft::default(),
        locale.as_str(),
    )
    .await
}

/// Adds a document after submission (same checks as the wizard's step 5).
#[post("/claims/<claim_ref>/documents", data = "<form>", rank = 2)]
#[allow(clippy::too_many_arguments)]
pub async fn post_claim_document(
    claim_ref: &str,
    _csrf: QueryCsrf,
    _quota: RateLimit<Upload>,
    client: ClientIp,
    form: TimedData<Form<UploadForm<'_>>>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    daily: &State<DailyUploads>,
    stats: &State<StatsCache>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    if ClaimStatus::parse(&row.status).is_none_or(ClaimStatus::is_final) {
        return Err(AppError::NotFound);
    }
    let id = row.id;
    let (count, (files, bytes)) = db
        .read(move |c| {
            Ok((
                claims::passengers(c, id)?.len(),
                documents::usage(c, Owner::Claim(id))?,
            ))
        })
        .await?;
    let values = UploadValues {
        kind: form.kind.clone(),
        passenger: form.passenger.clone(),
    };
    let budget = Budget {
        usage: Usage { files, bytes },
        client: client.0,
        daily,
    };
    let uploader = me.as_ref().map(|m| m.user.user_id);
    let new = match uploads::accept(&form, cfg, count, uploader, &budget, locale.as_str()).await {
        Ok(new) => new,
        Err(errors) => {
            let draft = MessageDraft::default();
            let page =
                claim_page(db, stats, &row, &errors, &values, &draft, locale.as_str()).await?;
            return Ok(Err(page.status(Status::UnprocessableEntity)));
        }
    };
    let (_, added) = db
        .write(move |tx| {
            let (doc_id, added) = documents::insert(tx, Owner::Claim(id), &new)?;
            if added {
                claim_admin::fulfil_requests_after_upload(tx, id)?;
                crate::db::audit::record(
                    tx,
                    new.uploaded_by,
                    "passenger",
                    "document.upload",
                    &format!("claim:{id}/document:{doc_id}"),
                    None,
                    Some(&new.kind),
                )?;
            }
            Ok((doc_id, added))
        })
        .await?;
    flash::set(
        cookies,
        if added {
            "documents.flash.added"
        } else {
            "documents.flash.duplicate"
        },
    );
    Ok(Ok(Redirect::to(format!("/claims/{}", row.claim_ref))))
}

/// The withdraw form: the confirmation box.
#[derive(Debug, rocket::FromForm)]
pub struct WithdrawForm {
    #[field(default = false)]
    pub confirm: bool,
}

#[post("/claims/<claim_ref>/withdraw", data = "<form>")]
pub async fn post_claim_withdraw(
    claim_ref: &str,
    form: CsrfForm<WithdrawForm>,
    me: Option<UserSession>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    let from = ClaimStatus::parse(&row.status).ok_or(AppError::NotFound)?;
    let actor = me.map(|m| m.user.user_id);
    if !form.0.confirm {
        // Withdrawing cannot be undone: the box says so and must be ticked.
        flash::set(cookies, "claims.flash.withdraw_confirm");
        return Ok(Redirect::to(format!("/claims/{}#withdraw", row.claim_ref)));
    }
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

#[derive(Debug, rocket::form::FromForm)]
pub struct SettlementForm {
    #[field(default = 0)]
    pub offer: i64,
    #[field(default = String::new())]
    pub answer: String,
}

/// The owner accepts or refuses the pending settlement offer (404 for anyone else, and for an
/// offer that is not pending any more).
#[post("/claims/<claim_ref>/settlement", data = "<form>")]
pub async fn post_claim_settlement(
    claim_ref: &str,
    form: CsrfForm<SettlementForm>,
    me: Option<UserSession>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let row = owned(db, me.as_ref(), cookies, claim_ref).await?;
    let (answer, flash_key) = match form.0.answer.as_str() {
        "accept" => (Answer::Accept, "claims.flash.settlement_accepted"),
        "refuse" => (Answer::Refuse, "claims.flash.settlement_refused"),
        _ => return Err(AppError::BadRequest),
    };
    let input = SettlementAnswer {
        claim_id: row.id,
        claim_ref: row.claim_ref.clone(),
        offer_id: form.0.offer,
        answer,
        user_id: row.user_id,
    };
    db.transact(move |tx| money::answer_settlement(tx, &input))
        .await
        .map_err(|e| match e {
            RecordError::Db(e) => AppError::from(e),
            _ => AppError::NotFound,
        })?;
    flash::set(cookies, flash_key);
    Ok(Redirect::to(format!(
        "/claims/{}#settlement",
        row.claim_ref
    )))
}
