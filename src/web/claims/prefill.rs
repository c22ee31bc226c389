//! What the flight-status provider knows, put into the wizard's form so the passenger only
//! checks it: empty scheduled times of step 1, and step 2's answer (cancelled, or how late a
//! single flight arrived) when the passenger has not answered yet. Never overwrites what the
//! passenger typed, and any provider failure (disabled, timeout, 429, nonsense) just leaves the
//! fields for the passenger to type.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::flights::numbers::describe;
use crate::flights::{FlightState, FlightStatus, FlightStatusService};
use crate::web::check::flights::parse_date;
use crate::web::check::form::{CheckForm, val};

/// The longest the passenger waits for the provider after pressing "continue".
pub const LOOKUP_BUDGET: Duration = Duration::from_secs(4);

/// What step 2 tells the passenger it found (stored in the draft).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlightFacts {
    pub flight: String,
    pub date: String,
    /// `cancelled`, `delayed` (arrival minutes known) or `on_time`.
    pub finding: String,
    pub arrival_delay_minutes: i64,
    pub source: String,
}

/// The provider's answer for each leg of the form (`None` when it has none), within
/// [`LOOKUP_BUDGET`] for all legs together.
pub async fn lookup_legs(
    service: &FlightStatusService,
    form: &CheckForm,
) -> Vec<Option<Arc<FlightStatus>>> {
    let mut found = vec![None; form.legs.len()];
    if !service.is_enabled() {
        return found;
    }
    let lookups = form.legs.iter().enumerate().filter_map(|(i, leg)| {
        let number = describe(val(&leg.flight)).ok()?.number;
        let date = parse_date(val(&leg.date))?;
        Some(async move { (i, service.lookup(&number, date).await) })
    });
    let all = futures::future::join_all(lookups);
    if let Ok(answers) = tokio::time::timeout(LOOKUP_BUDGET, all).await {
        for (i, answer) in answers {
            if let Ok(Some(status)) = answer {
                found[i] = Some(status);
            }
        }
    }
    found
}

/// The sentence step 2 shows above the questions.
pub fn sentence(facts: &FlightFacts, lang: &str) -> String {
    let minutes = facts.arrival_delay_minutes;
    let (hours, mins) = ((minutes / 60).to_string(), (minutes % 60).to_string());
    let args = [
        ("flight", facts.flight.as_str()),
        ("date", facts.date.as_str()),
        ("source", facts.source.as_str()),
        ("hours", hours.as_str()),
        ("minutes", mins.as_str()),
    ];
    let key = match facts.finding.as_str() {
        "cancelled" => "claims.prefill.cancelled",
        "delayed" => "claims.prefill.delayed",
        _ => "claims.prefill.on_time",
    };
    crate::i18n::translate(lang, key, &args)
}

fn hh_mm(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if val(slot).is_empty()
        && let Some(v) = value
    {
        *slot = Some(v);
    }
}

/// Step 1: empty scheduled departure/arrival times, as local times of each airport.
pub fn fill_times(form: &mut CheckForm, statuses: &[Option<Arc<FlightStatus>>]) {
    for (leg, status) in form.legs.iter_mut().zip(statuses) {
        if let Some(s) = status {
            fill(&mut leg.dep_time, hh_mm(s.departure.scheduled));
            fill(&mut leg.arr_time, hh_mm(s.arrival.scheduled));
        }
    }
}

/// Step 2: pre-answers "what happened" when the passenger has not answered it yet — a
/// cancellation of any leg, or the arrival delay of a single flight (with connections the
/// delay at the final destination depends on rebookings the provider cannot see).
pub fn fill_disruption(
    form: &mut CheckForm,
    statuses: &[Option<Arc<FlightStatus>>],
) -> Option<FlightFacts> {
    if !val(&form.what).is_empty() {
        return None;
    }
    let facts = |s: &FlightStatus, finding: &str, minutes: i64| FlightFacts {
        flight: s.number.clone(),
        date: s.date.to_string(),
        finding: finding.to_string(),
        arrival_delay_minutes: minutes,
        source: s.source.to_string(),
    };
    if let Some((i, s)) = statuses.iter().enumerate().find_map(|(i, s)| {
        s.as_ref()
            .filter(|s| s.status == FlightState::Cancelled)
            .map(|s| (i, s))
    }) {
        form.what = Some("cancellation".into());
        if statuses.len() > 1 {
            form.disrupted_leg = Some(i.to_string());
        }
        return Some(facts(s, "cancelled", 0));
    }
    let [Some(s)] = statuses else {
        return None;
    };
    let minutes = s
        .arrival_delay_minutes
        .or_else(|| s.arrival.delay_minutes())?;
    if !matches!(s.status, FlightState::Landed | FlightState::Unknown) && minutes < 180 {
        // Not landed yet (or diverted): too early to say.
        return None;
    }
    if minutes <= 0 {
        return Some(facts(s, "on_time", 0));
    }
    form.what = Some("delay".into());
    form.delay_h = Some((minutes / 60).to_string());
    form.delay_m = Some((minutes % 60).to_string());
    Some(facts(s, "delayed", minutes))
}

#[cfg(test)]
#[allow(clippy::unnecessary_wraps, clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::flights::Movement;
    use crate::web::check::form::LegForm;
    use chrono::{DateTime, NaiveDate};

    fn at(s: &str) -> Option<DateTime<chrono::FixedOffset>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap())
    }

    fn movement(scheduled: &str, actual: Option<&str>) -> Movement {
        Movement {
            airport: None,
            icao: None,
            airport_name: None,
            scheduled: at(scheduled),
            actual: actual.and_then(at),
            runway: None,
        }
    }

    fn status(state: FlightState, arr_actual: Option<&str>) -> Option<Arc<FlightStatus>> {
        let arrival = movement("2026-03-01T11:05:00+00:00", arr_actual);
        Some(Arc::new(FlightStatus {
            number: "AF1234".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            status: state,
            airline_name: None,
            departure: movement("2026-03-01T07:55:00+01:00", None),
            arrival_delay_minutes: arrival.delay_minutes(),
            arrival,
            source: "aerodatabox",
        }))
    }

    fn form(legs: usize) -> CheckForm {
        CheckForm {
            legs: vec![LegForm::default(); legs],
            ..CheckForm::default()
        }
    }

    #[test]
    fn times_fill_only_empty_fields_in_local_time() {
        let mut f = form(2);
        f.legs[1].dep_time = Some("09:00".into());
        let s = status(FlightState::Landed, None);
        fill_times(&mut f, &[s.clone(), s]);
        assert_eq!(val(&f.legs[0].dep_time), "07:55");
        assert_eq!(val(&f.legs[0].arr_time), "11:05");
        assert_eq!(val(&f.legs[1].dep_time), "09:00", "typed values are kept");
    }

    #[test]
    fn disruption_table() {
        let late = status(FlightState::Landed, Some("2026-03-01T14:17:00+00:00"));
        let cases: Vec<(Vec<Option<Arc<FlightStatus>>>, Option<&str>, &str, &str)> = vec![
            (vec![late.clone()], None, "delay", "3:12"),
            (
                vec![status(
                    FlightState::Landed,
                    Some("2026-03-01T11:00:00+00:00"),
                )],
                None,
                "",
                ":",
            ),
            (
                vec![status(FlightState::Cancelled, None)],
                None,
                "cancellation",
                ":",
            ),
            (
                vec![None, status(FlightState::Cancelled, None)],
                None,
                "cancellation",
                ":",
            ),
            (vec![late.clone(), late.clone()], None, "", ":"),
            (
                vec![late.clone()],
                Some("denied_boarding"),
                "denied_boarding",
                ":",
            ),
            (
                vec![status(
                    FlightState::Departed,
                    Some("2026-03-01T12:00:00+00:00"),
                )],
                None,
                "",
                ":",
            ),
            (vec![None], None, "", ":"),
        ];
        for (statuses, answered, what, delay) in cases {
            let mut f = form(statuses.len());
            f.what = answered.map(str::to_string);
            let facts = fill_disruption(&mut f, &statuses);
            assert_eq!(val(&f.what), what, "{statuses:?}");
            assert_eq!(format!("{}:{}", val(&f.delay_h), val(&f.delay_m)), delay);
            if what == "cancellation" {
                assert_eq!(facts.unwrap().finding, "cancelled");
            }
        }
        let mut f = form(2);
        fill_disruption(&mut f, &[None, status(FlightState::Cancelled, None)]);
        assert_eq!(val(&f.disrupted_leg), "1");
    }
}
