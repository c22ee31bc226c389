//! The payout pages: the claims ready to pay out with the batches made so far
//! (`GET /admin/payouts`), making a batch from a selection (`POST /admin/payouts`), and one
//! batch to review (`GET /admin/payouts/<id>`).

use rocket::form::FromForm;
use rocket::response::Redirect;
use rocket::{State, get, post};
use serde::Serialize;

use super::{FinanceSession, ItemView, TotalView, item_view, parse_id, refusal, total_views};
use crate::config::AppConfig;
use crate::db::Db;
use crate::db::payout_batches::{self, BatchRow};
use crate::domain::iban;
use crate::domain::payout_batch::{Amounts, BatchAction, BatchState, Method, totals};
use crate::i18n::Locale;
use crate::services::payout_batches::{self as batches, BatchDetail, ReadyPayout};
use crate::web::AppError;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;

/// Batches listed under the ready claims.
const RECENT_BATCHES: u32 = 50;

#[derive(Debug, Serialize)]
struct ReadyView {
    claim_ref: String,
    holder: String,
    iban: String,
    flight: String,
    gross: String,
    fee: String,
    net: String,
    manual: bool,
}

fn ready_view(p: &ReadyPayout, locale: Locale) -> ReadyView {
    ReadyView {
        claim_ref: p.claim_ref.clone(),
        holder: p.holder.clone(),
        iban: iban::grouped(&p.iban),
        flight: format!("{} · {}", p.flight_number, p.flight_date),
        gross: p.amounts.gross.format_exact(locale),
        fee: p.amounts.fee.format_exact(locale),
        net: p.amounts.net.format_exact(locale),
        manual: p.method == Method::Manual,
    }
}

#[derive(Debug, Serialize)]
struct BatchSummaryView {
    id: i64,
    state: &'static str,
    created_at: String,
    created_by: String,
    items: u32,
}

fn summary_view(b: &BatchRow) -> BatchSummaryView {
    BatchSummaryView {
        id: b.id,
        state: b.state.as_str(),
        created_at: b.created_at.clone(),
        created_by: b.created_by.clone(),
        items: b.items,
    }
}

/// The list page, optionally with a refusal of the last selection.
async fn index_page(
    finance: &FinanceSession,
    locale: Locale,
    db: &Db,
    has_debtor: bool,
) -> Result<Page, AppError> {
    let (ready, recent) = db
        .read(|c| {
            Ok((
                batches::ready(c)?,
                payout_batches::list_recent(c, RECENT_BATCHES)?,
            ))
        })
        .await?;
    let amounts: Vec<Amounts> = ready.iter().map(|p| p.amounts).collect();
    let ready_totals = totals(&amounts).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Page::new("admin/payouts/index.html")
        .with("staff", &finance.0.user.name_or_email())
        .with("is_admin", &finance.0.is_admin())
        .with("can_pay_out", &true)
        .with("has_debtor", &has_debtor)
        .with(
            "ready",
            &ready
                .iter()
                .map(|p| ready_view(p, locale))
                .collect::<Vec<_>>(),
        )
        .with("ready_totals", &total_views(&ready_totals, locale))
        .with(
            "batches",
            &recent.iter().map(summary_view).collect::<Vec<_>>(),
        ))
}

#[get("/admin/payouts")]
pub async fn get_admin_payouts(
    finance: FinanceSession,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<Page, AppError> {
    index_page(&finance, locale, db, cfg.sepa_debtor().is_some()).await
}

#[derive(Debug, FromForm)]
pub struct CreateForm {
    /// The selected claims' references.
    #[field(default = Vec::new())]
    pub claims: Vec<String>,
}

/// Makes a batch of the selected claims and shows it; a refused selection shows the list again
/// with the reason.
#[post("/admin/payouts", data = "<form>")]
pub async fn post_admin_payouts(
    finance: FinanceSession,
    form: CsrfForm<CreateForm>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<Result<Redirect, Page>, AppError> {
    let actor = finance.actor();
    let refs: Vec<String> = form
        .0
        .claims
        .iter()
        .map(|r| r.trim().chars().take(32).collect())
        .collect();
    match db
        .transact(move |tx| batches::create(tx, &actor, &refs))
        .await
    {
        Ok(id) => Ok(Ok(Redirect::to(format!("/admin/payouts/{id}")))),
        Err(err) => {
            let (status, text) = refusal(&err, locale.as_str())?;
            let page = index_page(&finance, locale, db, cfg.sepa_debtor().is_some()).await?;
            Ok(Err(page.with("error", &text).status(status)))
        }
    }
}

/// One batch for review: who, how much, the fee withheld and the net, totals per currency,
/// the SEPA transfers and the manual ones, and the actions its state allows.
pub async fn batch_page(
    finance: &FinanceSession,
    id: i64,
    locale: Locale,
    db: &Db,
    has_debtor: bool,
) -> Result<Page, AppError> {
    let d: BatchDetail = db
        .read(move |c| batches::detail(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let items = |m: Method| -> Vec<ItemView> {
        d.items
            .iter()
            .filter(|i| i.method == m)
            .map(|i| item_view(i, locale))
            .collect()
    };
    let state = d.batch.state;
    let totals: Vec<TotalView> = total_views(&d.totals, locale);
    Ok(Page::new("admin/payouts/batch.html")
        .with("staff", &finance.0.user.name_or_email())
        .with("is_admin", &finance.0.is_admin())
        .with("can_pay_out", &true)
        .with("batch", &summary_view(&d.batch))
        .with("exported_at", &d.batch.exported_at)
        .with("sent_at", &d.batch.sent_at)
        .with("sent_by", &d.batch.sent_by)
        .with("cancelled_at", &d.batch.cancelled_at)
        .with("totals", &totals)
        .with("sepa", &items(Method::Sepa))
        .with("manual", &items(Method::Manual))
        .with("has_file", &d.batch.sepa_xml.is_some())
        .with("has_debtor", &has_debtor)
        .with(
            "can_export",
            &(state == BatchState::Open && d.sepa_items().next().is_some()),
        )
        .with(
            "can_send",
            &(state.allows(BatchAction::MarkSent)
                && !(state == BatchState::Open && d.sepa_items().next().is_some())),
        )
        .with(
            "export_first",
            &(state == BatchState::Open && d.sepa_items().next().is_some()),
        )
        .with("can_cancel", &state.allows(BatchAction::Cancel)))
}

#[get("/admin/payouts/<id>")]
pub async fn get_admin_payout(
    finance: FinanceSession,
    id: &str,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
) -> Result<Page, AppError> {
    let id = parse_id(id)?;
    batch_page(&finance, id, locale, db, cfg.sepa_debtor().is_some()).await
}
