//! The journeys demo claims are cut from: airlines (weighted), airports, names, and one
//! eligibility-engine run per (airline, route, disruption) template.

use chrono::NaiveDate;
use rand::Rng;
use rand::rngs::StdRng;

use crate::domain::eligibility::{self, EligibilityResponse};
use crate::refdata::RefData;

/// (airline IATA, weight) — a few big carriers, a long tail.
pub(super) const AIRLINES: &[(&str, u32)] = &[
    ("FR", 18),
    ("U2", 12),
    ("AF", 11),
    ("LH", 9),
    ("KL", 8),
    ("VY", 7),
    ("BA", 7),
    ("IB", 5),
    ("TP", 4),
    ("SN", 3),
    ("LX", 3),
    ("OS", 3),
    ("SK", 3),
    ("EI", 3),
    ("W6", 3),
    ("A3", 2),
    ("LO", 2),
    ("DY", 2),
    ("EW", 2),
    ("AY", 2),
];

pub(super) const AIRPORTS: &[&str] = &[
    "CDG", "ORY", "LHR", "LGW", "AMS", "FRA", "MUC", "MAD", "BCN", "FCO", "LIS", "BRU", "ZRH",
    "VIE", "CPH", "DUB", "ATH", "WAW", "OSL", "HEL", "NCE", "LYS", "MRS", "TLS", "BOD", "NTE",
    "PMI", "AGP", "OPO", "MXP", "NAP", "BER", "HAM", "PRG", "BUD", "STN", "EDI", "MAN", "TFS",
    "RAK", "JFK", "YUL", "DXB", "TUN",
];

pub(super) const FIRST_NAMES: &[&str] = &[
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Jade",
    "Louise",
    "Emma",
    "Zoé",
    "Alice",
    "Lucas",
    "Hugo",
    "Louis",
    "Jules",
    "Gabriel",
    "Arthur",
    "Nathan",
    "Théo",
    "Raphaël",
    "Noé",
    "Olivia",
    "Amelia",
    "Isla",
    "George",
    "Oliver",
    "Harry",
    "Sofia",
    "Lucía",
    "Mateo",
    "Pablo",
    "Giulia",
    "Marco",
    "Anna",
    "Jonas",
    "Lena",
    "Maximilian",
    "Élodie",
    "François",
    "Agnès",
    "Sébastien",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Müller",
    "Schmidt",
    "Rossi",
    "Ferrari",
    "Fernández",
    "López",
    "Silva",
    "Santos",
    "Nowak",
    "Jansen",
    "De Vries",
    "Nguyen",
    "Benali",
    "Haddad",
    "O'Brien",
];

/// One engine-evaluated journey a demo claim is cut from.
pub(super) struct Template {
    pub(super) carrier: String,
    pub(super) flight_number: String,
    pub(super) route: String,
    /// The request and result JSON with the date written as `{DATE}`.
    pub(super) request_json: String,
    pub(super) result_json: String,
    pub(super) amount_cents: i64,
    pub(super) currency: String,
    pub(super) regime: String,
    pub(super) reason_code: String,
    pub(super) weight: u32,
    /// Chance (per mille) the airline approves: varies by airline, for the analytics.
    pub(super) approval_permille: u32,
}

const TEMPLATE_DATE: &str = "2025-03-11";

fn disruption(kind: usize) -> serde_json::Value {
    match kind {
        0 => {
            serde_json::json!({"type": "delay", "arrival_delay_minutes": 245, "reason": "technical",
            "actual_arrival_local": "2025-03-11T16:30"})
        }
        1 => {
            serde_json::json!({"type": "cancellation", "notice_days": 2, "reroute": {"offered": false},
            "reason": "crew_scheduling", "notice_given_local": "2025-03-09T10:00"})
        }
        _ => {
            serde_json::json!({"type": "denied_boarding", "voluntary": false, "reason": "overbooking",
            "reroute": {"offered": false}})
        }
    }
}

pub(super) fn build_templates(rng: &mut StdRng, data: &RefData) -> Vec<Template> {
    let mut out = Vec::new();
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default();
    for (index, (carrier, weight)) in AIRLINES.iter().enumerate() {
        if data.airline(carrier).is_none() {
            continue;
        }
        let approval_permille = 900 - u32::try_from(index).unwrap_or(0) * 17;
        for _ in 0..6 {
            let from = AIRPORTS[rng.random_range(0..AIRPORTS.len())];
            let to = AIRPORTS[rng.random_range(0..AIRPORTS.len())];
            if from == to {
                continue;
            }
            let flight_number = format!("{carrier}{}", rng.random_range(100..9000));
            let kind = match rng.random_range(0..20) {
                0..11 => 0,
                11..17 => 1,
                _ => 2,
            };
            let request = serde_json::json!({
                "booking": "single",
                "claim_date": "2025-06-01",
                "legs": [{"flight_number": flight_number, "from_iata": from, "to_iata": to,
                    "scheduled_departure_local": "2025-03-11T09:10",
                    "scheduled_arrival_local": "2025-03-11T12:15",
                    "operating_carrier_iata": carrier}],
                "disruption": disruption(kind),
            });
            let Ok(bytes) = serde_json::to_vec(&request) else {
                continue;
            };
            let Ok(parsed) = eligibility::parse_request(&bytes) else {
                continue;
            };
            let Ok(resp) = eligibility::evaluate(&parsed, data, "fr", today) else {
                continue;
            };
            if !resp.eligible {
                continue;
            }
            let Some(t) = template(carrier, &flight_number, from, to, &parsed, &resp) else {
                continue;
            };
            out.push(Template {
                weight: *weight,
                approval_permille,
                ..t
            });
        }
    }
    out
}

fn template(
    carrier: &str,
    flight_number: &str,
    from: &str,
    to: &str,
    req: &eligibility::EligibilityRequest,
    resp: &EligibilityResponse,
) -> Option<Template> {
    let as_text = |v: serde_json::Value| v.as_str().map(str::to_string).unwrap_or_default();
    #[allow(clippy::cast_possible_truncation)]
    let amount_cents = (resp.amount.0 * 100.0).round() as i64;
    Some(Template {
        carrier: carrier.to_string(),
        flight_number: flight_number.to_string(),
        route: format!("{from} → {to}"),
        request_json: serde_json::to_string(req)
            .ok()?
            .replace(TEMPLATE_DATE, "{DATE}"),
        result_json: serde_json::to_string(resp)
            .ok()?
            .replace(TEMPLATE_DATE, "{DATE}"),
        amount_cents,
        currency: resp.currency.clone().unwrap_or_else(|| "EUR".into()),
        regime: as_text(serde_json::to_value(resp.regime).ok()?),
        reason_code: as_text(serde_json::to_value(resp.reason_code).ok()?),
        weight: 0,
        approval_permille: 0,
    })
}
