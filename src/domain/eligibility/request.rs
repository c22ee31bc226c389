//! The eligibility request (`eligibility-api.md`, "Request"): serde types shared by the
//! JSON API, the CLI and the claim wizard (which stores the request), plus the semantic
//! checks that need no reference data.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::error::RequestError;
use super::extraordinary::Reason;

/// Upper bound on legs in one request: real itineraries have a handful; this bounds work.
pub const MAX_LEGS: usize = 16;

/// Single reservation (incl. agency-combined tickets, *flightright v American Airlines*
/// C-436/21) or separate bookings (self-transfer: each booking judged alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Booking {
    #[default]
    Single,
    Separate,
}

/// Fare basis, for Art 3(3): free or non-public reduced fares are excluded, frequent-flyer
/// awards are covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketType {
    #[default]
    PublicFare,
    FfpAward,
    StaffFree,
    NonPublicReduced,
}

/// The kind of disruption (Arts 4, 5, 6 + *Sturgeon*, 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisruptionType {
    Delay,
    Cancellation,
    DeniedBoarding,
    Downgrade,
}

/// Cabin classes, highest first, for Art 10 downgrades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CabinClass {
    Economy,
    PremiumEconomy,
    Business,
    First,
}

/// Passenger facts relevant to Art 3(2)/(3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passenger {
    #[serde(default)]
    pub ticket_type: TicketType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_payout_currency: Option<String>,
    /// Art 3(2): confirmed reservation (default true).
    #[serde(default = "yes")]
    pub confirmed_reservation: bool,
    /// Art 3(2)(a): presented for check-in on time (default true; irrelevant for cancellations).
    #[serde(default = "yes")]
    pub checked_in_on_time: bool,
}

fn yes() -> bool {
    true
}

impl Default for Passenger {
    fn default() -> Self {
        Self {
            ticket_type: TicketType::PublicFare,
            residence_country: None,
            requested_payout_currency: None,
            confirmed_reservation: true,
            checked_in_on_time: true,
        }
    }
}

/// One flight of the booking, in flying order. Times are wall-clock at each airport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leg {
    pub flight_number: String,
    pub from_iata: String,
    pub to_iata: String,
    #[serde(with = "super::time::serde_local")]
    pub scheduled_departure_local: NaiveDateTime,
    #[serde(with = "super::time::serde_local")]
    pub scheduled_arrival_local: NaiveDateTime,
    /// Art 3(5): the operating carrier owes the obligations; defaults to the flight
    /// number's carrier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_carrier_iata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketing_flight_number: Option<String>,
}

impl Leg {
    /// IATA code of the operating carrier (Art 3(5)): explicit, else the flight designator's
    /// first two characters (validated by [`EligibilityRequest::validate`]).
    pub fn operating_carrier(&self) -> &str {
        match &self.operating_carrier_iata {
            Some(c) => c.as_str(),
            None => self.flight_number.get(..2).unwrap_or(""),
        }
    }
}

/// Rerouting offered by the carrier (Art 5(1)(c)(ii)/(iii), Art 7(2), Art 8(1)(b)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reroute {
    #[serde(default)]
    pub offered: bool,
    /// New departure minus original departure (negative = earlier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_offset_minutes: Option<i64>,
    /// Rerouted arrival minus original scheduled arrival at the final destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_delay_minutes: Option<i64>,
}

/// What happened. Which fields are needed depends on `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disruption {
    #[serde(rename = "type")]
    pub kind: DisruptionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disrupted_leg: Option<usize>,
    /// Delay at the final destination to first door opening (*Germanwings* C-452/13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_delay_minutes: Option<i64>,
    #[serde(
        default,
        with = "super::time::serde_local_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub actual_arrival_local: Option<NaiveDateTime>,
    /// Separate bookings: delay of each leg at its own arrival.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_leg_arrival_delay_minutes: Option<Vec<i64>>,
    /// Cancellation: whole days between notice and scheduled departure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_days: Option<i64>,
    #[serde(
        default,
        with = "super::time::serde_local_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub notice_given_local: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reroute: Option<Reroute>,
    /// Denied boarding: did the passenger volunteer (Art 4(1))?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voluntary: Option<bool>,
    /// The cause given by the airline; `None` = unknown (not proven extraordinary).
    #[serde(default)]
    pub reason: Option<Reason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_class: Option<CabinClass>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flown_class: Option<CabinClass>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downgraded_leg: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flight_price_excl_taxes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_total_fare_excl_taxes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_flight_price_shown_on_ticket: Option<bool>,
}

/// The whole request of `eligibility-api.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EligibilityRequest {
    #[serde(default)]
    pub booking: Booking,
    /// Date proceedings would be filed; default: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_date: Option<NaiveDate>,
    /// ISO 3166-1 alpha-2 (`GB` = England and Wales), or a UK jurisdiction
    /// ([`UK_JURISDICTIONS`]); only for the limitation check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forum_country: Option<String>,
    #[serde(default)]
    pub passenger: Passenger,
    pub legs: Vec<Leg>,
    pub disruption: Disruption,
}

/// The United Kingdom's jurisdictions accepted as `forum_country`, each with its own
/// limitation period: England and Wales (`GB-EAW`, or `GB-ENG` / `GB-WLS`; plain `GB` means
/// England and Wales), Scotland (`GB-SCT`), Northern Ireland (`GB-NIR`).
pub const UK_JURISDICTIONS: [&str; 5] = ["GB-EAW", "GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"];

/// The accepted upper-case cabin class names, for error messages.
pub const CABIN_CLASSES: &str = "economy, premium_economy, business, first";

fn is_code(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl EligibilityRequest {
    /// Index of the leg the disruption happened on (default 0).
    pub fn disrupted_leg(&self) -> usize {
        match self.disruption.kind {
            DisruptionType::Downgrade => self
                .disruption
                .downgraded_leg
                .or(self.disruption.disrupted_leg)
                .unwrap_or(0),
            _ => self.disruption.disrupted_leg.unwrap_or(0),
        }
    }

    /// Checks that need no reference data: shapes, signs, indices, and the fields each
    /// disruption type needs. Called by `parse_request` and again by `evaluate` (the wizard
    /// may build a request without the parser).
    pub fn validate(&self) -> Result<(), RequestError> {
        if self.legs.is_empty() {
            return Err(RequestError::missing("legs"));
        }
        if self.legs.len() > MAX_LEGS {
            return Err(RequestError::new(
                "too_many_legs",
                "legs",
                "eligibility.error.too_many_legs",
            )
            .arg("max", MAX_LEGS.to_string()));
        }
        for (i, leg) in self.legs.iter().enumerate() {
            Self::validate_leg(i, leg)?;
        }
        if let Some(f) = &self.forum_country
            && !(is_code(f, 2) || UK_JURISDICTIONS.contains(&f.as_str()))
        {
            return Err(RequestError::invalid_value(
                "forum_country",
                "ISO 3166-1 alpha-2 (GB = England and Wales), GB-EAW, GB-ENG, GB-WLS, GB-SCT, GB-NIR",
            ));
        }
        self.validate_disruption()
    }

    fn validate_leg(i: usize, leg: &Leg) -> Result<(), RequestError> {
        let fnum = leg.flight_number.as_bytes();
        if fnum.len() < 3 || !fnum[..2].iter().all(u8::is_ascii_alphanumeric) {
            return Err(RequestError::new(
                "invalid_flight_number",
                format!("legs[{i}].flight_number"),
                "eligibility.error.invalid_flight_number",
            )
            .arg("value", leg.flight_number.clone()));
        }
        for (name, code) in [("from_iata", &leg.from_iata), ("to_iata", &leg.to_iata)] {
            if !is_code(code, 3) {
                return Err(RequestError::new(
                    "unknown_airport",
                    format!("legs[{i}].{name}"),
                    "eligibility.error.unknown_airport",
                )
                .arg("code", code.clone()));
            }
        }
        if leg.from_iata.eq_ignore_ascii_case(&leg.to_iata) {
            // A flight goes somewhere: a leg from an airport to itself has no distance to
            // judge (Art 7(4)) and is refused rather than paid on 0 km.
            return Err(RequestError::new(
                "same_airport",
                format!("legs[{i}].to_iata"),
                "eligibility.error.same_airport",
            )
            .arg("code", leg.to_iata.clone()));
        }
        if let Some(c) = &leg.operating_carrier_iata
            && !is_code(c, 2)
        {
            return Err(RequestError::invalid_value(
                format!("legs[{i}].operating_carrier_iata"),
                "a two-character IATA airline code",
            ));
        }
        Ok(())
    }

    fn validate_disruption(&self) -> Result<(), RequestError> {
        let d = &self.disruption;
        let n = self.legs.len();
        let index_ok = |field: &str, v: Option<usize>| match v {
            Some(ix) if ix >= n => Err(RequestError::invalid_value(
                format!("disruption.{field}"),
                format!("0..{}", n - 1),
            )),
            _ => Ok(()),
        };
        index_ok("disrupted_leg", d.disrupted_leg)?;
        index_ok("downgraded_leg", d.downgraded_leg)?;
        non_negative("disruption.arrival_delay_minutes", d.arrival_delay_minutes)?;
        non_negative("disruption.notice_days", d.notice_days)?;
        if let Some(per_leg) = &d.per_leg_arrival_delay_minutes {
            if per_leg.len() != n {
                return Err(RequestError::invalid_value(
                    "disruption.per_leg_arrival_delay_minutes",
                    format!("one value per leg ({n})"),
                ));
            }
            for (i, v) in per_leg.iter().enumerate() {
                non_negative(
                    &format!("disruption.per_leg_arrival_delay_minutes[{i}]"),
                    Some(*v),
                )?;
            }
        }
        for (field, v) in [
            (
                "disruption.flight_price_excl_taxes",
                d.flight_price_excl_taxes,
            ),
            (
                "disruption.ticket_total_fare_excl_taxes",
                d.ticket_total_fare_excl_taxes,
            ),
        ] {
            if let Some(p) = v
                && (!p.is_finite() || p < 0.0)
            {
                return Err(RequestError::negative(field));
            }
        }
        match d.kind {
            DisruptionType::Delay => {
                if self.booking == Booking::Separate && n > 1 {
                    if d.per_leg_arrival_delay_minutes.is_none() {
                        return Err(RequestError::missing(
                            "disruption.per_leg_arrival_delay_minutes",
                        ));
                    }
                } else if d.arrival_delay_minutes.is_none() {
                    return Err(RequestError::missing("disruption.arrival_delay_minutes"));
                }
            }
            DisruptionType::Cancellation => {
                if d.notice_days.is_none() {
                    return Err(RequestError::missing("disruption.notice_days"));
                }
                self.validate_reroute(true)?;
            }
            DisruptionType::DeniedBoarding => {
                if d.voluntary.is_none() {
                    return Err(RequestError::missing("disruption.voluntary"));
                }
                self.validate_reroute(false)?;
            }
            DisruptionType::Downgrade => self.validate_downgrade()?,
        }
        Ok(())
    }

    fn validate_reroute(&self, needs_departure: bool) -> Result<(), RequestError> {
        if let Some(r) = &self.disruption.reroute
            && r.offered
        {
            if r.arrival_delay_minutes.is_none() {
                return Err(RequestError::missing(
                    "disruption.reroute.arrival_delay_minutes",
                ));
            }
            if needs_departure && r.departure_offset_minutes.is_none() {
                return Err(RequestError::missing(
                    "disruption.reroute.departure_offset_minutes",
                ));
            }
        }
        Ok(())
    }

    fn validate_downgrade(&self) -> Result<(), RequestError> {
        let d = &self.disruption;
        if let (Some(booked), Some(flown)) = (d.booked_class, d.flown_class)
            && flown >= booked
        {
            return Err(RequestError::new(
                "not_a_downgrade",
                "disruption.flown_class",
                "eligibility.error.not_a_downgrade",
            ));
        }
        let flight_price_usable = d.flight_price_excl_taxes.is_some()
            && d.per_flight_price_shown_on_ticket != Some(false);
        if !flight_price_usable && d.ticket_total_fare_excl_taxes.is_none() {
            // Mennens C-255/15: without the flight's own price, the fare share needs the total fare.
            let field = if d.flight_price_excl_taxes.is_some() {
                "disruption.ticket_total_fare_excl_taxes"
            } else {
                "disruption.flight_price_excl_taxes"
            };
            return Err(RequestError::missing(field));
        }
        Ok(())
    }
}

fn non_negative(field: &str, v: Option<i64>) -> Result<(), RequestError> {
    match v {
        Some(x) if x < 0 => Err(RequestError::negative(field)),
        _ => Ok(()),
    }
}
