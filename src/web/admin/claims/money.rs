//! The money of one claim for staff: its balances and ledger on the claim page, and the forms
//! that record money — an airline payment, a payment the airline made to the passenger
//! directly, a payout. Finance staff and admins only (403 for agents, who see the figures but
//! not the forms). Each handler parses, runs one `services::money` use case and redirects, or
//! re-renders the claim with the refusal.

use std::sync::Arc;

use chrono::NaiveDate;
use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, post};
use rusqlite::Transaction;
use serde::Serialize;

use super::super::auth::StaffSession;
use super::{detail, parse_ref};
use crate::db::Db;
use crate::db::claims::ClaimPassenger;
use crate::db::settlements::Offer;
use crate::domain::ledger::Balance;
use crate::domain::money::{Currency, Money, parse_amount};
use crate::i18n::{Locale, translate};
use crate::mail::Mailer;
use crate::services::money::{
    self, AirlinePayment, ClaimMoney, DirectPayment, Payout, RecordError, SettlementOffer,
};
use crate::services::staff::Actor;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::{AppError, flash};

/// Longest note, payer or reference kept.
const MAX_TEXT: usize = 2000;

fn cut(text: &str) -> String {
    text.trim().chars().take(MAX_TEXT).collect()
}

/// One balance line as the page shows it (amounts with two decimals).
#[derive(Debug, Serialize)]
pub struct BalanceView {
    pub who: String,
    pub currency: Currency,
    pub owed: String,
    pub received: String,
    pub paid_directly: String,
    pub paid_out: String,
    pub fee: String,
    pub written_off: String,
    pub held: String,
    pub outstanding: String,
}

/// One ledger row as the page shows it.
#[derive(Debug, Serialize)]
pub struct RowView {
    pub value_date: String,
    pub kind: String,
    pub who: String,
    pub amount: String,
    pub payer: String,
    pub reference: String,
    pub settles: bool,
    pub note: String,
    pub recorded_by: String,
    pub created_at: String,
}

/// A settlement offer on the claim page.
#[derive(Debug, Serialize)]
pub struct OfferView {
    pub amount: String,
    pub state: String,
    pub offered_at: String,
    pub answered_at: Option<String>,
}

/// The money section of the claim page.
#[derive(Debug, Serialize)]
pub struct MoneyView {
    pub balances: Vec<BalanceView>,
    pub rows: Vec<RowView>,
    pub currency: Currency,
    pub currencies: Vec<Currency>,
    pub can_record: bool,
    /// Forms open: the claim is approved, airline paid or paid.
    pub open: bool,
    pub outstanding_plain: String,
    pub payout_plain: String,
    pub fee_plain: String,
    pub held: bool,
    pub offer: Option<OfferView>,
    pub today: String,
}

fn who(passenger: Option<i64>, passengers: &[ClaimPassenger], lang: &str) -> String {
    passenger
        .and_then(|p| usize::try_from(p).ok())
        .and_then(|p| passengers.get(p.saturating_sub(1)))
        .map_or_else(
            || translate(lang, "admin.money.whole_claim", &[]),
            |p| format!("{} {}", p.first_name, p.last_name),
        )
}

fn balance_view(b: &Balance, passengers: &[ClaimPassenger], locale: Locale) -> BalanceView {
    let f = |m: Money| m.format_exact(locale);
    BalanceView {
        who: who(b.passenger, passengers, locale.as_str()),
        currency: b.currency,
        owed: f(b.owed),
        received: f(b.received),
        paid_directly: f(b.paid_directly),
        paid_out: f(b.paid_out),
        fee: f(b.fee),
        written_off: f(b.written_off),
        held: f(b.held),
        outstanding: f(b.outstanding),
    }
}

/// The money section for a claim, in the reader's language.
pub fn view(
    m: &ClaimMoney,
    offer: Option<&Offer>,
    passengers: &[ClaimPassenger],
    staff: &StaffSession,
    locale: Locale,
) -> MoneyView {
    let lang = locale.as_str();
    let main = m.main();
    let (payout, fee) = m.suggested_payout();
    MoneyView {
        balances: m
            .balances
            .iter()
            .map(|b| balance_view(b, passengers, locale))
            .collect(),
        rows: m
            .rows
            .iter()
            .map(|r| RowView {
                value_date: r.value_date.clone(),
                kind: r.kind.as_str().to_string(),
                who: who(r.passenger, passengers, lang),
                amount: r.amount.format_exact(locale),
                payer: r.payer.clone(),
                reference: r.reference.clone(),
                settles: r.settles,
                note: r.note.clone(),
                recorded_by: r.recorded_by.clone(),
                created_at: r.created_at.clone(),
            })
            .collect(),
        currency: m.currency,
        currencies: Currency::ALL.to_vec(),
        can_record: staff.can_record_money(),
        open: m.status.is_money_stage(),
        outstanding_plain: main.outstanding.plain(),
        payout_plain: payout.plain(),
        fee_plain: fee.plain(),
        held: main.held.minor > 0,
        offer: offer.map(|o| OfferView {
            amount: o.amount.format_exact(locale),
            state: o.state.as_str().to_string(),
            offered_at: o.offered_at.clone(),
            answered_at: o.answered_at.clone(),
        }),
        today: chrono::Utc::now().date_naive().to_string(),
    }
}

/// The translated message of a refusal and its status (409 when the claim is not in a money
/// stage, 422 for what the form got wrong).
pub fn refusal(err: &RecordError, lang: &str) -> Result<(Status, String), AppError> {
    let key = match err {
        RecordError::NotFound => return Err(AppError::NotFound),
        RecordError::Db(e) => return Err(AppError::Internal(e.to_string())),
        RecordError::NotApproved(_) => "admin.money.error.not_approved",
        RecordError::Money(crate::domain::money::MoneyError::CurrencyMismatch { .. }) => {
            "admin.money.error.currency"
        }
        RecordError::Money(_) | RecordError::AmountRequired => "admin.money.error.amount",
        RecordError::FutureDate => "admin.money.error.date",
        RecordError::ExceedsOutstanding => "admin.money.error.exceeds_outstanding",
        RecordError::ExceedsHeld => "admin.money.error.exceeds_held",
        RecordError::NeedsConsent => "admin.money.error.needs_consent",
        RecordError::OfferNotBelowDue => "admin.money.error.offer",
    };
    let status = if matches!(err, RecordError::NotApproved(_)) {
        Status::Conflict
    } else {
        Status::UnprocessableEntity
    };
    Ok((status, translate(lang, key, &[])))
}

/// The claim page again with a refusal.
async fn refused(
    db: &Db,
    staff: &StaffSession,
    claim_ref: &str,
    locale: Locale,
    err: &RecordError,
) -> Result<Page, AppError> {
    let (status, text) = refusal(err, locale.as_str())?;
    Ok(detail::claim_page(db, staff, claim_ref, locale)
        .await?
        .with("error", &text)
        .status(status))
}

/// The signed-in staff member as the use cases' actor, when they may record money (403
/// otherwise); the reference must parse (404 otherwise).
fn recorder(staff: &StaffSession, claim_ref: &str) -> Result<(Actor, String), AppError> {
    let key = parse_ref(claim_ref)?.to_string();
    if !staff.can_record_money() {
        return Err(AppError::Forbidden);
    }
    Ok((
        Actor {
            user_id: staff.user.user_id,
            email: staff.user.email.clone(),
        },
        key,
    ))
}

fn parse_money(amount: &str, currency: &str) -> Result<Money, RecordError> {
    let minor = parse_amount(amount).ok_or(RecordError::AmountRequired)?;
    let currency = Currency::parse(currency).ok_or(RecordError::AmountRequired)?;
    Ok(Money::new(minor, currency))
}

fn parse_date(text: &str) -> Result<NaiveDate, RecordError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| RecordError::FutureDate)
}

/// A money use case over a transaction.
type UseCase<I, T> = fn(&Transaction<'_>, &Mailer, &Actor, &I) -> Result<T, RecordError>;

/// Runs `use_case` on the parsed input (a parse error is the refusal itself).
async fn run<I, T>(
    db: &Db,
    mailer: &Arc<Mailer>,
    actor: Actor,
    parsed: Result<I, RecordError>,
    use_case: UseCase<I, T>,
) -> Result<T, RecordError>
where
    I: Send + 'static,
    T: Send + 'static,
{
    let input = parsed?;
    let m = Arc::clone(mailer);
    db.transact(move |tx| use_case(tx, &m, &actor, &input))
        .await
}

/// What a handler answers once its use case ran.
async fn finish<T>(
    outcome: Result<T, RecordError>,
    (db, staff, claim_ref, locale): (&Db, &StaffSession, &str, Locale),
    cookies: &CookieJar<'_>,
    flash_key: &'static str,
) -> Result<Result<Redirect, Page>, AppError> {
    match outcome {
        Ok(_) => {
            flash::set(cookies, flash_key);
            let key = parse_ref(claim_ref)?;
            Ok(Ok(Redirect::to(format!("/admin/claims/{key}"))))
        }
        Err(err) => Ok(Err(refused(db, staff, claim_ref, locale, &err).await?)),
    }
}

#[derive(Debug, FromForm)]
pub struct AirlinePaymentForm {
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub currency: String,
    #[field(default = String::new())]
    pub date: String,
    #[field(default = String::new())]
    pub payer: String,
    #[field(default = String::new())]
    pub reference: String,
    /// `full` (settles the claim) or `partial`.
    #[field(default = String::new())]
    pub settlement: String,
    #[field(default = String::new())]
    pub note: String,
}

#[post("/admin/claims/<claim_ref>/money/airline-payment", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_airline_payment(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<AirlinePaymentForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let (actor, key) = recorder(&staff, claim_ref)?;
    let f = form.0;
    let parsed = parse_money(&f.amount, &f.currency).and_then(|amount| {
        Ok(AirlinePayment {
            claim_ref: key,
            amount,
            value_date: parse_date(&f.date)?,
            payer: cut(&f.payer),
            reference: cut(&f.reference),
            settles: f.settlement == "full",
            note: cut(&f.note),
        })
    });
    let outcome = run(db, mailer, actor, parsed, money::record_airline_payment).await;
    let ctx = (db.inner(), &staff, claim_ref, locale);
    finish(outcome, ctx, cookies, "admin.money.flash.airline_payment").await
}

#[derive(Debug, FromForm)]
pub struct DirectPaymentForm {
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub currency: String,
    #[field(default = String::new())]
    pub date: String,
    #[field(default = String::new())]
    pub note: String,
}

#[post("/admin/claims/<claim_ref>/money/direct-payment", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_direct_payment(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<DirectPaymentForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let (actor, key) = recorder(&staff, claim_ref)?;
    let f = form.0;
    let parsed = parse_money(&f.amount, &f.currency).and_then(|amount| {
        Ok(DirectPayment {
            claim_ref: key,
            amount,
            value_date: parse_date(&f.date)?,
            note: cut(&f.note),
        })
    });
    let outcome = run(db, mailer, actor, parsed, money::record_direct_payment).await;
    let ctx = (db.inner(), &staff, claim_ref, locale);
    finish(outcome, ctx, cookies, "admin.money.flash.direct_payment").await
}

#[derive(Debug, FromForm)]
pub struct PayoutForm {
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub fee: String,
    #[field(default = String::new())]
    pub currency: String,
    #[field(default = String::new())]
    pub date: String,
    #[field(default = String::new())]
    pub reference: String,
    #[field(default = String::new())]
    pub note: String,
}

#[post("/admin/claims/<claim_ref>/money/payout", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_payout(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<PayoutForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
    cfg: &State<crate::config::AppConfig>,
) -> Result<Result<Redirect, Page>, AppError> {
    let (actor, key) = recorder(&staff, claim_ref)?;
    let f = form.0;
    let fee_text = if f.fee.trim().is_empty() { "0" } else { &f.fee };
    let parsed = parse_money(&f.amount, &f.currency).and_then(|amount| {
        Ok(Payout {
            claim_ref: key,
            amount,
            fee: parse_money(fee_text, &f.currency)?,
            value_date: parse_date(&f.date)?,
            reference: cut(&f.reference),
            note: cut(&f.note),
            invoicing: crate::services::invoices::Issuer::from_config(cfg),
        })
    });
    let outcome = run(db, mailer, actor, parsed, money::record_payout).await;
    let ctx = (db.inner(), &staff, claim_ref, locale);
    finish(outcome, ctx, cookies, "admin.money.flash.payout").await
}

#[derive(Debug, FromForm)]
pub struct OfferForm {
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub currency: String,
    #[field(default = String::new())]
    pub note: String,
}

/// Records a settlement offer below the amount due; the passenger is emailed and answers on
/// their claim page.
#[post("/admin/claims/<claim_ref>/money/offer", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_offer(
    staff: StaffSession,
    claim_ref: &str,
    form: CsrfForm<OfferForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let (actor, key) = recorder(&staff, claim_ref)?;
    let f = form.0;
    let parsed = parse_money(&f.amount, &f.currency)
        .map(|amount| SettlementOffer {
            claim_ref: key,
            amount,
            note: cut(&f.note),
        })
        .map_err(|_| RecordError::OfferNotBelowDue);
    let outcome = run(db, mailer, actor, parsed, money::offer_settlement).await;
    let ctx = (db.inner(), &staff, claim_ref, locale);
    finish(outcome, ctx, cookies, "admin.money.flash.offer").await
}
