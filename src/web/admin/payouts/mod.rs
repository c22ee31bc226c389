//! `/admin/payouts`: payout batches for finance staff and admins (agents get 403 on every
//! route). `pages.rs` lists the claims ready to pay out, makes a batch and shows it; `files.rs`
//! serves its SEPA file and its manual-transfer CSV; `actions.rs` exports, marks sent and
//! cancels. Each handler parses, runs one `services::payout_batches` use case and redirects or
//! renders; the refusals are translated here ([`refusal`]).

pub mod actions;
pub mod files;
pub mod pages;

use rocket::http::Status;
use rocket::outcome::try_outcome;
use rocket::request::{FromRequest, Outcome, Request};
use serde::Serialize;

use super::auth::StaffSession;
use crate::db::payout_batches::ItemRow;
use crate::domain::iban;
use crate::domain::payout_batch::CurrencyTotal;
use crate::i18n::{Locale, translate};
use crate::services::payout_batches::BatchError;
use crate::services::staff::Actor;
use crate::web::AppError;

/// A signed-in finance officer or admin; an agent gets 403.
#[derive(Debug, Clone)]
pub struct FinanceSession(pub StaffSession);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for FinanceSession {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let staff = try_outcome!(req.guard::<StaffSession>().await);
        if staff.can_record_money() {
            Outcome::Success(FinanceSession(staff))
        } else {
            Outcome::Error((Status::Forbidden, ()))
        }
    }
}

impl FinanceSession {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.0.user.user_id,
            email: self.0.user.email.clone(),
        }
    }
}

/// A batch number from the URL: anything but a positive integer is 404.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// The translated message of a refusal and its status: 404 for an unknown batch, 409 when the
/// batch or the ledger is not in a state that allows it, 422 for a bad selection.
pub fn refusal(err: &BatchError, lang: &str) -> Result<(Status, String), AppError> {
    let (status, key) = match err {
        BatchError::NotFound => return Err(AppError::NotFound),
        BatchError::Db(e) => return Err(AppError::Internal(e.to_string())),
        BatchError::Empty => (Status::UnprocessableEntity, "admin.payouts.error.empty"),
        BatchError::NotReady(r) => {
            let text = translate(lang, "admin.payouts.error.not_ready", &[("claim", r)]);
            return Ok((Status::UnprocessableEntity, text));
        }
        BatchError::State(_) => (Status::Conflict, "admin.payouts.error.state"),
        BatchError::NoSepaTransfers => (Status::Conflict, "admin.payouts.error.no_sepa"),
        BatchError::NotExported => (Status::Conflict, "admin.payouts.error.not_exported"),
        BatchError::NoDebtor => (Status::Conflict, "admin.payouts.error.no_debtor"),
        BatchError::Sepa(_) | BatchError::Money(_) => {
            (Status::UnprocessableEntity, "admin.payouts.error.file")
        }
        BatchError::Record { claim_ref, .. } => {
            let text = translate(lang, "admin.payouts.error.ledger", &[("claim", claim_ref)]);
            return Ok((Status::Conflict, text));
        }
    };
    Ok((status, translate(lang, key, &[])))
}

/// Totals of one currency as the pages show them.
#[derive(Debug, Serialize)]
pub struct TotalView {
    pub currency: String,
    pub payouts: u32,
    pub gross: String,
    pub fee: String,
    pub net: String,
}

pub fn total_views(totals: &[CurrencyTotal], locale: Locale) -> Vec<TotalView> {
    totals
        .iter()
        .map(|t| TotalView {
            currency: t.currency.to_string(),
            payouts: t.payouts,
            gross: t.gross.format_exact(locale),
            fee: t.fee.format_exact(locale),
            net: t.net.format_exact(locale),
        })
        .collect()
}

/// One payout as the batch page shows it.
#[derive(Debug, Serialize)]
pub struct ItemView {
    pub claim_ref: String,
    pub claim_status: String,
    pub holder: String,
    pub iban: String,
    pub currency: String,
    pub gross: String,
    pub fee: String,
    pub net: String,
    pub end_to_end_id: String,
    /// The passenger changed their payout account after the batch was made.
    pub account_changed: bool,
}

pub fn item_view(i: &ItemRow, locale: Locale) -> ItemView {
    ItemView {
        claim_ref: i.claim_ref.clone(),
        claim_status: i.claim_status.clone(),
        holder: i.holder.clone(),
        iban: iban::grouped(&i.iban),
        currency: i.net.currency.to_string(),
        gross: i.gross.format_exact(locale),
        fee: i.fee.format_exact(locale),
        net: i.net.format_exact(locale),
        end_to_end_id: i.end_to_end_id.clone(),
        account_changed: i.current_iban != i.iban,
    }
}
