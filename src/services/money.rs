//! Money use cases (issue 15): record what the airline paid, what it paid the passenger
//! directly, and what we paid the passenger. Each one, in the caller's transaction:
//!
//! 1. loads the claim and its ledger (`db::ledger`) and refuses what the ledger cannot take
//!    (another currency, more than is outstanding or held, a claim not approved) with a typed
//!    [`RecordError`];
//! 2. inserts the ledger rows;
//! 3. moves the status to what the ledger now calls for (`domain::ledger::status_for`, through
//!    the state machine's `FollowLedger`), with a timeline event that carries the note to the
//!    passenger;
//! 4. audits `money.*` with the claim's figures before and after;
//! 5. tells the passenger: "the airline paid" when the status becomes airline paid, "your
//!    transfer has left" (`payment_sent`) only when a payout is recorded; a note to the
//!    passenger with no email of its own goes as a team message.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rusqlite::Transaction;

use super::staff::Actor;
use crate::db::claim_admin::{self, ClaimDetail};
use crate::db::ledger::{self, LedgerRow, NewEntry};
use crate::db::settlements::OfferState;
use crate::db::{DbError, audit, claims, settlements};
use crate::domain::claim::{self, ClaimStatus, Transition, split_fee};
use crate::domain::ledger::{Balance, Entry, EntryKind, balances, status_for, totals};
use crate::domain::money::{Currency, Money, MoneyError};
use crate::i18n::{Locale, translate};
use crate::mail::messages::{
    ClaimStage, PaymentSent, SettlementOffered, StatusChanged, TeamMessage,
};
use crate::mail::{self, Mailer, Recipient};

/// Why money was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("no such claim")]
    NotFound,
    /// Money is recorded on approved claims only (approved, airline paid, paid).
    #[error("the claim is {0}, not approved")]
    NotApproved(ClaimStatus),
    /// The amount is not in the claim's currency (or would overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("the amount must be positive")]
    AmountRequired,
    #[error("the value date is in the future")]
    FutureDate,
    /// More than the airline still owes.
    #[error("more than the amount outstanding")]
    ExceedsOutstanding,
    /// A payout and fee larger than the money held for the passenger.
    #[error("more than the money held")]
    ExceedsHeld,
    /// A settlement offer must be below the amount due (and positive).
    #[error("a settlement offer must be below the amount due")]
    OfferNotBelowDue,
    /// A payment below the amount due cannot settle the debt without the passenger's consent
    /// to that settlement (the mandate forbids it).
    #[error("a settlement below the amount due needs the passenger's consent")]
    NeedsConsent,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What the airline paid us.
#[derive(Debug, Clone)]
pub struct AirlinePayment {
    pub claim_ref: String,
    pub amount: Money,
    pub value_date: NaiveDate,
    pub payer: String,
    pub reference: String,
    /// The airline says this payment settles the claim (full); otherwise more may come.
    pub settles: bool,
    /// Words for the passenger (may be empty).
    pub note: String,
}

/// What the airline paid the passenger directly.
#[derive(Debug, Clone)]
pub struct DirectPayment {
    pub claim_ref: String,
    pub amount: Money,
    pub value_date: NaiveDate,
    pub note: String,
}

/// What we paid the passenger, and the fee we withheld.
#[derive(Debug, Clone)]
pub struct Payout {
    pub claim_ref: String,
    pub amount: Money,
    pub fee: Money,
    pub value_date: NaiveDate,
    pub reference: String,
    pub note: String,
    /// Who issues the fee invoice, and its VAT (from the configuration).
    pub invoicing: super::invoices::Issuer,
}

/// The claim's money after a recorded movement.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub before: ClaimStatus,
    pub after: ClaimStatus,
    pub totals: Vec<Balance>,
}

/// A claim with its ledger and where its money stands.
#[derive(Debug, Clone)]
pub struct ClaimMoney {
    pub claim: ClaimDetail,
    pub status: ClaimStatus,
    pub currency: Currency,
    pub rows: Vec<LedgerRow>,
    /// Per passenger (or whole claim) and currency.
    pub balances: Vec<Balance>,
    /// Per currency.
    pub totals: Vec<Balance>,
}

impl ClaimMoney {
    /// The totals in the claim's currency.
    pub fn main(&self) -> Balance {
        self.totals
            .iter()
            .find(|b| b.currency == self.currency)
            .copied()
            .unwrap_or_else(|| Balance::zero(None, self.currency))
    }

    /// What a payout would be by default: the fee still to withhold on what was received (the
    /// claim's percentage, less fees already withheld) and the rest of the money held.
    pub fn suggested_payout(&self) -> (Money, Money) {
        let b = self.main();
        let pct = u8::try_from(self.claim.fee_percent).unwrap_or(25);
        let due = split_fee(b.received.minor, pct).fee_cents - b.fee.minor;
        let fee = due.clamp(0, b.held.minor.max(0));
        (
            Money::new(b.held.minor - fee, self.currency),
            Money::new(fee, self.currency),
        )
    }
}

/// Loads a claim's money: its ledger, balances and totals. `None` when there is no such claim.
pub fn load(conn: &rusqlite::Connection, claim_ref: &str) -> Result<Option<ClaimMoney>, DbError> {
    let Some(claim) = claim_admin::find_detail(conn, claim_ref)? else {
        return Ok(None);
    };
    let status = ClaimStatus::parse(&claim.status).ok_or(DbError::NotFound)?;
    let currency = Currency::stored(&claim.currency);
    let rows = ledger::list_for_claim(conn, claim.id)?;
    let entries: Vec<Entry> = rows.iter().map(LedgerRow::entry).collect();
    let owed: Vec<(Option<i64>, Money)> = claim
        .approved_cents
        .map(|c| (None, Money::new(c, currency)))
        .into_iter()
        .collect();
    // Only an overflow can fail here: every row is in the claim's currency.
    let overflow = |e: MoneyError| DbError::Conflict(e.to_string());
    let balances = balances(&owed, &entries).map_err(overflow)?;
    let totals = totals(&balances).map_err(overflow)?;
    Ok(Some(ClaimMoney {
        claim,
        status,
        currency,
        rows,
        balances,
        totals,
    }))
}

fn load_approved(tx: &Transaction<'_>, claim_ref: &str) -> Result<ClaimMoney, RecordError> {
    let m = load(tx, claim_ref)?.ok_or(RecordError::NotFound)?;
    if !m.status.is_money_stage() {
        return Err(RecordError::NotApproved(m.status));
    }
    Ok(m)
}

fn check_amount(m: &ClaimMoney, amount: Money, date: NaiveDate) -> Result<(), RecordError> {
    Money::zero(m.currency).checked_add(amount)?;
    if amount.minor <= 0 {
        return Err(RecordError::AmountRequired);
    }
    if date > chrono::Utc::now().date_naive() {
        return Err(RecordError::FutureDate);
    }
    Ok(())
}

/// The claim's figures for the audit log: status and, per currency, every total.
fn summary(status: ClaimStatus, totals: &[Balance]) -> String {
    let mut out = status.to_string();
    for b in totals {
        let _ = write!(
            out,
            "; {}: owed {} received {} paid directly {} paid out {} fee {} written off {} held {} outstanding {}",
            b.currency,
            b.owed.minor,
            b.received.minor,
            b.paid_directly.minor,
            b.paid_out.minor,
            b.fee.minor,
            b.written_off.minor,
            b.held.minor,
            b.outstanding.minor
        );
    }
    out
}

fn recipient(d: &ClaimDetail) -> Recipient {
    Recipient::new(
        &d.email,
        d.name.clone(),
        Locale::from_tag(&d.locale).unwrap_or_default(),
    )
}

/// The rows to insert for one use case, with their common fields.
struct Rows<'a> {
    actor: &'a Actor,
    claim_id: i64,
    value_date: String,
}

impl Rows<'_> {
    fn insert(
        &self,
        tx: &Transaction<'_>,
        kind: EntryKind,
        amount: Money,
        (payer, reference, settles, note): (&str, &str, bool, &str),
    ) -> Result<(), DbError> {
        ledger::insert(
            tx,
            &NewEntry {
                claim_id: self.claim_id,
                entry: Entry {
                    passenger: None,
                    kind,
                    amount,
                },
                value_date: self.value_date.clone(),
                payer: payer.into(),
                reference: reference.into(),
                settles,
                note: note.into(),
                recorded_by_id: Some(self.actor.user_id),
                recorded_by: self.actor.email.clone(),
            },
        )?;
        Ok(())
    }
}

/// After the rows: the status the ledger calls for (timeline event with the note), the audit
/// entry. Returns the new figures and whether the note is on the timeline already.
fn follow(
    tx: &Transaction<'_>,
    actor: &Actor,
    before: &ClaimMoney,
    action: &str,
    note: &str,
) -> Result<(Recorded, bool), RecordError> {
    let after = load(tx, &before.claim.claim_ref)?.ok_or(RecordError::NotFound)?;
    let to = status_for(before.status, &after.totals);
    let mut noted = false;
    if to != before.status {
        let to = claim::apply(before.status, &Transition::FollowLedger { to })
            .map_err(|_| RecordError::NotApproved(before.status))?;
        claims::set_status(tx, before.claim.id, to)?;
        claim_admin::add_status_event(
            tx,
            before.claim.id,
            Some(actor.user_id),
            before.status.as_str(),
            to.as_str(),
            note,
        )?;
        noted = true;
    }
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        action,
        &format!("claim:{}", before.claim.claim_ref),
        Some(&summary(before.status, &before.totals)),
        Some(&summary(to, &after.totals)),
    )?;
    Ok((
        Recorded {
            before: before.status,
            after: to,
            totals: after.totals,
        },
        noted,
    ))
}

/// A note for the passenger that no email of the action carries: on their timeline (unless the
/// status event has it already) and as a team message.
fn note_only(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    actor: &Actor,
    m: &ClaimMoney,
    note: &str,
    on_timeline: bool,
) -> Result<(), DbError> {
    if note.is_empty() {
        return Ok(());
    }
    if !on_timeline {
        claim_admin::add_text_event(tx, m.claim.id, actor.user_id, note, true)?;
    }
    let author = actor
        .email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_string();
    mail::queue(
        tx,
        mailer,
        &recipient(&m.claim),
        &TeamMessage {
            claim_ref: Some(m.claim.claim_ref.clone()),
            author,
            body: note.to_string(),
        },
    )?;
    Ok(())
}

/// Records a payment from the airline. A payment that settles the claim below the amount
/// outstanding needs the passenger's accepted settlement offer (`db::settlements`): the rest is
/// then written off.
pub fn record_airline_payment(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    actor: &Actor,
    input: &AirlinePayment,
) -> Result<Recorded, RecordError> {
    let m = load_approved(tx, &input.claim_ref)?;
    check_amount(&m, input.amount, input.value_date)?;
    let outstanding = m.main().outstanding;
    if input.amount.minor > outstanding.minor {
        return Err(RecordError::ExceedsOutstanding);
    }
    let rest = outstanding.checked_sub(input.amount)?;
    let write_off = input.settles && !rest.is_zero();
    if write_off {
        let received_after = m.main().received.checked_add(input.amount)?;
        match settlements::find_accepted(tx, m.claim.id)? {
            Some(offer) if offer.amount == received_after => {}
            _ => return Err(RecordError::NeedsConsent),
        }
    }
    let rows = Rows {
        actor,
        claim_id: m.claim.id,
        value_date: input.value_date.to_string(),
    };
    rows.insert(
        tx,
        EntryKind::AirlinePaymentReceived,
        input.amount,
        (&input.payer, &input.reference, input.settles, ""),
    )?;
    if write_off {
        rows.insert(
            tx,
            EntryKind::WriteOff,
            rest,
            ("", "", false, "Settlement accepted by the passenger"),
        )?;
    }
    let (done, noted) = follow(tx, actor, &m, "money.airline_payment", &input.note)?;
    if done.after == ClaimStatus::AirlinePaid && done.before != ClaimStatus::AirlinePaid {
        mail::queue(
            tx,
            mailer,
            &recipient(&m.claim),
            &StatusChanged {
                claim_ref: m.claim.claim_ref.clone(),
                stage: ClaimStage::AirlinePaid,
                note: Some(input.note.clone()).filter(|n| !n.is_empty()),
            },
        )?;
    } else {
        note_only(tx, mailer, actor, &m, &input.note, noted)?;
    }
    Ok(done)
}

/// Records a payment the airline made to the passenger directly (declared by the passenger or
/// found by staff). Our fee is then due from the passenger (mandate §5).
pub fn record_direct_payment(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    actor: &Actor,
    input: &DirectPayment,
) -> Result<Recorded, RecordError> {
    let m = load_approved(tx, &input.claim_ref)?;
    check_amount(&m, input.amount, input.value_date)?;
    if input.amount.minor > m.main().outstanding.minor {
        return Err(RecordError::ExceedsOutstanding);
    }
    Rows {
        actor,
        claim_id: m.claim.id,
        value_date: input.value_date.to_string(),
    }
    .insert(
        tx,
        EntryKind::PaidDirectlyToPassenger,
        input.amount,
        ("", "", false, ""),
    )?;
    let (done, noted) = follow(tx, actor, &m, "money.direct_payment", &input.note)?;
    note_only(tx, mailer, actor, &m, &input.note, noted)?;
    Ok(done)
}

/// Records a payout to the passenger and the fee withheld, then sends "your transfer has left".
pub fn record_payout(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    actor: &Actor,
    input: &Payout,
) -> Result<Recorded, RecordError> {
    let m = load_approved(tx, &input.claim_ref)?;
    check_amount(&m, input.amount, input.value_date)?;
    Money::zero(m.currency).checked_add(input.fee)?;
    if input.fee.minor < 0 {
        return Err(RecordError::AmountRequired);
    }
    let b = m.main();
    if input.amount.checked_add(input.fee)?.minor > b.held.minor {
        return Err(RecordError::ExceedsHeld);
    }
    let rows = Rows {
        actor,
        claim_id: m.claim.id,
        value_date: input.value_date.to_string(),
    };
    if !input.fee.is_zero() {
        rows.insert(tx, EntryKind::Fee, input.fee, ("", "", false, ""))?;
    }
    rows.insert(
        tx,
        EntryKind::PayoutToPassenger,
        input.amount,
        ("", &input.reference, false, ""),
    )?;
    // The fee is earned: its invoice, in this transaction.
    super::invoices::issue_for_fees(tx, &input.invoicing, actor, &m.claim, chrono::Utc::now())
        .map_err(invoice_refused)?;
    let (done, noted) = follow(tx, actor, &m, "money.payout", &input.note)?;
    if !noted && !input.note.is_empty() {
        claim_admin::add_text_event(tx, m.claim.id, actor.user_id, &input.note, true)?;
    }
    mail::queue(
        tx,
        mailer,
        &recipient(&m.claim),
        &PaymentSent {
            claim_ref: m.claim.claim_ref.clone(),
            compensation: input.amount.checked_add(input.fee)?,
            fee: input.fee,
            net: input.amount,
            account_hint: Some(mask_iban(&m.claim.payout_iban)),
            note: Some(input.note.clone()).filter(|n| !n.is_empty()),
        },
    )?;
    Ok(done)
}

/// An invoice that could not be issued with the payout: the fee row is there, so only the
/// database or an overflow can refuse it.
fn invoice_refused(err: super::invoices::InvoiceError) -> RecordError {
    use super::invoices::InvoiceError;
    match err {
        InvoiceError::Db(e) => RecordError::Db(e),
        InvoiceError::Money(e) => RecordError::Money(e),
        other => RecordError::Db(DbError::Conflict(other.to_string())),
    }
}

/// A settlement below the amount due, offered to the passenger.
#[derive(Debug, Clone)]
pub struct SettlementOffer {
    pub claim_ref: String,
    /// What the airline would pay in all for the claim.
    pub amount: Money,
    /// Words for the passenger (may be empty).
    pub note: String,
}

/// Records a settlement offer (an older pending one is withdrawn), puts it on the passenger's
/// timeline and emails it to them: they accept or refuse it on their claim page.
pub fn offer_settlement(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    actor: &Actor,
    input: &SettlementOffer,
) -> Result<i64, RecordError> {
    let m = load_approved(tx, &input.claim_ref)?;
    Money::zero(m.currency).checked_add(input.amount)?;
    let b = m.main();
    let due = b
        .owed
        .checked_sub(b.paid_directly)?
        .checked_sub(b.written_off)?;
    if input.amount.minor <= 0 || input.amount.minor >= due.minor {
        return Err(RecordError::OfferNotBelowDue);
    }
    let before = settlements::find_latest(tx, m.claim.id)?
        .map_or_else(|| "none".to_string(), |o| offer_summary(o.state, o.amount));
    let id = settlements::insert(
        tx,
        m.claim.id,
        input.amount,
        &input.note,
        (actor.user_id, &actor.email),
    )?;
    let to = recipient(&m.claim);
    let lang = to.locale.as_str();
    let mut body = translate(
        lang,
        "claims.settlement.event_offered",
        &[
            ("amount", &input.amount.format(to.locale)),
            ("due", &due.format(to.locale)),
        ],
    );
    if !input.note.is_empty() {
        body = format!("{body}\n\n{}", input.note);
    }
    claim_admin::add_text_event(tx, m.claim.id, actor.user_id, &body, true)?;
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "money.settlement_offered",
        &format!("claim:{}", m.claim.claim_ref),
        Some(&before),
        Some(&offer_summary(OfferState::Pending, input.amount)),
    )?;
    mail::queue(
        tx,
        mailer,
        &to,
        &SettlementOffered {
            claim_ref: m.claim.claim_ref.clone(),
            offered: input.amount,
            due,
            note: Some(input.note.clone()).filter(|n| !n.is_empty()),
        },
    )?;
    Ok(id)
}

fn offer_summary(state: OfferState, amount: Money) -> String {
    format!("{} {} {}", state.as_str(), amount.currency, amount.minor)
}

/// The passenger's answer to a settlement offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Refuse,
}

/// Who answers (the claim's owner) and what.
#[derive(Debug, Clone)]
pub struct SettlementAnswer {
    pub claim_id: i64,
    pub claim_ref: String,
    pub offer_id: i64,
    pub answer: Answer,
    /// The claim's account: the timeline and the audit log name it.
    pub user_id: i64,
}

/// Accepts or refuses a pending offer: its state, a timeline event, the audit entry. A
/// refused, withdrawn or already answered offer is [`RecordError::NotFound`].
pub fn answer_settlement(
    tx: &Transaction<'_>,
    input: &SettlementAnswer,
) -> Result<(), RecordError> {
    let offer = settlements::find_latest(tx, input.claim_id)?
        .filter(|o| o.id == input.offer_id && o.state == OfferState::Pending)
        .ok_or(RecordError::NotFound)?;
    let (state, key) = match input.answer {
        Answer::Accept => (OfferState::Accepted, "claims.settlement.event_accepted"),
        Answer::Refuse => (OfferState::Refused, "claims.settlement.event_refused"),
    };
    settlements::answer(tx, input.claim_id, offer.id, state)?;
    let account = crate::db::users::find_account(tx, input.user_id)?;
    let locale = Locale::from_tag(&account.locale).unwrap_or_default();
    let body = translate(
        locale.as_str(),
        key,
        &[("amount", &offer.amount.format(locale))],
    );
    claim_admin::add_text_event(tx, input.claim_id, input.user_id, &body, true)?;
    audit::record(
        tx,
        Some(input.user_id),
        &account.email,
        "money.settlement_answered",
        &format!("claim:{}", input.claim_ref),
        Some(&offer_summary(OfferState::Pending, offer.amount)),
        Some(&offer_summary(state, offer.amount)),
    )?;
    Ok(())
}

/// `FR76 •••• •••• 0189`: the country, check digits and last four characters only.
pub fn mask_iban(iban: &str) -> String {
    crate::domain::iban::masked(iban)
}
