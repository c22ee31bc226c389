//! Fee invoices and credit notes (issue 15). Every function runs in the caller's transaction:
//!
//! - [`issue_for_fees`]: one invoice for each fee row of the claim's ledger that no invoice
//!   bills yet. `services::money::record_payout` calls it right after writing the fee row, so
//!   the fee and its invoice commit (or roll back) together. Idempotent: calling it again
//!   issues nothing.
//! - [`cancel`]: a finance user cancels an invoice, with a reason: a credit note of the same
//!   amounts, in its own number series, referencing the invoice.
//! - [`correct`]: after a cancellation, the corrected invoice (customer, address, fee), which
//!   references the cancelled one and bills the same fee row.
//!
//! Each document is stored as issued (figures, parties, PDF, SHA-256, when, who) and audited;
//! nothing is ever changed afterwards (the table triggers refuse it). Numbers are allocated
//! inside the transaction from the largest of the year (`domain::invoice::next_seq`): a rolled
//! back issue leaves no hole, the unique index refuses a duplicate. The PDF is in the
//! passenger's language; its words are in `locales/invoices.*.yml`.

use chrono::{DateTime, Datelike, Utc};
use rusqlite::Transaction;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::staff::Actor;
use crate::config::AppConfig;
use crate::db::claim_admin::{self, ClaimDetail};
use crate::db::invoices::{self, InvoiceRow, NewCreditNote, NewInvoice};
use crate::db::{DbError, audit, claims, time_text};
use crate::domain::eligibility::humanize;
use crate::domain::invoice::{Amounts, DocNumber, Series, Tax, amounts, next_seq, rate_text};
use crate::domain::money::{Money, MoneyError};
use crate::i18n::{Locale, translate};
use crate::pdf::{self, Face};

/// Who issues the invoices, as configured (`operator_*`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub legal_name: String,
    pub legal_form: String,
    pub address: String,
    pub registration_number: String,
    pub vat_number: String,
    pub email: String,
    pub phone: String,
}

/// What an invoice needs from the configuration: the operator and the VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub operator: Operator,
    pub tax: Tax,
}

impl Issuer {
    pub fn from_config(cfg: &AppConfig) -> Issuer {
        Issuer {
            operator: Operator {
                legal_name: cfg.operator_legal_name.trim().to_string(),
                legal_form: cfg.operator_legal_form.trim().to_string(),
                address: cfg.operator_address.trim().to_string(),
                registration_number: cfg.operator_registration_number.trim().to_string(),
                vat_number: cfg.operator_vat_number.trim().to_string(),
                email: cfg.operator_email.trim().to_string(),
                phone: cfg.operator_phone.trim().to_string(),
            },
            tax: cfg.invoice_tax(),
        }
    }
}

/// Why no invoice or credit note was issued.
#[derive(Debug, thiserror::Error)]
pub enum InvoiceError {
    #[error("no such invoice")]
    NotFound,
    #[error("the invoice is cancelled already")]
    AlreadyCancelled,
    /// Only a cancelled invoice can be corrected, and once.
    #[error("the invoice is not cancelled, or was corrected already")]
    NotCorrectable,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the customer's name is required")]
    NameRequired,
    #[error("the fee must be positive")]
    AmountRequired,
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// An issued invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issued {
    pub id: i64,
    pub number: String,
}

/// The longest reason, name or address kept.
const MAX_TEXT: usize = 500;

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn year_of(at: DateTime<Utc>) -> i32 {
    at.year()
}

fn allocate(tx: &Transaction<'_>, series: Series, at: DateTime<Utc>) -> Result<DocNumber, DbError> {
    let year = year_of(at);
    let seq = next_seq(invoices::largest_seq(tx, series, year)?);
    Ok(DocNumber { series, year, seq })
}

fn amounts_summary(number: &str, a: &Amounts) -> String {
    format!(
        "{number}: {} net {} vat {} ({} bp) total {}",
        a.net.currency, a.net.minor, a.vat.minor, a.rate_bp, a.total.minor
    )
}

/// The customer: the account's name, else the lead passenger's, else the email address.
fn customer_name(tx: &Transaction<'_>, d: &ClaimDetail) -> Result<String, DbError> {
    if !d.name.trim().is_empty() {
        return Ok(d.name.trim().to_string());
    }
    Ok(claims::passengers(tx, d.id)?
        .first()
        .map(|p| format!("{} {}", p.first_name, p.last_name))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| d.email.clone()))
}

/// What one invoice says besides its number.
struct Draft<'a> {
    claim: &'a ClaimDetail,
    ledger_id: Option<i64>,
    replaces: Option<&'a InvoiceRow>,
    net: Money,
    customer_name: String,
    customer_address: String,
}

fn issue(
    tx: &Transaction<'_>,
    issuer: &Issuer,
    actor: &Actor,
    draft: &Draft<'_>,
    at: DateTime<Utc>,
) -> Result<Issued, InvoiceError> {
    if draft.net.minor <= 0 {
        return Err(InvoiceError::AmountRequired);
    }
    let a = amounts(draft.net, &issuer.tax)?;
    let number = allocate(tx, Series::Invoice, at)?;
    let locale = Locale::from_tag(&draft.claim.locale).unwrap_or_default();
    let text = number.text();
    let body = invoice_pdf(issuer, draft, &text, &a, at, locale);
    let id = invoices::insert(
        tx,
        &NewInvoice {
            year: number.year,
            seq: number.seq,
            number: text.clone(),
            claim_id: draft.claim.id,
            ledger_id: draft.ledger_id,
            replaces_id: draft.replaces.map(|r| r.id),
            net: a.net,
            vat_rate_bp: a.rate_bp,
            vat: a.vat,
            total: a.total,
            vat_mention: issuer.tax.mention().to_string(),
            operator_json: serde_json::to_string(&issuer.operator).unwrap_or_default(),
            customer_name: draft.customer_name.clone(),
            customer_address: draft.customer_address.clone(),
            language: locale.as_str().to_string(),
            sha256: sha256_hex(&body),
            pdf: body,
            issued_at: time_text(at),
            issued_by_id: Some(actor.user_id),
            issued_by: actor.email.clone(),
        },
    )?;
    let (action, before) = match draft.replaces {
        Some(r) => ("invoice.corrected", Some(format!("replaces {}", r.number))),
        None => ("invoice.issued", None),
    };
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        action,
        &format!("claim:{}", draft.claim.claim_ref),
        before.as_deref(),
        Some(&amounts_summary(&text, &a)),
    )?;
    Ok(Issued { id, number: text })
}

/// Issues an invoice for every fee row of the claim's ledger that none bills yet (the fee
/// just recorded with a payout); returns what was issued (usually one, or none).
pub fn issue_for_fees(
    tx: &Transaction<'_>,
    issuer: &Issuer,
    actor: &Actor,
    claim: &ClaimDetail,
    at: DateTime<Utc>,
) -> Result<Vec<Issued>, InvoiceError> {
    let fees = invoices::unbilled_fees(tx, claim.id)?;
    if fees.is_empty() {
        return Ok(Vec::new());
    }
    let name = customer_name(tx, claim)?;
    let mut out = Vec::with_capacity(fees.len());
    for fee in fees {
        let draft = Draft {
            claim,
            ledger_id: Some(fee.ledger_id),
            replaces: None,
            net: fee.amount,
            customer_name: name.clone(),
            customer_address: String::new(),
        };
        out.push(issue(tx, issuer, actor, &draft, at)?);
    }
    Ok(out)
}

fn load(tx: &Transaction<'_>, invoice_id: i64) -> Result<(InvoiceRow, ClaimDetail), InvoiceError> {
    let invoice = invoices::find(tx, invoice_id)?.ok_or(InvoiceError::NotFound)?;
    let claim = claim_admin::find_detail(tx, &invoice.claim_ref)?.ok_or(InvoiceError::NotFound)?;
    Ok((invoice, claim))
}

fn clean(text: &str) -> String {
    text.trim().chars().take(MAX_TEXT).collect()
}

/// Cancels an invoice with a credit note of the same amounts; `reason` is required.
pub fn cancel(
    tx: &Transaction<'_>,
    issuer: &Issuer,
    actor: &Actor,
    invoice_id: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Issued, InvoiceError> {
    let reason = clean(reason);
    let (invoice, claim) = load(tx, invoice_id)?;
    if reason.is_empty() {
        return Err(InvoiceError::ReasonRequired);
    }
    if invoice.credit_note.is_some() {
        return Err(InvoiceError::AlreadyCancelled);
    }
    let number = allocate(tx, Series::CreditNote, at)?;
    let text = number.text();
    let locale = Locale::from_tag(&invoice.language).unwrap_or_default();
    let a = Amounts {
        net: invoice.net,
        rate_bp: invoice.vat_rate_bp,
        vat: invoice.vat,
        total: invoice.total,
    };
    let body = credit_note_pdf(issuer, &invoice, &claim, (&text, &reason), at, locale);
    let id = invoices::insert_credit_note(
        tx,
        &NewCreditNote {
            year: number.year,
            seq: number.seq,
            number: text.clone(),
            invoice_id: invoice.id,
            claim_id: invoice.claim_id,
            net: a.net,
            vat_rate_bp: a.rate_bp,
            vat: a.vat,
            total: a.total,
            reason: reason.clone(),
            language: locale.as_str().to_string(),
            sha256: sha256_hex(&body),
            pdf: body,
            issued_at: time_text(at),
            issued_by_id: Some(actor.user_id),
            issued_by: actor.email.clone(),
        },
    )?;
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "invoice.cancelled",
        &format!("claim:{}", claim.claim_ref),
        Some(&format!("{} issued", invoice.number)),
        Some(&format!(
            "{} cancelled by {}; reason: {reason}",
            invoice.number,
            amounts_summary(&text, &a)
        )),
    )?;
    Ok(Issued { id, number: text })
}

/// What a corrected invoice changes.
#[derive(Debug, Clone)]
pub struct Correction {
    pub invoice_id: i64,
    pub net: Money,
    pub customer_name: String,
    pub customer_address: String,
}

/// Issues the corrected invoice of a cancelled one (once).
pub fn correct(
    tx: &Transaction<'_>,
    issuer: &Issuer,
    actor: &Actor,
    input: &Correction,
    at: DateTime<Utc>,
) -> Result<Issued, InvoiceError> {
    let (invoice, claim) = load(tx, input.invoice_id)?;
    let corrected = invoices::list_for_claim(tx, claim.id)?
        .iter()
        .any(|i| i.replaces.as_deref() == Some(invoice.number.as_str()));
    if invoice.credit_note.is_none() || corrected {
        return Err(InvoiceError::NotCorrectable);
    }
    Money::zero(invoice.net.currency).checked_add(input.net)?;
    let name = clean(&input.customer_name);
    if name.is_empty() {
        return Err(InvoiceError::NameRequired);
    }
    let draft = Draft {
        claim: &claim,
        ledger_id: invoice.ledger_id,
        replaces: Some(&invoice),
        net: input.net,
        customer_name: name,
        customer_address: clean(&input.customer_address),
    };
    issue(tx, issuer, actor, &draft, at)
}

fn t(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    translate(lang, &format!("invoices.pdf.{key}"), args)
}

/// The operator's block: name and form, address, registration, VAT number, contact.
fn operator_lines(o: &Operator, lang: &str) -> String {
    let name = if o.legal_name.is_empty() {
        t(lang, "operator_unnamed", &[])
    } else if o.legal_form.is_empty() {
        o.legal_name.clone()
    } else {
        format!("{}, {}", o.legal_name, o.legal_form)
    };
    let mut lines = vec![name];
    if !o.address.is_empty() {
        lines.push(o.address.clone());
    }
    if !o.registration_number.is_empty() {
        lines.push(t(
            lang,
            "registration",
            &[("number", &o.registration_number)],
        ));
    }
    if !o.vat_number.is_empty() {
        lines.push(t(lang, "vat_number", &[("number", &o.vat_number)]));
    }
    let contact: Vec<&str> = [o.email.as_str(), o.phone.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !contact.is_empty() {
        lines.push(contact.join(" · "));
    }
    lines.join("\n")
}

fn date_text(at: DateTime<Utc>, lang: &str) -> String {
    humanize::date(at.date_naive(), lang)
}

/// The amount lines: fee before tax, VAT (or the mention), total.
fn amount_lines(a: &Amounts, mention: &str, locale: Locale, sign: i64) -> Vec<(Face, String)> {
    let lang = locale.as_str();
    let f = |m: Money| Money::new(m.minor * sign, m.currency).format_exact(locale);
    let vat = if a.rate_bp == 0 && !mention.is_empty() {
        t(lang, "vat_not_applicable", &[("mention", mention)])
    } else {
        t(
            lang,
            "vat",
            &[
                ("rate", &rate_text(a.rate_bp, lang == "fr")),
                ("amount", &f(a.vat)),
            ],
        )
    };
    vec![
        (
            Face::Regular,
            format!("{}\n{vat}", t(lang, "net", &[("amount", &f(a.net))])),
        ),
        (Face::Bold, t(lang, "total", &[("amount", &f(a.total))])),
    ]
}

fn subject(claim: &ClaimDetail, lang: &str) -> String {
    t(
        lang,
        "subject",
        &[
            ("claim", &claim.claim_ref),
            ("flight", &claim.flight_number),
            ("date", &claim.flight_date),
            ("route", &claim.route),
        ],
    )
}

/// The top of both documents: title, date, who issues it, to whom (name, then address).
fn header(
    title: &str,
    operator: &Operator,
    (name, address): (&str, &str),
    at: DateTime<Utc>,
    lang: &str,
) -> Vec<(Face, String)> {
    let customer = if address.is_empty() {
        name.to_string()
    } else {
        format!("{name}\n{address}")
    };
    vec![
        (Face::Bold, title.to_string()),
        (
            Face::Regular,
            t(lang, "issued_on", &[("date", &date_text(at, lang))]),
        ),
        (Face::Bold, t(lang, "from", &[])),
        (Face::Regular, operator_lines(operator, lang)),
        (Face::Bold, t(lang, "to", &[])),
        (Face::Regular, customer),
    ]
}

fn invoice_pdf(
    issuer: &Issuer,
    draft: &Draft<'_>,
    number: &str,
    a: &Amounts,
    at: DateTime<Utc>,
    locale: Locale,
) -> Vec<u8> {
    let lang = locale.as_str();
    let title = t(lang, "invoice_title", &[("number", number)]);
    let customer = (
        draft.customer_name.as_str(),
        draft.customer_address.as_str(),
    );
    let mut parts = header(&title, &issuer.operator, customer, at, lang);
    parts.push((Face::Bold, t(lang, "subject_heading", &[])));
    parts.push((Face::Regular, subject(draft.claim, lang)));
    parts.extend(amount_lines(a, issuer.tax.mention(), locale, 1));
    parts.push((Face::Regular, t(lang, "settled", &[])));
    if let Some(r) = draft.replaces {
        let note = r.credit_note.as_ref().map_or("", |n| n.number.as_str());
        parts.push((
            Face::Regular,
            t(
                lang,
                "corrects",
                &[("invoice", &r.number), ("credit_note", note)],
            ),
        ));
    }
    pdf::paragraphs(&title, &parts)
}

fn credit_note_pdf(
    issuer: &Issuer,
    invoice: &InvoiceRow,
    claim: &ClaimDetail,
    (number, reason): (&str, &str),
    at: DateTime<Utc>,
    locale: Locale,
) -> Vec<u8> {
    let lang = locale.as_str();
    let title = t(lang, "credit_note_title", &[("number", number)]);
    let invoice_date = chrono::DateTime::parse_from_rfc3339(&invoice.issued_at).map_or_else(
        |_| invoice.issued_at.clone(),
        |d| date_text(d.to_utc(), lang),
    );
    let a = Amounts {
        net: invoice.net,
        rate_bp: invoice.vat_rate_bp,
        vat: invoice.vat,
        total: invoice.total,
    };
    let customer = (
        invoice.customer_name.as_str(),
        invoice.customer_address.as_str(),
    );
    let mut parts = header(&title, &issuer.operator, customer, at, lang);
    parts.extend([
        (
            Face::Regular,
            t(
                lang,
                "cancels",
                &[("invoice", &invoice.number), ("date", &invoice_date)],
            ),
        ),
        (Face::Regular, subject(claim, lang)),
        (Face::Regular, t(lang, "reason", &[("reason", reason)])),
    ]);
    parts.extend(amount_lines(&a, &invoice.vat_mention, locale, -1));
    pdf::paragraphs(&title, &parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_reads_the_configuration() {
        let cfg = AppConfig {
            operator_legal_name: " Vols Retardés SAS ".into(),
            vat_rate_bp: 0,
            vat_mention: "TVA non applicable, art. 293 B du CGI".into(),
            ..AppConfig::default()
        };
        let issuer = Issuer::from_config(&cfg);
        assert_eq!(issuer.operator.legal_name, "Vols Retardés SAS");
        assert_eq!(
            issuer.tax.mention(),
            "TVA non applicable, art. 293 B du CGI"
        );
        let lines = operator_lines(&issuer.operator, "fr");
        assert_eq!(lines, "Vols Retardés SAS");
    }
}
