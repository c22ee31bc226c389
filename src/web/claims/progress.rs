//! What the claim pages show of a claim's progress: each passenger's amount claimed and net
//! after our fee (passenger and staff pages alike), and the passenger's "what happens next":
//! the current stage and the following ones with their usual durations, each saying where the
//! figure comes from (our own closed claims, or the default ranges).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::claims::ClaimPassenger;
use crate::domain::claim::ClaimStatus;
use crate::domain::claim::{passenger_amount, stored_fee_percent};
use crate::domain::money::{Currency, Money};
use crate::domain::stage_times::{self, Estimate};
use crate::i18n::{Locale, translate};

/// One passenger's line of the amounts table, formatted for `locale`.
#[derive(Debug, Serialize)]
pub struct AmountItem {
    pub name: String,
    pub claimed: String,
    pub fee: String,
    pub net: String,
}

/// The amounts of every passenger of a claim: `per_passenger_cents` in the claim's `currency`,
/// with the claim's stored `fee_percent` (the configured fee when the claim was filed).
pub fn amount_items(
    passengers: &[ClaimPassenger],
    per_passenger_cents: i64,
    currency: &str,
    fee_percent: i64,
    locale: Locale,
) -> Vec<AmountItem> {
    let per = Money::new(per_passenger_cents, Currency::stored(currency));
    let split = passenger_amount(per, stored_fee_percent(fee_percent));
    passengers
        .iter()
        .map(|p| AmountItem {
            name: format!("{} {}", p.first_name, p.last_name),
            claimed: split.claimed.format(locale),
            fee: split.fee.format(locale),
            net: split.net.format(locale),
        })
        .collect()
}

/// One stage of "what happens next", translated.
#[derive(Debug, Serialize)]
pub struct StepView {
    pub status: &'static str,
    pub current: bool,
    pub duration: String,
    pub source: String,
}

/// "About 3 weeks" or "2–6 weeks", and where the figure comes from.
fn estimate_text(estimate: Estimate, lang: &str) -> (String, String) {
    let (unit, low, high, source) = match estimate {
        Estimate::Own {
            median_days,
            samples,
        } => {
            let (unit, n) = stage_times::about(median_days);
            let source = translate(
                lang,
                "claims.next.source_own",
                &[("count", &samples.to_string())],
            );
            (unit, n, n, source)
        }
        Estimate::Default(range) => {
            let (unit, low, high) = stage_times::in_words(range);
            (
                unit,
                low,
                high,
                translate(lang, "claims.next.source_default", &[]),
            )
        }
    };
    let unit = unit.as_str();
    let text = if low == high {
        let one = if low == 1 { "_one" } else { "" };
        translate(
            lang,
            &format!("claims.next.about.{unit}{one}"),
            &[("count", &low.to_string())],
        )
    } else {
        translate(
            lang,
            &format!("claims.next.range.{unit}"),
            &[("min", &low.to_string()), ("max", &high.to_string())],
        )
    };
    (text, source)
}

/// The current stage of a claim in `status` and the stages that usually follow, each with its
/// expected duration (`medians`: the operator's own, see `db::stats::stage_medians`); empty
/// once nothing more is waited for.
pub fn next_steps(
    status: &str,
    medians: &BTreeMap<String, (f64, usize)>,
    lang: &str,
) -> Vec<StepView> {
    let mut steps = Vec::new();
    let mut stage = ClaimStatus::parse(status);
    while let Some(s) = stage {
        let own = medians.get(s.as_str()).copied();
        let Some(estimate) = stage_times::estimate(s, own) else {
            break;
        };
        let (duration, source) = estimate_text(estimate, lang);
        steps.push(StepView {
            status: s.as_str(),
            current: steps.is_empty(),
            duration,
            source,
        });
        stage = stage_times::next_stage(s);
    }
    steps
}

/// The usual path of a claim, drawn as the timeline.
const PATH: [&str; 7] = [
    "submitted",
    "in_review",
    "sent_to_airline",
    "airline_answered",
    "approved",
    "airline_paid",
    "paid",
];

#[derive(Serialize)]
pub struct Stage {
    status: &'static str,
    done: bool,
    current: bool,
}

/// The usual path drawn as the timeline, with the stages done and the current one. During
/// escalation (second notice, enforcement body, mediator, court, lawyer) the current stage
/// takes the place of "airline answered" on the path.
pub fn timeline(status: &str) -> Vec<Stage> {
    let escalation = ClaimStatus::parse(status).filter(|s| s.is_escalation());
    let path: Vec<&'static str> = PATH
        .iter()
        .map(|s| match escalation {
            Some(e) if *s == "airline_answered" => e.as_str(),
            _ => s,
        })
        .collect();
    let pos = path.iter().position(|s| *s == status);
    path.iter()
        .enumerate()
        .map(|(i, s)| Stage {
            status: s,
            done: pos.is_some_and(|p| i < p),
            current: pos == Some(i),
        })
        .collect()
}
