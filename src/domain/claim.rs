//! Claims: references, the status state machine the admin side drives, and the fee split.
//!
//! ```text
//! submitted → in_review → sent_to_airline → airline_answered → approved → airline_paid → paid → closed
//!                 │              │                 │               ╰──────────────────────────────→ closed
//!                 ╰──────────────┴─────────────────┴→ rejected → closed
//!
//! escalation, when the airline stays silent or says no (forward only):
//! sent_to_airline ──→ reminder_sent ──→ neb_complaint ⇄ adr ──→ court ──→ lawyer
//!        ╰───────────────────────────────↗ (sent_to_airline → neb_complaint or adr)
//! airline_answered → neb_complaint, adr, court, lawyer; reminder_sent → court, lawyer too;
//! neb_complaint, adr → court, lawyer
//! sent_to_airline and each escalation stage → airline_answered, approved, rejected
//! rejected, closed → in_review (reopen, a reason required)
//! any state before airline_paid → withdrawn (by the passenger)
//! ```
//! Each transition states what it needs (a rejection reason, the amount agreed…); nothing else
//! may change a claim's status. Between approved, airline paid and paid (the passenger was
//! paid) the status follows the ledger ([`super::ledger::status_for`]): only
//! [`Transition::FollowLedger`] moves it there, and only the money use cases
//! (`services::money`) use it, after writing the ledger rows that justify it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::money::Money;

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Submitted,
    InReview,
    SentToAirline,
    AirlineAnswered,
    /// A second notice went to the airline (it did not answer the first letter in time).
    ReminderSent,
    /// A complaint is with the national enforcement body (Art 16).
    NebComplaint,
    /// A mediator (alternative dispute resolution body) handles it.
    Adr,
    /// Court proceedings (small claims, ESCP) are under way or prepared.
    Court,
    /// Handed to a lawyer or a collection agency.
    Lawyer,
    Approved,
    Rejected,
    /// The airline paid us (all or part of what it owes); not yet all paid out.
    AirlinePaid,
    /// The passenger was paid (by us, or by the airline directly).
    Paid,
    Closed,
    Withdrawn,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 15] = [
        Self::Submitted,
        Self::InReview,
        Self::SentToAirline,
        Self::AirlineAnswered,
        Self::ReminderSent,
        Self::NebComplaint,
        Self::Adr,
        Self::Court,
        Self::Lawyer,
        Self::Approved,
        Self::Rejected,
        Self::AirlinePaid,
        Self::Paid,
        Self::Closed,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::InReview => "in_review",
            Self::SentToAirline => "sent_to_airline",
            Self::AirlineAnswered => "airline_answered",
            Self::ReminderSent => "reminder_sent",
            Self::NebComplaint => "neb_complaint",
            Self::Adr => "adr",
            Self::Court => "court",
            Self::Lawyer => "lawyer",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::AirlinePaid => "airline_paid",
            Self::Paid => "paid",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No further change is possible, except a staff member reopening a closed claim
    /// ([`Transition::Reopen`]).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Closed | Self::Withdrawn)
    }

    /// The passenger may still withdraw (nothing has been paid yet).
    pub fn can_withdraw(self) -> bool {
        !matches!(
            self,
            Self::AirlinePaid | Self::Paid | Self::Closed | Self::Withdrawn
        )
    }

    /// The stages of the pursuit after the first letter: the airline did not answer, or said no,
    /// and we press on.
    pub fn is_escalation(self) -> bool {
        matches!(
            self,
            Self::ReminderSent | Self::NebComplaint | Self::Adr | Self::Court | Self::Lawyer
        )
    }

    /// Waiting for the airline: the first letter or any escalation stage. The airline's answer,
    /// an approval or a rejection may come at any of them.
    pub fn awaits_airline(self) -> bool {
        self == Self::SentToAirline || self.is_escalation()
    }

    /// Where escalation stands, in order (later stages never lead back to earlier ones).
    fn escalation_rank(self) -> u8 {
        match self {
            Self::SentToAirline => 1,
            Self::AirlineAnswered | Self::ReminderSent => 2,
            Self::NebComplaint | Self::Adr => 3,
            Self::Court => 4,
            Self::Lawyer => 5,
            _ => 0,
        }
    }

    /// The statuses where money moves, which follow the ledger.
    pub fn is_money_stage(self) -> bool {
        matches!(self, Self::Approved | Self::AirlinePaid | Self::Paid)
    }
}

impl fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A requested change of status, with what that change needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    StartReview,
    SendToAirline,
    RecordAirlineAnswer {
        summary: String,
    },
    Approve {
        amount_cents: i64,
    },
    Reject {
        reason: String,
    },
    /// The ledger changed: the status it now calls for (approved, airline paid or paid).
    FollowLedger {
        to: ClaimStatus,
    },
    Close,
    Withdraw,
    /// A second notice to the airline (by staff, or by the daily job at the reply deadline).
    SendReminder,
    /// A complaint to the competent national enforcement body.
    ComplainToNeb,
    /// Referral to an alternative dispute resolution body (mediator).
    ReferToAdr,
    /// Court proceedings.
    GoToCourt,
    /// Handed to a lawyer or a collection agency.
    HandToLawyer,
    /// A rejected or closed claim is looked at again (why, for the team and the passenger).
    Reopen {
        reason: String,
    },
}

impl Transition {
    /// The status this transition leads to.
    pub fn target(&self) -> ClaimStatus {
        match self {
            Self::StartReview | Self::Reopen { .. } => ClaimStatus::InReview,
            Self::SendToAirline => ClaimStatus::SentToAirline,
            Self::RecordAirlineAnswer { .. } => ClaimStatus::AirlineAnswered,
            Self::Approve { .. } => ClaimStatus::Approved,
            Self::Reject { .. } => ClaimStatus::Rejected,
            Self::FollowLedger { to } => *to,
            Self::Close => ClaimStatus::Closed,
            Self::Withdraw => ClaimStatus::Withdrawn,
            Self::SendReminder => ClaimStatus::ReminderSent,
            Self::ComplainToNeb => ClaimStatus::NebComplaint,
            Self::ReferToAdr => ClaimStatus::Adr,
            Self::GoToCourt => ClaimStatus::Court,
            Self::HandToLawyer => ClaimStatus::Lawyer,
        }
    }
}

/// Why a transition was refused (translation key suffixes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a claim cannot go from {from} to {to}")]
    NotAllowed { from: ClaimStatus, to: ClaimStatus },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the amount must be positive")]
    AmountRequired,
}

/// Checks a transition from `from`; returns the new status.
pub fn apply(from: ClaimStatus, transition: &Transition) -> Result<ClaimStatus, TransitionError> {
    use ClaimStatus as S;
    let to = transition.target();
    let allowed = match transition {
        Transition::StartReview => from == S::Submitted,
        Transition::SendToAirline => from == S::InReview,
        Transition::RecordAirlineAnswer { .. } => from.awaits_airline(),
        Transition::Approve { .. } => {
            matches!(from, S::InReview | S::AirlineAnswered) || from.awaits_airline()
        }
        Transition::Reject { .. } => {
            matches!(from, S::Submitted | S::InReview | S::AirlineAnswered) || from.awaits_airline()
        }
        Transition::FollowLedger { to } => from.is_money_stage() && to.is_money_stage(),
        Transition::Close => matches!(from, S::Paid | S::Rejected | S::Approved),
        Transition::Withdraw => from.can_withdraw(),
        Transition::SendReminder => from == S::SentToAirline,
        // Escalation goes forward only: a complaint, a mediator, court, then a lawyer.
        Transition::ComplainToNeb | Transition::ReferToAdr => {
            matches!(
                from,
                S::SentToAirline | S::ReminderSent | S::AirlineAnswered | S::NebComplaint | S::Adr
            ) && from != to
        }
        Transition::GoToCourt | Transition::HandToLawyer => {
            from.escalation_rank() >= 2 && from.escalation_rank() < to.escalation_rank()
        }
        Transition::Reopen { .. } => matches!(from, S::Rejected | S::Closed),
    };
    if !allowed {
        return Err(TransitionError::NotAllowed { from, to });
    }
    match transition {
        Transition::Reject { reason }
        | Transition::RecordAirlineAnswer { summary: reason }
        | Transition::Reopen { reason }
            if reason.trim().is_empty() =>
        {
            Err(TransitionError::ReasonRequired)
        }
        Transition::Approve { amount_cents } if *amount_cents <= 0 => {
            Err(TransitionError::AmountRequired)
        }
        _ => Ok(to),
    }
}

/// Letters and digits that cannot be confused when read aloud or handwritten (no 0/O, 1/I/L).
const REF_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const REF_LEN: usize = 6;

/// A claim reference such as `FC-7K3M9Q`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClaimRef(String);

impl ClaimRef {
    /// A new random reference (31⁶ ≈ 887 million; the database's unique index catches a clash).
    pub fn generate() -> ClaimRef {
        let bytes: [u8; REF_LEN] = rand::random();
        let body: String = bytes
            .iter()
            .map(|b| REF_ALPHABET[usize::from(*b) % REF_ALPHABET.len()] as char)
            .collect();
        ClaimRef(format!("FC-{body}"))
    }

    /// Parses user input (case-insensitive, spaces trimmed); `None` when it cannot be a reference.
    pub fn parse(input: &str) -> Option<ClaimRef> {
        let upper = input.trim().to_ascii_uppercase();
        let body = upper.strip_prefix("FC-")?;
        let valid = body.len() == REF_LEN && body.bytes().all(|b| REF_ALPHABET.contains(&b));
        valid.then_some(ClaimRef(upper.clone()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClaimRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How compensation is shared: our fee (rounded to the cent, half up) and what the passenger
/// receives. Amounts in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeeSplit {
    pub gross_cents: i64,
    pub fee_cents: i64,
    pub net_cents: i64,
}

pub fn split_fee(gross_cents: i64, fee_percent: u8) -> FeeSplit {
    let gross = gross_cents.max(0);
    let fee = (gross * i64::from(fee_percent) + 50) / 100;
    FeeSplit {
        gross_cents: gross,
        fee_cents: fee,
        net_cents: gross - fee,
    }
}

/// One passenger's compensation as the claim pages show it: the amount claimed for them, our
/// fee on it and what they receive. All three in the claim's currency (never converted, never
/// added to another currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassengerAmount {
    pub claimed: Money,
    pub fee: Money,
    pub net: Money,
}

/// The amount claimed for one passenger (`per_passenger`) split with the claim's fee.
pub fn passenger_amount(per_passenger: Money, fee_percent: u8) -> PassengerAmount {
    let split = split_fee(per_passenger.minor, fee_percent);
    let cur = per_passenger.currency;
    PassengerAmount {
        claimed: Money::new(split.gross_cents, cur),
        fee: Money::new(split.fee_cents, cur),
        net: Money::new(split.net_cents, cur),
    }
}

/// A fee percentage as stored (an integer column); out-of-range values are clamped.
pub fn stored_fee_percent(stored: i64) -> u8 {
    u8::try_from(stored.clamp(0, 100)).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClaimStatus as S;

    #[test]
    fn amounts_per_passenger() {
        let table: [(Money, u8, Money, Money); 4] = [
            // claimed, fee %, fee, net
            (
                Money::eur(60_000),
                25,
                Money::eur(15_000),
                Money::eur(45_000),
            ),
            (
                Money::gbp(52_000),
                25,
                Money::gbp(13_000),
                Money::gbp(39_000),
            ),
            (
                Money::eur(25_050),
                35,
                Money::eur(8_768),
                Money::eur(16_282),
            ),
            (Money::eur(40_000), 0, Money::eur(0), Money::eur(40_000)),
        ];
        for (claimed, pct, fee, net) in table {
            let a = passenger_amount(claimed, pct);
            assert_eq!(
                a,
                PassengerAmount { claimed, fee, net },
                "{claimed:?} {pct}"
            );
            assert_eq!(a.fee.checked_add(a.net), Ok(a.claimed));
        }
        assert_eq!(stored_fee_percent(25), 25);
        assert_eq!(stored_fee_percent(-3), 0);
        assert_eq!(stored_fee_percent(400), 100);
    }

    #[test]
    fn the_happy_path() {
        let mut s = S::Submitted;
        for t in [
            Transition::StartReview,
            Transition::SendToAirline,
            Transition::RecordAirlineAnswer {
                summary: "Will pay".into(),
            },
            Transition::Approve {
                amount_cents: 60_000,
            },
            Transition::FollowLedger { to: S::AirlinePaid },
            Transition::FollowLedger { to: S::Paid },
            Transition::Close,
        ] {
            s = apply(s, &t).unwrap();
        }
        assert_eq!(s, S::Closed);
    }

    #[test]
    fn every_transition_from_every_status() {
        // Answers, approval, rejection and withdrawal, common to every escalation stage.
        const ANSWERS: [S; 4] = [S::AirlineAnswered, S::Approved, S::Rejected, S::Withdrawn];
        let transitions = [
            Transition::StartReview,
            Transition::SendToAirline,
            Transition::RecordAirlineAnswer {
                summary: "x".into(),
            },
            Transition::Approve { amount_cents: 1 },
            Transition::Reject { reason: "x".into() },
            Transition::FollowLedger { to: S::AirlinePaid },
            Transition::FollowLedger { to: S::Paid },
            Transition::Close,
            Transition::Withdraw,
            Transition::SendReminder,
            Transition::ComplainToNeb,
            Transition::ReferToAdr,
            Transition::GoToCourt,
            Transition::HandToLawyer,
        ];
        let with = |more: &[S]| -> Vec<S> { ANSWERS.iter().chain(more).copied().collect() };
        // (from, allowed targets)
        let table: Vec<(S, Vec<S>)> = vec![
            (S::Submitted, vec![S::InReview, S::Rejected, S::Withdrawn]),
            (
                S::InReview,
                vec![S::SentToAirline, S::Approved, S::Rejected, S::Withdrawn],
            ),
            (
                S::SentToAirline,
                with(&[S::ReminderSent, S::NebComplaint, S::Adr]),
            ),
            (
                S::AirlineAnswered,
                vec![
                    S::Approved,
                    S::Rejected,
                    S::Withdrawn,
                    S::NebComplaint,
                    S::Adr,
                    S::Court,
                    S::Lawyer,
                ],
            ),
            (
                S::ReminderSent,
                with(&[S::NebComplaint, S::Adr, S::Court, S::Lawyer]),
            ),
            (S::NebComplaint, with(&[S::Adr, S::Court, S::Lawyer])),
            (S::Adr, with(&[S::NebComplaint, S::Court, S::Lawyer])),
            (S::Court, with(&[S::Lawyer])),
            (S::Lawyer, with(&[])),
            (
                S::Approved,
                vec![S::AirlinePaid, S::Paid, S::Closed, S::Withdrawn],
            ),
            (S::Rejected, vec![S::Closed, S::Withdrawn]),
            (S::AirlinePaid, vec![S::AirlinePaid, S::Paid]),
            (S::Paid, vec![S::AirlinePaid, S::Paid, S::Closed]),
            (S::Closed, vec![]),
            (S::Withdrawn, vec![]),
        ];
        assert_eq!(table.len(), S::ALL.len(), "every status has a row");
        for (from, allowed) in table {
            for t in &transitions {
                let result = apply(from, t);
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&t.target()),
                    "{from} → {}",
                    t.target()
                );
            }
            // Reopening leads to in_review too, from rejected or closed only.
            let reopen = Transition::Reopen { reason: "x".into() };
            assert_eq!(
                apply(from, &reopen).is_ok(),
                matches!(from, S::Rejected | S::Closed),
                "reopen from {from}"
            );
        }
    }

    #[test]
    fn the_pursuit_from_silence_to_court_then_reopened() {
        let mut s = S::SentToAirline;
        for t in [
            Transition::SendReminder,
            Transition::ComplainToNeb,
            Transition::GoToCourt,
            Transition::Reject {
                reason: "lost".into(),
            },
            Transition::Reopen {
                reason: "new evidence".into(),
            },
            Transition::Approve {
                amount_cents: 60_000,
            },
        ] {
            s = apply(s, &t).unwrap();
        }
        assert_eq!(s, S::Approved);
        assert_eq!(
            apply(S::Court, &Transition::ComplainToNeb),
            Err(TransitionError::NotAllowed {
                from: S::Court,
                to: S::NebComplaint
            }),
            "escalation never goes back"
        );
        assert_eq!(
            apply(S::Rejected, &Transition::Reopen { reason: " ".into() }),
            Err(TransitionError::ReasonRequired)
        );
        assert!(
            S::ALL
                .iter()
                .all(|s| !(s.is_escalation() && s.is_money_stage()))
        );
    }

    #[test]
    fn transitions_demand_what_they_need() {
        assert_eq!(
            apply(
                S::InReview,
                &Transition::Reject {
                    reason: "  ".into()
                }
            ),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            apply(S::InReview, &Transition::Approve { amount_cents: 0 }),
            Err(TransitionError::AmountRequired)
        );
        assert_eq!(
            apply(
                S::InReview,
                &Transition::FollowLedger { to: S::AirlinePaid }
            ),
            Err(TransitionError::NotAllowed {
                from: S::InReview,
                to: S::AirlinePaid
            }),
            "money stages are reached from approved only"
        );
        assert!(
            apply(S::Approved, &Transition::FollowLedger { to: S::Closed }).is_err(),
            "the ledger does not close a claim"
        );
    }

    #[test]
    fn references() {
        let r = ClaimRef::generate();
        assert_eq!(r.as_str().len(), 9);
        assert_eq!(ClaimRef::parse(&r.as_str().to_lowercase()), Some(r));
        for bad in [
            "",
            "FC-",
            "FC-0OI1LL",
            "FC-ABCDEFG",
            "XX-ABCDEF",
            "FC-ABC DE",
            "../etc/passwd",
        ] {
            assert!(ClaimRef::parse(bad).is_none(), "{bad}");
        }
        assert!(
            ClaimStatus::ALL
                .iter()
                .all(|s| ClaimStatus::parse(s.as_str()) == Some(*s))
        );
    }

    #[test]
    fn fee_split_rounds_to_the_cent() {
        assert_eq!(
            split_fee(60_000, 25),
            FeeSplit {
                gross_cents: 60_000,
                fee_cents: 15_000,
                net_cents: 45_000
            }
        );
        assert_eq!(
            split_fee(12_500, 35),
            FeeSplit {
                gross_cents: 12_500,
                fee_cents: 4_375,
                net_cents: 8_125
            }
        );
        assert_eq!(split_fee(333, 25).fee_cents, 83);
        assert_eq!(split_fee(-1, 25).net_cents, 0);
    }
}
