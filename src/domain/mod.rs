//! Pure business rules: no I/O, no Rocket, no SQL.

pub mod airline_stats;
pub mod claim;
pub mod eligibility;
pub mod flight;
pub mod iban;
pub mod ledger;
pub mod money;
pub mod sepa;
pub mod signals;
