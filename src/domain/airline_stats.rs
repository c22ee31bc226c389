//! Per-airline statistics from the claims' status histories: claims, approval and rejection
//! rates, rejection reasons, median days to answer and to pay, the share of claims escalated
//! and what became of them, money outstanding per currency.
//!
//! `db::airline_stats` reads the facts (SQL: each claim's airline, the first time it reached
//! each status, rejection reasons, receivables); this module folds them into figures with pure
//! functions, table-tested below.
//!
//! **Escalation** is counted from the status history, not from a list of escalation statuses:
//! a claim is escalated when it reached any status after `sent_to_airline` that is not part of
//! the ordinary path ([`ORDINARY`]). New stages (second notice, enforcement body, mediation,
//! court, lawyer…) therefore count without touching this module.
//!
//! **Public scorecard (later).** The figures are per airline and hold nothing about a single
//! claim (no reference, passenger, agent or amount of one claim), so an anonymised public
//! scorecard is [`AirlineFigures::scorecard`]: the rates, medians and escalation share of the
//! airlines with at least [`SCORECARD_MIN_CLAIMS`] decided claims (small counts could point at
//! one passenger), without money outstanding (our business, not the public's) and without
//! free-text rejection reasons. A public page or a JSON export can be built on it alone.

use std::collections::BTreeMap;

use serde::Serialize;

use super::money::Money;

/// Statuses of the ordinary path: reaching any other status after `sent_to_airline` is an
/// escalation.
pub const ORDINARY: [&str; 10] = [
    "submitted",
    "in_review",
    "sent_to_airline",
    "airline_answered",
    "approved",
    "rejected",
    "airline_paid",
    "paid",
    "closed",
    "withdrawn",
];

/// Statuses that mean the airline answered (gave or refused).
const ANSWERS: [&str; 3] = ["airline_answered", "approved", "rejected"];
/// Statuses that mean the airline paid (us, or the passenger directly).
const PAYMENTS: [&str; 2] = ["airline_paid", "paid"];
/// An airline with fewer decided claims than this is left out of a public scorecard.
pub const SCORECARD_MIN_CLAIMS: i64 = 20;

/// Whether reaching `status` is an escalation (anything off the ordinary path).
pub fn is_escalation(status: &str) -> bool {
    !ORDINARY.contains(&status)
}

/// One claim's history: the first time (in days, any epoch) it reached each status.
#[derive(Debug, Clone, Default)]
pub struct ClaimHistory {
    pub reached: Vec<(String, f64)>,
}

impl ClaimHistory {
    fn first(&self, statuses: &[&str]) -> Option<f64> {
        self.reached
            .iter()
            .filter(|(s, _)| statuses.contains(&s.as_str()))
            .map(|(_, at)| *at)
            .reduce(f64::min)
    }

    fn first_after(&self, statuses: &[&str], after: f64) -> Option<f64> {
        self.reached
            .iter()
            .filter(|(s, at)| statuses.contains(&s.as_str()) && *at >= after)
            .map(|(_, at)| *at)
            .reduce(f64::min)
    }

    fn reached(&self, status: &str) -> bool {
        self.reached.iter().any(|(s, _)| s == status)
    }

    /// When the claim was first escalated, if ever (after it was sent to the airline).
    pub fn escalated_at(&self) -> Option<f64> {
        let sent = self.first(&["sent_to_airline"])?;
        self.reached
            .iter()
            .filter(|(s, at)| is_escalation(s) && *at >= sent)
            .map(|(_, at)| *at)
            .reduce(f64::min)
    }
}

/// What became of an escalated claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationOutcome {
    /// Approved or paid after the escalation.
    Won,
    /// Rejected after the escalation, never approved since.
    Lost,
    /// Still open.
    Pending,
}

/// The outcome of an escalated claim; `None` when it never was.
pub fn escalation_outcome(h: &ClaimHistory) -> Option<EscalationOutcome> {
    let at = h.escalated_at()?;
    Some(
        if h.first_after(&["approved", "airline_paid", "paid"], at)
            .is_some()
        {
            EscalationOutcome::Won
        } else if h.first_after(&["rejected"], at).is_some() {
            EscalationOutcome::Lost
        } else {
            EscalationOutcome::Pending
        },
    )
}

/// The facts of one airline, as `db::airline_stats` reads them.
#[derive(Debug, Clone, Default)]
pub struct AirlineFacts {
    pub airline: String,
    /// Every claim of the airline (including those without any status change yet).
    pub claims: i64,
    pub histories: Vec<ClaimHistory>,
    /// Rejection reason (a `RejectionReason` name) → claims.
    pub reasons: BTreeMap<String, i64>,
    /// What the airline still owes, one amount per currency.
    pub outstanding: Vec<Money>,
}

/// The figures of one airline.
#[derive(Debug, Clone, Serialize)]
pub struct AirlineFigures {
    pub airline: String,
    pub claims: i64,
    pub approved: i64,
    pub rejected: i64,
    pub paid: i64,
    /// Approved (ever) among decided claims, in percent.
    pub approval_percent: Option<i64>,
    /// Rejected (and never approved) among decided claims, in percent.
    pub rejection_percent: Option<i64>,
    pub median_days_to_answer: Option<f64>,
    pub median_days_to_pay: Option<f64>,
    pub sent: i64,
    pub escalated: i64,
    /// Escalated among claims sent to the airline, in percent.
    pub escalated_percent: Option<i64>,
    pub escalation_won: i64,
    pub escalation_lost: i64,
    pub escalation_pending: i64,
    /// Most frequent first.
    pub reasons: Vec<(String, i64)>,
    pub outstanding: Vec<Money>,
}

/// What a public, anonymised scorecard may show of an airline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scorecard {
    pub airline: String,
    pub approval_percent: Option<i64>,
    pub median_days_to_answer: Option<f64>,
    pub median_days_to_pay: Option<f64>,
    pub escalated_percent: Option<i64>,
}

impl AirlineFigures {
    /// The public part of these figures; `None` when too few claims were decided.
    pub fn scorecard(&self) -> Option<Scorecard> {
        (self.approved + self.rejected >= SCORECARD_MIN_CLAIMS).then(|| Scorecard {
            airline: self.airline.clone(),
            approval_percent: self.approval_percent,
            median_days_to_answer: self.median_days_to_answer,
            median_days_to_pay: self.median_days_to_pay,
            escalated_percent: self.escalated_percent,
        })
    }
}

/// `part` of `whole` in percent, rounded half up; `None` when `whole` is zero.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

/// Median of a list (sorted in place); `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        f64::midpoint(values[mid - 1], values[mid])
    } else {
        values[mid]
    })
}

/// Folds one airline's facts into its figures.
pub fn figures(facts: &AirlineFacts) -> AirlineFigures {
    let (mut approved, mut rejected, mut paid, mut sent, mut escalated) = (0, 0, 0, 0, 0);
    let (mut won, mut lost, mut pending) = (0, 0, 0);
    let (mut answer, mut pay) = (Vec::new(), Vec::new());
    for h in &facts.histories {
        let ever_approved = h.reached("approved") || h.first(&PAYMENTS).is_some();
        if ever_approved {
            approved += 1;
        } else if h.reached("rejected") {
            rejected += 1;
        }
        if h.first(&PAYMENTS).is_some() {
            paid += 1;
        }
        if let Some(at) = h.first(&["sent_to_airline"]) {
            sent += 1;
            if let Some(answered) = h.first_after(&ANSWERS, at) {
                answer.push(answered - at);
            }
            if let Some(paid_at) = h.first_after(&PAYMENTS, at) {
                pay.push(paid_at - at);
            }
        }
        match escalation_outcome(h) {
            Some(EscalationOutcome::Won) => won += 1,
            Some(EscalationOutcome::Lost) => lost += 1,
            Some(EscalationOutcome::Pending) => pending += 1,
            None => continue,
        }
        escalated += 1;
    }
    let mut reasons: Vec<(String, i64)> =
        facts.reasons.iter().map(|(r, n)| (r.clone(), *n)).collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    AirlineFigures {
        airline: facts.airline.clone(),
        claims: facts.claims,
        approved,
        rejected,
        paid,
        approval_percent: percent(approved, approved + rejected),
        rejection_percent: percent(rejected, approved + rejected),
        median_days_to_answer: median(&mut answer),
        median_days_to_pay: median(&mut pay),
        sent,
        escalated,
        escalated_percent: percent(escalated, sent),
        escalation_won: won,
        escalation_lost: lost,
        escalation_pending: pending,
        reasons,
        outstanding: facts.outstanding.clone(),
    }
}

/// A two-letter IATA airline designator (letters or digits, not two digits), upper-cased;
/// `None` for anything else.
pub fn parse_iata(text: &str) -> Option<String> {
    let up = text.trim().to_ascii_uppercase();
    let ok = up.len() == 2
        && up.bytes().all(|b| b.is_ascii_alphanumeric())
        && !up.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(up)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Money;

    fn h(steps: &[(&str, f64)]) -> ClaimHistory {
        ClaimHistory {
            reached: steps
                .iter()
                .map(|(s, at)| ((*s).to_string(), *at))
                .collect(),
        }
    }

    #[test]
    fn escalation_is_anything_off_the_ordinary_path() {
        for s in ORDINARY {
            assert!(!is_escalation(s), "{s}");
        }
        for s in ["reminder_sent", "neb_complaint", "adr", "court", "lawyer"] {
            assert!(is_escalation(s), "{s}");
        }
    }

    #[test]
    fn escalation_outcomes() {
        type Steps<'a> = &'a [(&'a str, f64)];
        let cases: [(Steps, Option<EscalationOutcome>); 6] = [
            (&[("submitted", 0.0), ("sent_to_airline", 2.0)], None),
            (
                &[("sent_to_airline", 2.0), ("court", 30.0)],
                Some(EscalationOutcome::Pending),
            ),
            (
                &[("sent_to_airline", 2.0), ("rejected", 10.0), ("neb", 20.0)],
                Some(EscalationOutcome::Pending),
            ),
            (
                &[
                    ("sent_to_airline", 2.0),
                    ("rejected", 10.0),
                    ("neb", 20.0),
                    ("approved", 60.0),
                ],
                Some(EscalationOutcome::Won),
            ),
            (
                &[("sent_to_airline", 2.0), ("adr", 20.0), ("rejected", 50.0)],
                Some(EscalationOutcome::Lost),
            ),
            // A status off the path before the letter is not an escalation of the airline.
            (&[("odd", 1.0), ("sent_to_airline", 2.0)], None),
        ];
        for (steps, want) in cases {
            assert_eq!(escalation_outcome(&h(steps)), want, "{steps:?}");
        }
    }

    #[test]
    fn figures_of_an_airline() {
        let facts = AirlineFacts {
            airline: "AF".into(),
            claims: 5,
            histories: vec![
                h(&[("sent_to_airline", 0.0), ("approved", 10.0), ("paid", 30.0)]),
                h(&[("sent_to_airline", 0.0), ("rejected", 20.0)]),
                h(&[
                    ("sent_to_airline", 0.0),
                    ("reminder_sent", 14.0),
                    ("airline_answered", 40.0),
                    ("approved", 41.0),
                ]),
                h(&[("in_review", 1.0), ("rejected", 2.0)]),
            ],
            reasons: BTreeMap::from([("delay_too_short".into(), 1), ("other".into(), 3)]),
            outstanding: vec![Money::eur(60_000), Money::gbp(22_000)],
        };
        let f = figures(&facts);
        assert_eq!((f.claims, f.approved, f.rejected, f.paid), (5, 2, 2, 1));
        assert_eq!(f.approval_percent, Some(50));
        assert_eq!(f.rejection_percent, Some(50));
        assert_eq!(f.median_days_to_answer, Some(20.0));
        assert_eq!(f.median_days_to_pay, Some(30.0));
        assert_eq!((f.sent, f.escalated, f.escalated_percent), (3, 1, Some(33)));
        assert_eq!(f.escalation_won, 1);
        assert_eq!(f.reasons[0], ("other".to_string(), 3));
        assert_eq!(f.outstanding.len(), 2, "EUR and GBP stay apart");
        assert_eq!(f.scorecard(), None, "too few decided claims to publish");
    }

    #[test]
    fn rates_and_medians() {
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn iata_codes() {
        assert_eq!(parse_iata("af"), Some("AF".into()));
        assert_eq!(parse_iata("U2"), Some("U2".into()));
        for bad in ["", "A", "AFR", "12", "A-", "../", "é1"] {
            assert_eq!(parse_iata(bad), None, "{bad}");
        }
    }
}
