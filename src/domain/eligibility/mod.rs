//! EU261 / UK261 eligibility engine: pure rules (no I/O, no Rocket, no SQL).
//!
//! Entry points: [`parse_request`] (strict JSON parser) and [`evaluate`] (decision +
//! explanation). [`decide`] gives the decision alone, allocation-free, for callers that do
//! not need the text. Rules: `docs/eu261-rules.md`; contract: `docs/eligibility-api.md`.
//!
//! Files: `request` (types, validation), `parse` (JSON paths in errors), `time` (local →
//! UTC), `scope` (Art 3), `journeys` (outbound and return, *Schenkel*), `bands` (Art 7(1),
//! 7(4), 10(2)), `ruleset` (versioned rule sets), `disruption` (delay, cancellation, denied
//! boarding, downgrade), `extraordinary` (Art 5(3)), `limitation`, `decide` (orchestration),
//! `explanation` (+ `humanize`: numbers, amounts, dates per language; `explain_carrier`: the
//! licence assumed, C-502/18, C-451/20; `explain_cancellation`: flights brought forward, Art
//! 5(1)(c) conditions), `response`.
//! Contract extensions: `docs/ELIGIBILITY-API.md`.

pub mod bands;
pub mod decide;
pub mod disruption;
pub mod error;
pub mod explain_cancellation;
pub mod explain_carrier;
pub mod explanation;
pub mod extraordinary;
pub mod humanize;
pub mod journeys;
pub mod limitation;
pub mod parse;
pub mod request;
pub mod response;
pub mod ruleset;
pub mod scope;
pub mod time;

#[cfg(test)]
#[allow(clippy::float_cmp, clippy::too_many_lines)]
mod tests;
#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_explanation;
#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests_journeys;
#[cfg(test)]
mod tests_law;
#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests_prop;

use chrono::NaiveDate;

pub use decide::{Decision, decide};
pub use error::RequestError;
pub use extraordinary::Reason;
pub use parse::parse_request;
pub use request::{
    Booking, CabinClass, Disruption, DisruptionType, EligibilityRequest, Leg, Passenger, Reroute,
    TicketType,
};
pub use response::{Alternative, Amount, EligibilityResponse, ReasonCode, RegimeField};
pub use ruleset::Regime;

use crate::refdata::RefData;

/// Evaluates a request: the decision plus its explanation in `lang` (`"fr"` or `"en"`).
/// `today` is the default `claim_date` for the limitation check.
pub fn evaluate(
    req: &EligibilityRequest,
    data: &RefData,
    lang: &str,
    today: NaiveDate,
) -> Result<EligibilityResponse, RequestError> {
    let d = decide(req, data, today)?;
    let explanation = explanation::explain(&d, req, data, lang);
    Ok(to_response(&d, explanation))
}

/// Builds the contract's response from a decision and an already rendered explanation.
pub fn to_response(d: &Decision<'_>, explanation: String) -> EligibilityResponse {
    let eligible = d.code.is_eligible();
    let alternatives = d
        .alternative
        .map(|(regime, amount, currency)| {
            vec![Alternative {
                regime,
                amount: Amount(amount),
                currency: currency.to_string(),
            }]
        })
        .unwrap_or_default();
    EligibilityResponse {
        eligible,
        regime: RegimeField(if eligible { d.regime } else { None }),
        amount: Amount(if eligible { d.amount } else { 0.0 }),
        currency: if eligible {
            d.currency.map(str::to_string)
        } else {
            None
        },
        reason_code: d.code,
        full_amount: d.full_amount.filter(|_| eligible),
        distance_km: d.distance_km,
        refund_percent: d.refund_percent.filter(|_| eligible),
        no_cumulation: !alternatives.is_empty(),
        alternatives,
        liable_carrier: d.liable_carrier.filter(|_| eligible).map(str::to_string),
        deadline: d.deadline.map(|dl| dl.last_day),
        explanation,
    }
}
