//! SEPA credit-transfer files for payout batches: ISO 20022 `pain.001.001.09` (customer credit
//! transfer initiation), the version of the current EPC SEPA Credit Transfer rulebook. One
//! payment information block (the agency's account, one execution date, batch booking) with
//! one transaction per payout; amounts in euros with two decimals, `CtrlSum` and `NbOfTxs` at
//! both levels. Only euro transfers go in a SEPA file: [`split_sepa`] keeps the others (pounds)
//! apart, for a manual transfer.
//!
//! Text fields use the SEPA character set (Latin letters, digits, `/ - ? : ( ) . , ' +` and
//! space): names are transliterated (`Lefèvre` → `Lefevre`) and cut to their XSD lengths.
//! `tests/it/sepa.rs` validates a file against the schema shipped by the `sepaxml` package with
//! `xmllint --schema`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};

use super::iban::parse_iban;
use super::money::{Currency, Money, MoneyError};

/// The agency's account, which the transfers are paid from.
#[derive(Debug, Clone)]
pub struct Debtor {
    pub name: String,
    pub iban: String,
    /// Optional in SEPA (IBAN-only); `NOTPROVIDED` is written without it.
    pub bic: Option<String>,
}

/// One payout.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// Unique per transfer, at most 35 characters: the bank returns it on the statement.
    pub end_to_end_id: String,
    pub amount: Money,
    pub creditor_name: String,
    pub creditor_iban: String,
    /// What the passenger reads on their statement (claim reference…).
    pub remittance: String,
}

/// A batch ready to export.
#[derive(Debug, Clone)]
pub struct Batch {
    pub message_id: String,
    pub created_at: NaiveDateTime,
    pub execution_date: NaiveDate,
    pub debtor: Debtor,
    pub transfers: Vec<Transfer>,
}

/// Why a file was not written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SepaError {
    #[error("no transfer in the batch")]
    Empty,
    #[error("transfer {0} is not in euros")]
    NotEuro(String),
    #[error("transfer {0} has no positive amount")]
    Amount(String),
    #[error("invalid IBAN for {0}")]
    Iban(String),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Transfers that can go in a SEPA file (euros) and the others (for a manual transfer).
pub fn split_sepa(transfers: Vec<Transfer>) -> (Vec<Transfer>, Vec<Transfer>) {
    transfers
        .into_iter()
        .partition(|t| t.amount.currency == Currency::Eur)
}

/// Total per currency (never summed across currencies).
pub fn totals(transfers: &[Transfer]) -> Result<BTreeMap<Currency, Money>, MoneyError> {
    let mut out: BTreeMap<Currency, Money> = BTreeMap::new();
    for t in transfers {
        let slot = out
            .entry(t.amount.currency)
            .or_insert_with(|| Money::zero(t.amount.currency));
        *slot = slot.checked_add(t.amount)?;
    }
    Ok(out)
}

/// Text in the SEPA character set, at most `max` characters, XML-escaped.
fn text(input: &str, max: usize) -> String {
    let latin = deunicode::deunicode(input);
    let kept: String = latin
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " /-?:().,'+".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let squeezed = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = squeezed.chars().take(max).collect();
    cut.trim().replace('\'', "&apos;")
}

fn decimal(m: Money) -> String {
    m.plain()
}

/// The `pain.001.001.09` document of a batch (euro transfers only).
pub fn pain001(batch: &Batch) -> Result<String, SepaError> {
    if batch.transfers.is_empty() {
        return Err(SepaError::Empty);
    }
    let debtor_iban =
        parse_iban(&batch.debtor.iban).map_err(|_| SepaError::Iban("debtor".into()))?;
    let mut sum = Money::zero(Currency::Eur);
    let mut txs = String::new();
    for t in &batch.transfers {
        let id = text(&t.end_to_end_id, 35);
        if t.amount.currency != Currency::Eur {
            return Err(SepaError::NotEuro(id));
        }
        if t.amount.minor <= 0 {
            return Err(SepaError::Amount(id));
        }
        let iban = parse_iban(&t.creditor_iban).map_err(|_| SepaError::Iban(id.clone()))?;
        sum = sum.checked_add(t.amount)?;
        let _ = write!(
            txs,
            "<CdtTrfTxInf><PmtId><EndToEndId>{id}</EndToEndId></PmtId>\
             <Amt><InstdAmt Ccy=\"EUR\">{}</InstdAmt></Amt>\
             <Cdtr><Nm>{}</Nm></Cdtr><CdtrAcct><Id><IBAN>{iban}</IBAN></Id></CdtrAcct>\
             <RmtInf><Ustrd>{}</Ustrd></RmtInf></CdtTrfTxInf>",
            decimal(t.amount),
            text(&t.creditor_name, 140),
            text(&t.remittance, 140),
        );
    }
    let n = batch.transfers.len();
    let agent = batch.debtor.bic.as_deref().map_or_else(
        || "<Othr><Id>NOTPROVIDED</Id></Othr>".to_string(),
        |bic| format!("<BICFI>{}</BICFI>", text(bic, 11)),
    );
    let msg = text(&batch.message_id, 35);
    let debtor = text(&batch.debtor.name, 140);
    let ctrl = decimal(sum);
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">\
         <CstmrCdtTrfInitn><GrpHdr><MsgId>{msg}</MsgId><CreDtTm>{}</CreDtTm>\
         <NbOfTxs>{n}</NbOfTxs><CtrlSum>{ctrl}</CtrlSum><InitgPty><Nm>{debtor}</Nm></InitgPty>\
         </GrpHdr><PmtInf><PmtInfId>{msg}</PmtInfId><PmtMtd>TRF</PmtMtd>\
         <BtchBookg>true</BtchBookg><NbOfTxs>{n}</NbOfTxs><CtrlSum>{ctrl}</CtrlSum>\
         <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>\
         <ReqdExctnDt><Dt>{}</Dt></ReqdExctnDt><Dbtr><Nm>{debtor}</Nm></Dbtr>\
         <DbtrAcct><Id><IBAN>{debtor_iban}</IBAN></Id></DbtrAcct>\
         <DbtrAgt><FinInstnId>{agent}</FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>{txs}\
         </PmtInf></CstmrCdtTrfInitn></Document>\n",
        batch.created_at.format("%Y-%m-%dT%H:%M:%S"),
        batch.execution_date,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Batch {
        Batch {
            message_id: "FC-BATCH-2026-0001".into(),
            created_at: NaiveDate::from_ymd_opt(2026, 3, 14)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap(),
            execution_date: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
            debtor: Debtor {
                name: "FlightClaim SAS".into(),
                iban: "FR76 3000 6000 0112 3456 7890 189".into(),
                bic: None,
            },
            transfers: vec![
                Transfer {
                    end_to_end_id: "FC-7K3M9Q-1".into(),
                    amount: Money::eur(45_000),
                    creditor_name: "Léa Lefèvre <&>".into(),
                    creditor_iban: "DE89370400440532013000".into(),
                    remittance: "FlightClaim FC-7K3M9Q compensation".into(),
                },
                Transfer {
                    end_to_end_id: "FC-ABCDEF-1".into(),
                    amount: Money::eur(30_050),
                    creditor_name: "Jeanne O'Brien".into(),
                    creditor_iban: "FR7630006000011234567890189".into(),
                    remittance: "FlightClaim FC-ABCDEF".into(),
                },
            ],
        }
    }

    #[test]
    fn a_batch_as_the_bank_reads_it() {
        let xml = pain001(&sample()).unwrap();
        for part in [
            "<NbOfTxs>2</NbOfTxs><CtrlSum>750.50</CtrlSum>",
            "<InstdAmt Ccy=\"EUR\">450.00</InstdAmt>",
            "<Nm>Lea Lefevre</Nm>",
            "<Nm>Jeanne O&apos;Brien</Nm>",
            "<IBAN>FR7630006000011234567890189</IBAN>",
            "<ReqdExctnDt><Dt>2026-03-16</Dt></ReqdExctnDt>",
            "<Othr><Id>NOTPROVIDED</Id></Othr>",
        ] {
            assert!(xml.contains(part), "{part} in {xml}");
        }
        assert!(
            !xml.contains("<&>"),
            "markup in a name never reaches the file"
        );
    }

    #[test]
    fn what_a_sepa_file_refuses() {
        let mut b = sample();
        b.transfers[1].amount = Money::gbp(100);
        assert_eq!(pain001(&b), Err(SepaError::NotEuro("FC-ABCDEF-1".into())));
        let (eur, other) = split_sepa(b.transfers.clone());
        assert_eq!((eur.len(), other.len()), (1, 1));
        let t = totals(&b.transfers).unwrap();
        assert_eq!(t[&Currency::Eur], Money::eur(45_000));
        assert_eq!(t[&Currency::Gbp], Money::gbp(100));
        b.transfers[1].amount = Money::eur(0);
        assert_eq!(pain001(&b), Err(SepaError::Amount("FC-ABCDEF-1".into())));
        b.transfers[1].amount = Money::eur(1);
        b.transfers[1].creditor_iban = "FR00 1234".into();
        assert_eq!(pain001(&b), Err(SepaError::Iban("FC-ABCDEF-1".into())));
        b.transfers.clear();
        assert_eq!(pain001(&b), Err(SepaError::Empty));
    }
}
