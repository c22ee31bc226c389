//! What finance staff do to a batch: export its SEPA file, mark it sent (the payouts go in the
//! ledger and the passengers are told), cancel it. Every form carries the CSRF token; a refusal
//! shows the batch again with the reason (409 or 422).

use std::sync::Arc;

use chrono::Utc;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, post};

use super::pages::batch_page;
use super::{FinanceSession, parse_id, refusal};
use crate::config::AppConfig;
use crate::db::Db;
use crate::i18n::Locale;
use crate::mail::Mailer;
use crate::services::payout_batches::{self as batches, BatchError, ExportInput, Sent};
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;
use crate::web::{AppError, flash};

/// Where a handler goes once its use case ran: the batch page (with a flash), or the batch
/// page again with the refusal.
async fn finish<T>(
    outcome: Result<T, BatchError>,
    (finance, id, locale, db, cfg): (&FinanceSession, i64, Locale, &Db, &AppConfig),
    cookies: &CookieJar<'_>,
    flash_key: impl FnOnce(&T) -> &'static str,
) -> Result<Result<Redirect, Page>, AppError> {
    match outcome {
        Ok(done) => {
            flash::set(cookies, flash_key(&done));
            Ok(Ok(Redirect::to(format!("/admin/payouts/{id}"))))
        }
        Err(err) => {
            let (status, text) = refusal(&err, locale.as_str())?;
            let page = batch_page(finance, id, locale, db, cfg.sepa_debtor().is_some()).await?;
            Ok(Err(page.with("error", &text).status(status)))
        }
    }
}

/// Writes the SEPA file (once: the batch is frozen from then on) and shows the batch with its
/// download link.
#[post("/admin/payouts/<id>/export", data = "<_form>")]
pub async fn post_admin_payout_export(
    finance: FinanceSession,
    id: &str,
    _form: CsrfForm<CsrfOnly>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let id = parse_id(id)?;
    let now = Utc::now();
    let input = ExportInput {
        batch_id: id,
        debtor: cfg.sepa_debtor(),
        now: now.naive_utc(),
        execution_date: now.date_naive(),
    };
    let actor = finance.actor();
    let outcome = db
        .transact(move |tx| batches::export(tx, &actor, &input))
        .await;
    let ctx = (&finance, id, locale, db.inner(), cfg.inner());
    finish(outcome, ctx, cookies, |_| "admin.payouts.flash.exported").await
}

/// Records the batch's payouts in the ledger and emails each passenger; a second submission
/// records nothing.
#[post("/admin/payouts/<id>/sent", data = "<_form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_admin_payout_sent(
    finance: FinanceSession,
    id: &str,
    _form: CsrfForm<CsrfOnly>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let id = parse_id(id)?;
    let actor = finance.actor();
    let mailer = Arc::clone(mailer);
    let today = Utc::now().date_naive();
    let invoicing = crate::services::invoices::Issuer::from_config(cfg);
    let outcome = db
        .transact(move |tx| batches::mark_sent(tx, &mailer, &actor, &invoicing, id, today))
        .await;
    let ctx = (&finance, id, locale, db.inner(), cfg.inner());
    finish(outcome, ctx, cookies, |sent| match sent {
        Sent::Recorded(_) => "admin.payouts.flash.sent",
        Sent::AlreadySent => "admin.payouts.flash.already_sent",
    })
    .await
}

/// Cancels the batch: its claims may go in another one.
#[post("/admin/payouts/<id>/cancel", data = "<_form>")]
pub async fn post_admin_payout_cancel(
    finance: FinanceSession,
    id: &str,
    _form: CsrfForm<CsrfOnly>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let id = parse_id(id)?;
    let actor = finance.actor();
    let outcome = db.transact(move |tx| batches::cancel(tx, &actor, id)).await;
    let ctx = (&finance, id, locale, db.inner(), cfg.inner());
    finish(outcome, ctx, cookies, |()| "admin.payouts.flash.cancelled").await
}
