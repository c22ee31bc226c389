//! Payout batches (issue 15): the rules of a batch of transfers to passengers, without I/O.
//!
//! - A batch's life: **open** (created, reviewed) → **exported** (the SEPA file was
//!   downloaded: from then on nothing in it changes) → **sent** (the payouts are in the ledger
//!   and the passengers told), or **cancelled** from open or exported (its claims are released
//!   for another batch). Sent and cancelled are final ([`BatchState::allows`]).
//! - Each payout goes either in the SEPA credit-transfer file (euros to an IBAN of a SEPA
//!   country) or on the list for a manual transfer (pounds, or an account the SEPA scheme does
//!   not reach) ([`method_for`]).
//! - Totals are per currency: euros and pounds are never added together ([`totals`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::iban::parse_iban;
use super::money::{Currency, Money, MoneyError};

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    Open,
    Exported,
    Sent,
    Cancelled,
}

/// What staff can do to a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchAction {
    /// Write (or download again) the SEPA file.
    Export,
    /// Record the payouts and tell the passengers.
    MarkSent,
    /// Give the claims back for another batch.
    Cancel,
}

impl BatchState {
    pub const ALL: [BatchState; 4] = [
        BatchState::Open,
        BatchState::Exported,
        BatchState::Sent,
        BatchState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Open => "open",
            BatchState::Exported => "exported",
            BatchState::Sent => "sent",
            BatchState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<BatchState> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the batch still holds its claims (no other batch may take them).
    pub fn is_active(self) -> bool {
        matches!(self, BatchState::Open | BatchState::Exported)
    }

    /// Whether `action` is allowed now. Exporting an exported batch serves the same file again.
    pub fn allows(self, action: BatchAction) -> bool {
        self.is_active() || (self == BatchState::Sent && action == BatchAction::Export)
    }

    /// The state after `action`, or `None` when it is not allowed.
    pub fn after(self, action: BatchAction) -> Option<BatchState> {
        if !self.allows(action) {
            return None;
        }
        Some(match action {
            BatchAction::Export if self == BatchState::Open => BatchState::Exported,
            BatchAction::Export => self,
            BatchAction::MarkSent => BatchState::Sent,
            BatchAction::Cancel => BatchState::Cancelled,
        })
    }
}

/// How a payout leaves the agency's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// In the `pain.001` file.
    Sepa,
    /// Typed into the bank's website by hand (pounds, non-SEPA accounts).
    Manual,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Sepa => "sepa",
            Method::Manual => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        [Method::Sepa, Method::Manual]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// A SEPA credit transfer is in euros, to an IBAN of a country of the SEPA scheme
/// (`iban::parse_iban` knows only those); anything else is a manual transfer.
pub fn method_for(currency: Currency, iban: &str) -> Method {
    if currency == Currency::Eur && parse_iban(iban).is_ok() {
        Method::Sepa
    } else {
        Method::Manual
    }
}

/// The `EndToEndId` of a claim's payout in a batch: the claim reference and the batch number,
/// at most 35 characters of the SEPA character set (the bank returns it on the statement).
pub fn end_to_end_id(claim_ref: &str, batch_id: i64) -> String {
    let id = format!("{claim_ref}-B{batch_id}");
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(35)
        .collect()
}

/// The batch's message id in the file (unique per batch).
pub fn message_id(batch_id: i64) -> String {
    format!("FC-PAYOUTS-{batch_id:06}")
}

/// One payout of a batch: the compensation we hold (gross), the fee withheld, the transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    pub gross: Money,
    pub fee: Money,
    pub net: Money,
}

/// Sums per currency of a batch's payouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CurrencyTotal {
    pub currency: Currency,
    pub payouts: u32,
    pub gross: Money,
    pub fee: Money,
    pub net: Money,
}

/// Totals per currency, in currency order; never a figure across currencies.
pub fn totals(items: &[Amounts]) -> Result<Vec<CurrencyTotal>, MoneyError> {
    let mut map: BTreeMap<Currency, CurrencyTotal> = BTreeMap::new();
    for a in items {
        let c = a.net.currency;
        let t = map.entry(c).or_insert_with(|| CurrencyTotal {
            currency: c,
            payouts: 0,
            gross: Money::zero(c),
            fee: Money::zero(c),
            net: Money::zero(c),
        });
        t.gross = t.gross.checked_add(a.gross)?;
        t.fee = t.fee.checked_add(a.fee)?;
        t.net = t.net.checked_add(a.net)?;
        t.payouts += 1;
    }
    Ok(map.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use BatchAction as A;
    use BatchState as S;

    #[test]
    fn what_each_state_allows() {
        let table = [
            (S::Open, A::Export, Some(S::Exported)),
            (S::Open, A::MarkSent, Some(S::Sent)),
            (S::Open, A::Cancel, Some(S::Cancelled)),
            (S::Exported, A::Export, Some(S::Exported)),
            (S::Exported, A::MarkSent, Some(S::Sent)),
            (S::Exported, A::Cancel, Some(S::Cancelled)),
            (S::Sent, A::Export, Some(S::Sent)),
            (S::Sent, A::MarkSent, None),
            (S::Sent, A::Cancel, None),
            (S::Cancelled, A::Export, None),
            (S::Cancelled, A::MarkSent, None),
            (S::Cancelled, A::Cancel, None),
        ];
        for (state, action, after) in table {
            assert_eq!(state.after(action), after, "{state:?} {action:?}");
        }
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert!(S::Exported.is_active() && !S::Sent.is_active() && !S::Cancelled.is_active());
    }

    #[test]
    fn euros_to_a_sepa_iban_go_in_the_file() {
        let table = [
            (Currency::Eur, "FR7630006000011234567890189", Method::Sepa),
            (Currency::Eur, "DE89 3704 0044 0532 0130 00", Method::Sepa),
            (Currency::Gbp, "GB29NWBK60161331926819", Method::Manual),
            (Currency::Gbp, "FR7630006000011234567890189", Method::Manual),
            (Currency::Eur, "US12345678901234", Method::Manual),
            (Currency::Eur, "FR7630006000011234567890188", Method::Manual),
            (Currency::Eur, "", Method::Manual),
        ];
        for (currency, iban, method) in table {
            assert_eq!(method_for(currency, iban), method, "{currency} {iban}");
        }
    }

    #[test]
    fn ids_fit_the_file() {
        assert_eq!(end_to_end_id("FC-7K3M9Q", 12), "FC-7K3M9Q-B12");
        assert_eq!(end_to_end_id("<x>&'", 1), "x-B1");
        assert!(end_to_end_id(&"A".repeat(50), 1).len() <= 35);
        assert_eq!(message_id(7), "FC-PAYOUTS-000007");
    }

    #[test]
    fn totals_never_mix_currencies() {
        let a = |gross, fee, c| Amounts {
            gross: Money::new(gross, c),
            fee: Money::new(fee, c),
            net: Money::new(gross - fee, c),
        };
        let t = totals(&[
            a(60_000, 15_000, Currency::Eur),
            a(40_000, 10_000, Currency::Eur),
            a(52_000, 13_000, Currency::Gbp),
        ])
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].currency, t[0].payouts, t[0].gross, t[0].fee, t[0].net),
            (
                Currency::Eur,
                2,
                Money::eur(100_000),
                Money::eur(25_000),
                Money::eur(75_000)
            )
        );
        assert_eq!((t[1].payouts, t[1].net), (1, Money::gbp(39_000)));
        assert!(totals(&[]).unwrap().is_empty());
    }
}
