//! Payout batches (issue 15): finance staff pay passengers the money we hold for them, many at
//! once. Every use case runs in the caller's transaction and is audited (`payouts.*`, target
//! `payout_batch:<id>`):
//!
//! 1. [`ready`] lists the claims to pay out (money held, a payout account, in no active batch)
//!    with the amounts a payout would have: the fee still due and the net transfer (as the
//!    claim page suggests them, `services::money::ClaimMoney::suggested_payout`);
//! 2. [`create`] makes a batch of some of them; a claim not ready (paid meanwhile, in another
//!    batch, a tampered reference) refuses the whole batch;
//! 3. [`export`] writes the `pain.001.001.09` file of its SEPA transfers (euros to SEPA IBANs)
//!    once and keeps it: the batch is then frozen, downloading again serves the same file;
//! 4. [`mark_sent`] records each payout and fee in the ledger through
//!    `services::money::record_payout` (the status follows the ledger, the passenger gets "your
//!    transfer has left" in their language then, not before); a second submission finds the
//!    batch sent and records nothing;
//! 5. [`cancel`] releases the batch's claims for another batch.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, Transaction};

use super::money::{self, Payout, RecordError};
use super::staff::Actor;
use crate::db::payout_batches::{self, BatchRow, ItemRow, NewItem};
use crate::db::{DbError, audit};
use crate::domain::money::MoneyError;
use crate::domain::payout_batch::{
    Amounts, BatchAction, BatchState, CurrencyTotal, Method, end_to_end_id, message_id, method_for,
    totals,
};
use crate::domain::sepa::{self, Debtor, SepaError, Transfer};

/// Why a batch action was refused.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("no such batch")]
    NotFound,
    #[error("no claim selected")]
    Empty,
    /// The claim is not ready to pay out (or not a claim at all).
    #[error("claim {0} is not ready to pay out")]
    NotReady(String),
    /// The batch's state does not allow the action.
    #[error("the batch is {}", .0.as_str())]
    State(BatchState),
    #[error("no transfer of the batch can go in a SEPA file")]
    NoSepaTransfers,
    /// The batch has SEPA transfers but their file was never written: they cannot have left.
    #[error("the SEPA file was not written")]
    NotExported,
    /// `operator_iban` is not configured.
    #[error("the agency's bank account is not configured")]
    NoDebtor,
    #[error(transparent)]
    Sepa(#[from] SepaError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A payout the ledger refused (the money held changed since the batch was made).
    #[error("claim {claim_ref}: {err}")]
    Record { claim_ref: String, err: RecordError },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A claim ready to pay out, with its payout.
#[derive(Debug, Clone)]
pub struct ReadyPayout {
    pub claim_id: i64,
    pub claim_ref: String,
    pub holder: String,
    pub iban: String,
    pub flight_number: String,
    pub flight_date: String,
    pub amounts: Amounts,
    pub method: Method,
}

fn ready_for(conn: &Connection, only: Option<&[String]>) -> Result<Vec<ReadyPayout>, DbError> {
    let mut out = Vec::new();
    for c in payout_batches::list_ready(conn, only)? {
        let Some(m) = money::load(conn, &c.claim_ref)? else {
            continue;
        };
        let (net, fee) = m.suggested_payout();
        if net.minor <= 0 || net.currency != c.currency {
            continue;
        }
        out.push(ReadyPayout {
            claim_id: c.claim_id,
            method: method_for(c.currency, &c.iban),
            claim_ref: c.claim_ref,
            holder: c.holder,
            iban: c.iban,
            flight_number: c.flight_number,
            flight_date: c.flight_date,
            amounts: Amounts {
                gross: c.held,
                fee,
                net,
            },
        });
    }
    Ok(out)
}

/// The claims ready to pay out, oldest first.
pub fn ready(conn: &Connection) -> Result<Vec<ReadyPayout>, DbError> {
    ready_for(conn, None)
}

/// `EUR 2 payouts net 900.00 fee 300.00; GBP …`: a batch's figures for the audit log.
fn summary(state: BatchState, totals: &[CurrencyTotal]) -> String {
    let mut out = state.as_str().to_string();
    for t in totals {
        let _ = write!(
            out,
            "; {}: {} payouts, gross {} fee {} net {}",
            t.currency, t.payouts, t.gross.minor, t.fee.minor, t.net.minor
        );
    }
    out
}

/// What the passenger reads on their bank statement.
fn remittance(p: &ReadyPayout) -> String {
    format!(
        "{} compensation {} {}",
        p.claim_ref, p.flight_number, p.flight_date
    )
}

/// Makes a batch of the claims `claim_refs` (each must be ready); returns its id.
pub fn create(
    tx: &Transaction<'_>,
    actor: &Actor,
    claim_refs: &[String],
) -> Result<i64, BatchError> {
    let mut refs: Vec<String> = claim_refs.to_vec();
    refs.sort();
    refs.dedup();
    if refs.is_empty() {
        return Err(BatchError::Empty);
    }
    let ready = ready_for(tx, Some(&refs))?;
    if let Some(missing) = refs
        .iter()
        .find(|r| !ready.iter().any(|p| &p.claim_ref == *r))
    {
        return Err(BatchError::NotReady(missing.clone()));
    }
    let id = payout_batches::insert_batch(tx, actor.user_id, &actor.email)?;
    for p in &ready {
        payout_batches::insert_item(
            tx,
            &NewItem {
                batch_id: id,
                claim_id: p.claim_id,
                holder: p.holder.clone(),
                iban: p.iban.clone(),
                gross: p.amounts.gross,
                fee: p.amounts.fee,
                net: p.amounts.net,
                method: p.method,
                end_to_end_id: end_to_end_id(&p.claim_ref, id),
                remittance: remittance(p),
            },
        )
        .map_err(|e| match e {
            DbError::Conflict(_) => BatchError::NotReady(p.claim_ref.clone()),
            other => BatchError::Db(other),
        })?;
    }
    let amounts: Vec<Amounts> = ready.iter().map(|p| p.amounts).collect();
    let refs_text = ready
        .iter()
        .map(|p| p.claim_ref.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "payouts.batch_created",
        &format!("payout_batch:{id}"),
        None,
        Some(&format!(
            "{}; claims {refs_text}",
            summary(BatchState::Open, &totals(&amounts)?)
        )),
    )?;
    Ok(id)
}

/// A batch with its payouts and totals.
#[derive(Debug, Clone)]
pub struct BatchDetail {
    pub batch: BatchRow,
    pub items: Vec<ItemRow>,
    /// Per currency, every payout.
    pub totals: Vec<CurrencyTotal>,
}

impl BatchDetail {
    pub fn sepa_items(&self) -> impl Iterator<Item = &ItemRow> {
        self.items.iter().filter(|i| i.method == Method::Sepa)
    }

    pub fn manual_items(&self) -> impl Iterator<Item = &ItemRow> {
        self.items.iter().filter(|i| i.method == Method::Manual)
    }
}

fn amounts(i: &ItemRow) -> Amounts {
    Amounts {
        gross: i.gross,
        fee: i.fee,
        net: i.net,
    }
}

/// A batch, or `None`.
pub fn detail(conn: &Connection, id: i64) -> Result<Option<BatchDetail>, DbError> {
    let Some(batch) = payout_batches::find(conn, id)? else {
        return Ok(None);
    };
    let items = payout_batches::list_items(conn, id)?;
    // Only an overflow can fail here: the totals are per currency.
    let totals = totals(&items.iter().map(amounts).collect::<Vec<_>>())
        .map_err(|e| DbError::Conflict(e.to_string()))?;
    Ok(Some(BatchDetail {
        batch,
        items,
        totals,
    }))
}

fn load(conn: &Connection, id: i64, action: BatchAction) -> Result<BatchDetail, BatchError> {
    let d = detail(conn, id)?.ok_or(BatchError::NotFound)?;
    if d.batch.state.allows(action) {
        Ok(d)
    } else {
        Err(BatchError::State(d.batch.state))
    }
}

/// When and from which account the file is written.
#[derive(Debug, Clone)]
pub struct ExportInput {
    pub batch_id: i64,
    /// `None`: `operator_iban` is not configured.
    pub debtor: Option<Debtor>,
    pub now: NaiveDateTime,
    pub execution_date: NaiveDate,
}

/// The batch's SEPA file: written and kept the first time (open → exported, audited), the same
/// bytes afterwards.
pub fn export(
    tx: &Transaction<'_>,
    actor: &Actor,
    input: &ExportInput,
) -> Result<String, BatchError> {
    let d = load(tx, input.batch_id, BatchAction::Export)?;
    if let Some(xml) = d.batch.sepa_xml {
        return Ok(xml);
    }
    if d.batch.state != BatchState::Open {
        return Err(BatchError::NoSepaTransfers);
    }
    let transfers: Vec<Transfer> = d
        .sepa_items()
        .map(|i| Transfer {
            end_to_end_id: i.end_to_end_id.clone(),
            amount: i.net,
            creditor_name: i.holder.clone(),
            creditor_iban: i.iban.clone(),
            remittance: i.remittance.clone(),
        })
        .collect();
    if transfers.is_empty() {
        return Err(BatchError::NoSepaTransfers);
    }
    let debtor = input.debtor.clone().ok_or(BatchError::NoDebtor)?;
    let xml = sepa::pain001(&sepa::Batch {
        message_id: message_id(d.batch.id),
        created_at: input.now,
        execution_date: input.execution_date,
        debtor,
        transfers,
    })?;
    if !payout_batches::set_exported(tx, d.batch.id, &xml, &actor.email)? {
        return Err(BatchError::State(d.batch.state));
    }
    let sepa: Vec<Amounts> = d.sepa_items().map(amounts).collect();
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "payouts.batch_exported",
        &format!("payout_batch:{}", d.batch.id),
        Some(&summary(BatchState::Open, &d.totals)),
        Some(&format!(
            "{}; SEPA file {}",
            summary(BatchState::Exported, &d.totals),
            summary(BatchState::Exported, &totals(&sepa)?)
        )),
    )?;
    Ok(xml)
}

/// What marking a batch sent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The payouts were recorded and the passengers told (how many).
    Recorded(usize),
    /// The batch was marked sent before: nothing recorded again.
    AlreadySent,
}

/// Records every payout of the batch (value date `value_date`) with its fee invoice, then the
/// batch is sent. A batch with SEPA transfers must have been exported first (its transfers
/// cannot have left otherwise); a batch of manual transfers only may be marked sent while open.
pub fn mark_sent(
    tx: &Transaction<'_>,
    mailer: &crate::mail::Mailer,
    actor: &Actor,
    invoicing: &super::invoices::Issuer,
    batch_id: i64,
    value_date: NaiveDate,
) -> Result<Sent, BatchError> {
    let d = detail(tx, batch_id)?.ok_or(BatchError::NotFound)?;
    match d.batch.state {
        BatchState::Sent => return Ok(Sent::AlreadySent),
        BatchState::Cancelled => return Err(BatchError::State(d.batch.state)),
        BatchState::Open if d.sepa_items().next().is_some() => {
            return Err(BatchError::NotExported);
        }
        BatchState::Open | BatchState::Exported => {}
    }
    if !payout_batches::close(tx, batch_id, BatchState::Sent, &actor.email)? {
        return Ok(Sent::AlreadySent);
    }
    for i in &d.items {
        let payout = Payout {
            claim_ref: i.claim_ref.clone(),
            amount: i.net,
            fee: i.fee,
            value_date,
            reference: i.end_to_end_id.clone(),
            note: String::new(),
            invoicing: invoicing.clone(),
        };
        money::record_payout(tx, mailer, actor, &payout).map_err(|err| BatchError::Record {
            claim_ref: i.claim_ref.clone(),
            err,
        })?;
    }
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "payouts.batch_sent",
        &format!("payout_batch:{batch_id}"),
        Some(&summary(d.batch.state, &d.totals)),
        Some(&summary(BatchState::Sent, &d.totals)),
    )?;
    Ok(Sent::Recorded(d.items.len()))
}

/// Cancels an open or exported batch: its claims may go in another batch.
pub fn cancel(tx: &Transaction<'_>, actor: &Actor, batch_id: i64) -> Result<(), BatchError> {
    let d = load(tx, batch_id, BatchAction::Cancel)?;
    if !payout_batches::close(tx, batch_id, BatchState::Cancelled, &actor.email)? {
        return Err(BatchError::State(d.batch.state));
    }
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "payouts.batch_cancelled",
        &format!("payout_batch:{batch_id}"),
        Some(&summary(d.batch.state, &d.totals)),
        Some(&summary(BatchState::Cancelled, &d.totals)),
    )?;
    Ok(())
}
