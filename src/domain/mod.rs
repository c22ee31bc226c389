//! Pure business rules: no I/O, no Rocket, no SQL.

pub mod airline_stats;
pub mod bcbp;
pub mod claim;
pub mod deadlines;
pub mod eligibility;
pub mod escalation;
pub mod flight;
pub mod iban;
pub mod invoice;
pub mod ledger;
pub mod money;
pub mod payout_batch;
pub mod sepa;
pub mod signals;
pub mod stage_times;
