//! The money of a claim as a ledger: every movement is an entry (airline payment received,
//! payment the airline made to the passenger directly, payout to the passenger, fee withheld,
//! refund or chargeback, write-off), never a status or an overwritten total. Entries are never
//! changed: a correction is another entry (of the same kind with the opposite sign).
//!
//! From the entries and the amount agreed (owed), [`balances`] computes per passenger (or the
//! whole claim) and per currency:
//!
//! ```text
//! received    = Σ airline payments − Σ refunds/chargebacks    money that reached us
//! held        = received − paid out − fee withheld             client money we hold
//! outstanding = owed − received − paid directly − written off  what the airline still owes
//! ```
//!
//! Currencies are never summed together: every figure is per currency, and an operation that
//! would mix them is a [`MoneyError::CurrencyMismatch`]. The claim's status follows the ledger
//! ([`status_for`]), never the other way round.

use std::collections::BTreeMap;

use serde::Serialize;

use super::claim::ClaimStatus;
use super::money::{Currency, Money, MoneyError};

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The airline paid us.
    AirlinePaymentReceived,
    /// The airline paid the passenger directly (our fee is then due from the passenger).
    PaidDirectlyToPassenger,
    /// We paid the passenger.
    PayoutToPassenger,
    /// Our fee, withheld from money we hold.
    Fee,
    /// Money we received and gave back (or that the bank took back).
    RefundChargeback,
    /// Part of what was owed that will not be collected (a settlement the passenger accepted).
    WriteOff,
}

impl EntryKind {
    pub const ALL: [EntryKind; 6] = [
        EntryKind::AirlinePaymentReceived,
        EntryKind::PaidDirectlyToPassenger,
        EntryKind::PayoutToPassenger,
        EntryKind::Fee,
        EntryKind::RefundChargeback,
        EntryKind::WriteOff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::AirlinePaymentReceived => "airline_payment_received",
            EntryKind::PaidDirectlyToPassenger => "paid_directly_to_passenger",
            EntryKind::PayoutToPassenger => "payout_to_passenger",
            EntryKind::Fee => "fee",
            EntryKind::RefundChargeback => "refund_chargeback",
            EntryKind::WriteOff => "write_off",
        }
    }

    pub fn parse(text: &str) -> Option<EntryKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One movement: for a passenger (their position on the claim) or the whole claim (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub passenger: Option<i64>,
    pub kind: EntryKind,
    pub amount: Money,
}

/// Where the money of one passenger (or the whole claim) stands, in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub passenger: Option<i64>,
    pub currency: Currency,
    pub owed: Money,
    pub received: Money,
    pub paid_directly: Money,
    pub paid_out: Money,
    pub fee: Money,
    pub written_off: Money,
    pub held: Money,
    pub outstanding: Money,
}

impl Balance {
    /// Nothing owed, nothing moved.
    pub fn zero(passenger: Option<i64>, currency: Currency) -> Balance {
        let z = Money::zero(currency);
        Balance {
            passenger,
            currency,
            owed: z,
            received: z,
            paid_directly: z,
            paid_out: z,
            fee: z,
            written_off: z,
            held: z,
            outstanding: z,
        }
    }

    fn add(&mut self, kind: EntryKind, amount: Money) -> Result<(), MoneyError> {
        let slot = match kind {
            EntryKind::AirlinePaymentReceived => &mut self.received,
            EntryKind::RefundChargeback => {
                self.received = self.received.checked_sub(amount)?;
                return Ok(());
            }
            EntryKind::PaidDirectlyToPassenger => &mut self.paid_directly,
            EntryKind::PayoutToPassenger => &mut self.paid_out,
            EntryKind::Fee => &mut self.fee,
            EntryKind::WriteOff => &mut self.written_off,
        };
        *slot = slot.checked_add(amount)?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), MoneyError> {
        self.held = self
            .received
            .checked_sub(self.paid_out)?
            .checked_sub(self.fee)?;
        self.outstanding = self
            .owed
            .checked_sub(self.received)?
            .checked_sub(self.paid_directly)?
            .checked_sub(self.written_off)?;
        Ok(())
    }

    /// Adds another balance of the same currency (the passenger is kept from `self`).
    fn merge(&mut self, o: &Balance) -> Result<(), MoneyError> {
        self.owed = self.owed.checked_add(o.owed)?;
        self.received = self.received.checked_add(o.received)?;
        self.paid_directly = self.paid_directly.checked_add(o.paid_directly)?;
        self.paid_out = self.paid_out.checked_add(o.paid_out)?;
        self.fee = self.fee.checked_add(o.fee)?;
        self.written_off = self.written_off.checked_add(o.written_off)?;
        self.held = self.held.checked_add(o.held)?;
        self.outstanding = self.outstanding.checked_add(o.outstanding)?;
        Ok(())
    }
}

/// The balances of a claim: one per passenger (or whole claim) and currency that has an amount
/// owed or an entry, ordered whole claim first, then by passenger and currency.
pub fn balances(
    owed: &[(Option<i64>, Money)],
    entries: &[Entry],
) -> Result<Vec<Balance>, MoneyError> {
    let mut map: BTreeMap<(Option<i64>, Currency), Balance> = BTreeMap::new();
    for (passenger, amount) in owed {
        let b = map
            .entry((*passenger, amount.currency))
            .or_insert_with(|| Balance::zero(*passenger, amount.currency));
        b.owed = b.owed.checked_add(*amount)?;
    }
    for e in entries {
        map.entry((e.passenger, e.amount.currency))
            .or_insert_with(|| Balance::zero(e.passenger, e.amount.currency))
            .add(e.kind, e.amount)?;
    }
    let mut out: Vec<Balance> = map.into_values().collect();
    for b in &mut out {
        b.finish()?;
    }
    Ok(out)
}

/// The claim's totals, one per currency (passengers added up, currencies never).
pub fn totals(balances: &[Balance]) -> Result<Vec<Balance>, MoneyError> {
    let mut map: BTreeMap<Currency, Balance> = BTreeMap::new();
    for b in balances {
        map.entry(b.currency)
            .or_insert_with(|| Balance::zero(None, b.currency))
            .merge(b)?;
    }
    Ok(map.into_values().collect())
}

/// The money held for passengers across entries of many claims, per currency: what the finance
/// overview must show (and what the database's own sum is checked against).
pub fn held_by_currency(entries: &[Entry]) -> Result<BTreeMap<Currency, Money>, MoneyError> {
    let mut out = BTreeMap::new();
    for t in totals(&balances(&[], entries)?)? {
        out.insert(t.currency, t.held);
    }
    Ok(out)
}

/// The status a claim in the money stages (approved, airline paid, passenger paid) should have
/// given its ledger totals; other statuses are left as they are.
///
/// - something was paid to the passenger (by us or by the airline directly) and we hold
///   nothing more for them → passenger paid;
/// - money reached us (or was paid out) → airline paid;
/// - nothing yet → approved.
pub fn status_for(current: ClaimStatus, totals: &[Balance]) -> ClaimStatus {
    use ClaimStatus as S;
    if !matches!(current, S::Approved | S::AirlinePaid | S::Paid) {
        return current;
    }
    let any = |f: fn(&Balance) -> i64| totals.iter().any(|b| f(b) > 0);
    let paid = any(|b| b.paid_out.minor) || any(|b| b.paid_directly.minor);
    if paid && !any(|b| b.held.minor) {
        S::Paid
    } else if any(|b| b.received.minor) || any(|b| b.paid_out.minor) {
        S::AirlinePaid
    } else {
        S::Approved
    }
}

/// Whether a status is backed by the ledger: "airline paid" needs money received, "paid"
/// needs a payout or a direct payment. (The other statuses need no money.)
pub fn status_is_backed(status: ClaimStatus, totals: &[Balance]) -> bool {
    let any = |f: fn(&Balance) -> i64| totals.iter().any(|b| f(b) > 0);
    match status {
        ClaimStatus::AirlinePaid => any(|b| b.received.minor) || any(|b| b.paid_out.minor),
        ClaimStatus::Paid => any(|b| b.paid_out.minor) || any(|b| b.paid_directly.minor),
        _ => true,
    }
}

/// How old a receivable is, counted from the claim's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Age {
    /// 0–30 days
    Recent,
    /// 31–90 days
    Late,
    /// more than 90 days
    Overdue,
}

impl Age {
    pub fn of_days(days: i64) -> Age {
        match days {
            ..=30 => Age::Recent,
            31..=90 => Age::Late,
            _ => Age::Overdue,
        }
    }
}

/// What one airline owes in one currency, by age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AirlineReceivables {
    pub airline: String,
    pub currency: Currency,
    pub claims: u32,
    pub recent: Money,
    pub late: Money,
    pub overdue: Money,
    pub total: Money,
}

/// Receivables (airline, amount outstanding, age in days) added up per airline and currency,
/// largest total first; currencies are never added together.
pub fn receivables_by_airline(
    items: &[(String, Money, i64)],
) -> Result<Vec<AirlineReceivables>, MoneyError> {
    let mut map: BTreeMap<(String, Currency), AirlineReceivables> = BTreeMap::new();
    for (airline, amount, days) in items {
        let r = map
            .entry((airline.clone(), amount.currency))
            .or_insert_with(|| {
                let z = Money::zero(amount.currency);
                AirlineReceivables {
                    airline: airline.clone(),
                    currency: amount.currency,
                    claims: 0,
                    recent: z,
                    late: z,
                    overdue: z,
                    total: z,
                }
            });
        let slot = match Age::of_days(*days) {
            Age::Recent => &mut r.recent,
            Age::Late => &mut r.late,
            Age::Overdue => &mut r.overdue,
        };
        *slot = slot.checked_add(*amount)?;
        r.total = r.total.checked_add(*amount)?;
        r.claims += 1;
    }
    let mut out: Vec<AirlineReceivables> = map.into_values().collect();
    out.sort_by(|a, b| {
        (a.currency, std::cmp::Reverse(a.total.minor), &a.airline).cmp(&(
            b.currency,
            std::cmp::Reverse(b.total.minor),
            &b.airline,
        ))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use EntryKind as K;

    fn e(kind: EntryKind, minor: i64) -> Entry {
        Entry {
            passenger: None,
            kind,
            amount: Money::eur(minor),
        }
    }

    #[test]
    fn a_claim_paid_in_two_parts_then_paid_out() {
        let owed = [(None, Money::eur(120_000))];
        let table: [(&[Entry], [i64; 5], ClaimStatus); 5] = [
            // entries, [received, paid out, fee, held, outstanding], status
            (&[], [0, 0, 0, 0, 120_000], ClaimStatus::Approved),
            (
                &[e(K::AirlinePaymentReceived, 60_000)],
                [60_000, 0, 0, 60_000, 60_000],
                ClaimStatus::AirlinePaid,
            ),
            (
                &[
                    e(K::AirlinePaymentReceived, 60_000),
                    e(K::AirlinePaymentReceived, 60_000),
                ],
                [120_000, 0, 0, 120_000, 0],
                ClaimStatus::AirlinePaid,
            ),
            (
                &[
                    e(K::AirlinePaymentReceived, 120_000),
                    e(K::Fee, 30_000),
                    e(K::PayoutToPassenger, 90_000),
                ],
                [120_000, 90_000, 30_000, 0, 0],
                ClaimStatus::Paid,
            ),
            (
                &[
                    e(K::AirlinePaymentReceived, 120_000),
                    e(K::RefundChargeback, 20_000),
                    e(K::WriteOff, 20_000),
                ],
                [100_000, 0, 0, 100_000, 0],
                ClaimStatus::AirlinePaid,
            ),
        ];
        for (entries, [received, paid_out, fee, held, outstanding], status) in table {
            let t = totals(&balances(&owed, entries).unwrap()).unwrap();
            assert_eq!(t.len(), 1);
            let b = t[0];
            assert_eq!(
                [
                    b.received.minor,
                    b.paid_out.minor,
                    b.fee.minor,
                    b.held.minor,
                    b.outstanding.minor
                ],
                [received, paid_out, fee, held, outstanding],
                "{entries:?}"
            );
            assert_eq!(status_for(ClaimStatus::Approved, &t), status, "{entries:?}");
            assert!(status_is_backed(status, &t));
        }
    }

    #[test]
    fn a_direct_payment_means_the_passenger_is_paid() {
        let owed = [(None, Money::eur(60_000))];
        let t =
            totals(&balances(&owed, &[e(K::PaidDirectlyToPassenger, 60_000)]).unwrap()).unwrap();
        assert_eq!(t[0].held.minor, 0);
        assert_eq!(t[0].outstanding.minor, 0);
        assert_eq!(status_for(ClaimStatus::Approved, &t), ClaimStatus::Paid);
        // Statuses outside the money stages do not move.
        assert_eq!(status_for(ClaimStatus::Closed, &t), ClaimStatus::Closed);
        assert!(!status_is_backed(ClaimStatus::Paid, &[]));
        assert!(!status_is_backed(ClaimStatus::AirlinePaid, &[]));
    }

    #[test]
    fn passengers_and_currencies_are_kept_apart() {
        let entries = [
            Entry {
                passenger: Some(1),
                kind: K::AirlinePaymentReceived,
                amount: Money::eur(100),
            },
            Entry {
                passenger: Some(2),
                kind: K::AirlinePaymentReceived,
                amount: Money::eur(50),
            },
            Entry {
                passenger: Some(2),
                kind: K::AirlinePaymentReceived,
                amount: Money::gbp(70),
            },
        ];
        let b = balances(&[], &entries).unwrap();
        assert_eq!(b.len(), 3, "one balance per passenger and currency");
        let t = totals(&b).unwrap();
        assert_eq!(
            t.iter().map(|b| b.held).collect::<Vec<_>>(),
            [Money::eur(150), Money::gbp(70)]
        );
        let held = held_by_currency(&entries).unwrap();
        assert_eq!(held[&Currency::Eur], Money::eur(150));
        assert_eq!(held[&Currency::Gbp], Money::gbp(70));
    }

    #[test]
    fn receivables_age_per_airline_and_currency() {
        assert_eq!(
            [0, 30, 31, 90, 91, 400].map(Age::of_days),
            [
                Age::Recent,
                Age::Recent,
                Age::Late,
                Age::Late,
                Age::Overdue,
                Age::Overdue
            ]
        );
        let items = [
            ("AF".to_string(), Money::eur(60_000), 10),
            ("AF".to_string(), Money::eur(40_000), 45),
            ("AF".to_string(), Money::eur(25_000), 120),
            ("BA".to_string(), Money::gbp(52_000), 5),
            ("BA".to_string(), Money::eur(60_000), 200),
        ];
        let r = receivables_by_airline(&items).unwrap();
        assert_eq!(r.len(), 3, "BA in euros and BA in pounds are two lines");
        assert_eq!(r[0].airline, "AF");
        assert_eq!(
            [r[0].recent, r[0].late, r[0].overdue, r[0].total],
            [
                Money::eur(60_000),
                Money::eur(40_000),
                Money::eur(25_000),
                Money::eur(125_000)
            ]
        );
        assert_eq!(r[0].claims, 3);
        assert_eq!(
            (r[1].airline.as_str(), r[1].overdue),
            ("BA", Money::eur(60_000))
        );
        assert_eq!(
            (r[2].currency, r[2].recent),
            (Currency::Gbp, Money::gbp(52_000))
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EntryKind::parse("gift"), None);
    }

    fn kind() -> impl Strategy<Value = EntryKind> {
        prop::sample::select(EntryKind::ALL.to_vec())
    }

    fn entry() -> impl Strategy<Value = Entry> {
        (
            prop::option::of(1i64..4),
            kind(),
            -1_000_000i64..1_000_000,
            any::<bool>(),
        )
            .prop_map(|(passenger, kind, minor, gbp)| Entry {
                passenger,
                kind,
                amount: if gbp {
                    Money::gbp(minor)
                } else {
                    Money::eur(minor)
                },
            })
    }

    proptest! {
        #[test]
        fn held_is_the_signed_sum_of_the_ledger(entries in prop::collection::vec(entry(), 0..40)) {
            let held = held_by_currency(&entries).unwrap();
            for c in Currency::ALL {
                let sign = |k: EntryKind| match k {
                    K::AirlinePaymentReceived => 1,
                    K::RefundChargeback | K::PayoutToPassenger | K::Fee => -1,
                    K::PaidDirectlyToPassenger | K::WriteOff => 0,
                };
                let expected: i64 = entries
                    .iter()
                    .filter(|e| e.amount.currency == c)
                    .map(|e| sign(e.kind) * e.amount.minor)
                    .sum();
                let got = held.get(&c).map_or(0, |m| m.minor);
                prop_assert_eq!(got, expected);
                if let Some(m) = held.get(&c) {
                    prop_assert_eq!(m.currency, c, "never summed across currencies");
                }
            }
        }

        #[test]
        fn totals_add_up_the_balances(entries in prop::collection::vec(entry(), 0..40)) {
            let b = balances(&[(None, Money::eur(500_000))], &entries).unwrap();
            let t = totals(&b).unwrap();
            for total in &t {
                let of = |f: fn(&Balance) -> Money| -> i64 {
                    b.iter().filter(|x| x.currency == total.currency).map(|x| f(x).minor).sum()
                };
                prop_assert_eq!(total.held.minor, of(|x| x.held));
                prop_assert_eq!(total.outstanding.minor, of(|x| x.outstanding));
                prop_assert_eq!(
                    total.held.minor,
                    total.received.minor - total.paid_out.minor - total.fee.minor
                );
            }
        }

        #[test]
        fn no_status_without_its_ledger_rows(
            entries in prop::collection::vec(entry(), 0..20),
            start in prop::sample::select(vec![
                ClaimStatus::Approved, ClaimStatus::AirlinePaid, ClaimStatus::Paid,
            ]),
        ) {
            // Positive amounts only: what the use cases record.
            let entries: Vec<Entry> = entries
                .into_iter()
                .map(|e| Entry { amount: Money::new(e.amount.minor.abs().max(1), e.amount.currency), ..e })
                .collect();
            let t = totals(&balances(&[], &entries).unwrap()).unwrap();
            let status = status_for(start, &t);
            prop_assert!(status_is_backed(status, &t), "{:?} from {:?}", status, entries);
        }
    }
}
