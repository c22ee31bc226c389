//! Strict JSON → [`EligibilityRequest`] parser that reports the JSON path of the first bad
//! field (`legs[0].from_iata`). Unknown *values* (reasons, enums) are rejected; unknown
//! *keys* are ignored for forward compatibility. `null` counts as absent.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use super::error::RequestError;
use super::extraordinary::Reason;
use super::request::{
    Booking, CABIN_CLASSES, CabinClass, Disruption, DisruptionType, EligibilityRequest, Leg,
    MAX_LEGS, Passenger, Reroute, TicketType,
};
use super::time::parse_local;

/// A JSON object with its path, for error reporting.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: String) -> Result<Self, RequestError> {
        match v {
            Value::Object(map) => Ok(Self { map, path }),
            _ => Err(RequestError::wrong_type(path, "object")),
        }
    }

    fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn required(&self, key: &str) -> Result<&'a Value, RequestError> {
        self.get(key)
            .ok_or_else(|| RequestError::missing(self.path(key)))
    }

    fn str_opt(&self, key: &str) -> Result<Option<&'a str>, RequestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(RequestError::wrong_type(self.path(key), "string")),
        }
    }

    fn str_req(&self, key: &str) -> Result<&'a str, RequestError> {
        self.str_opt(key)?
            .ok_or_else(|| RequestError::missing(self.path(key)))
    }

    fn upper_opt(&self, key: &str) -> Result<Option<String>, RequestError> {
        Ok(self.str_opt(key)?.map(|s| s.trim().to_ascii_uppercase()))
    }

    fn bool_opt(&self, key: &str) -> Result<Option<bool>, RequestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(RequestError::wrong_type(self.path(key), "boolean")),
        }
    }

    fn int_opt(&self, key: &str) -> Result<Option<i64>, RequestError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => int_value(v, || self.path(key)).map(Some),
        }
    }

    fn index_opt(&self, key: &str) -> Result<Option<usize>, RequestError> {
        match self.int_opt(key)? {
            None => Ok(None),
            Some(i) => usize::try_from(i)
                .map(Some)
                .map_err(|_| RequestError::negative(self.path(key))),
        }
    }

    fn num_opt(&self, key: &str) -> Result<Option<f64>, RequestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| RequestError::wrong_type(self.path(key), "number")),
            Some(_) => Err(RequestError::wrong_type(self.path(key), "number")),
        }
    }

    fn local_time_opt(&self, key: &str) -> Result<Option<NaiveDateTime>, RequestError> {
        match self.str_opt(key)? {
            None => Ok(None),
            Some(s) => parse_local(s).map(Some).ok_or_else(|| {
                RequestError::invalid_value(self.path(key), "YYYY-MM-DDTHH:MM (local time)")
            }),
        }
    }

    fn local_time_req(&self, key: &str) -> Result<NaiveDateTime, RequestError> {
        self.local_time_opt(key)?
            .ok_or_else(|| RequestError::missing(self.path(key)))
    }

    fn enum_opt<T: Copy>(&self, key: &str, table: &[(&str, T)]) -> Result<Option<T>, RequestError> {
        match self.str_opt(key)? {
            None => Ok(None),
            Some(s) => table
                .iter()
                .find(|(name, _)| *name == s)
                .map(|(_, v)| Some(*v))
                .ok_or_else(|| {
                    let allowed: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
                    RequestError::invalid_value(self.path(key), allowed.join(", "))
                }),
        }
    }
}

fn int_value(v: &Value, path: impl Fn() -> String) -> Result<i64, RequestError> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            // Accept 180.0 but not 180.5: minutes and days are whole numbers.
            match n.as_f64() {
                #[allow(clippy::cast_possible_truncation)]
                Some(f) if f.fract() == 0.0 && f.abs() < 1e12 => Ok(f as i64),
                _ => Err(RequestError::wrong_type(path(), "integer")),
            }
        }
        _ => Err(RequestError::wrong_type(path(), "integer")),
    }
}

/// Parses and validates a request body. Strict: malformed JSON, wrong types, unknown enum or
/// `reason` values and missing fields the disruption type needs are [`RequestError`]s.
pub fn parse_request(json: &[u8]) -> Result<EligibilityRequest, RequestError> {
    let value: Value =
        serde_json::from_slice(json).map_err(|e| RequestError::invalid_json(e.to_string()))?;
    let req = from_value(&value)?;
    req.validate()?;
    Ok(req)
}

fn from_value(value: &Value) -> Result<EligibilityRequest, RequestError> {
    let root = Obj::new(value, String::new())?;
    let booking = root
        .enum_opt(
            "booking",
            &[("single", Booking::Single), ("separate", Booking::Separate)],
        )?
        .unwrap_or_default();
    let claim_date = match root.str_opt("claim_date")? {
        None => None,
        Some(s) => Some(
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| RequestError::invalid_value("claim_date", "YYYY-MM-DD"))?,
        ),
    };
    let forum_country = root.upper_opt("forum_country")?;
    let passenger = match root.get("passenger") {
        None => Passenger::default(),
        Some(v) => passenger(&Obj::new(v, "passenger".into())?)?,
    };
    let legs_value = root.required("legs")?;
    let Value::Array(items) = legs_value else {
        return Err(RequestError::wrong_type("legs", "array"));
    };
    if items.len() > MAX_LEGS {
        return Err(
            RequestError::new("too_many_legs", "legs", "eligibility.error.too_many_legs")
                .arg("max", MAX_LEGS.to_string()),
        );
    }
    let legs = items
        .iter()
        .enumerate()
        .map(|(i, v)| leg(&Obj::new(v, format!("legs[{i}]"))?))
        .collect::<Result<Vec<_>, _>>()?;
    let disruption = disruption(&Obj::new(
        root.required("disruption")?,
        "disruption".into(),
    )?)?;
    Ok(EligibilityRequest {
        booking,
        claim_date,
        forum_country,
        passenger,
        legs,
        disruption,
    })
}

fn passenger(o: &Obj<'_>) -> Result<Passenger, RequestError> {
    Ok(Passenger {
        ticket_type: o
            .enum_opt(
                "ticket_type",
                &[
                    ("public_fare", TicketType::PublicFare),
                    ("ffp_award", TicketType::FfpAward),
                    ("staff_free", TicketType::StaffFree),
                    ("non_public_reduced", TicketType::NonPublicReduced),
                ],
            )?
            .unwrap_or_default(),
        residence_country: o.upper_opt("residence_country")?,
        requested_payout_currency: o.upper_opt("requested_payout_currency")?,
        confirmed_reservation: o.bool_opt("confirmed_reservation")?.unwrap_or(true),
        checked_in_on_time: o.bool_opt("checked_in_on_time")?.unwrap_or(true),
    })
}

fn leg(o: &Obj<'_>) -> Result<Leg, RequestError> {
    Ok(Leg {
        flight_number: o.str_req("flight_number")?.trim().to_ascii_uppercase(),
        from_iata: o.str_req("from_iata")?.trim().to_ascii_uppercase(),
        to_iata: o.str_req("to_iata")?.trim().to_ascii_uppercase(),
        scheduled_departure_local: o.local_time_req("scheduled_departure_local")?,
        scheduled_arrival_local: o.local_time_req("scheduled_arrival_local")?,
        operating_carrier_iata: o.upper_opt("operating_carrier_iata")?,
        marketing_flight_number: o.upper_opt("marketing_flight_number")?,
    })
}

const CLASSES: [(&str, CabinClass); 4] = [
    ("economy", CabinClass::Economy),
    ("premium_economy", CabinClass::PremiumEconomy),
    ("business", CabinClass::Business),
    ("first", CabinClass::First),
];

fn disruption(o: &Obj<'_>) -> Result<Disruption, RequestError> {
    let kind = o
        .enum_opt(
            "type",
            &[
                ("delay", DisruptionType::Delay),
                ("cancellation", DisruptionType::Cancellation),
                ("denied_boarding", DisruptionType::DeniedBoarding),
                ("downgrade", DisruptionType::Downgrade),
            ],
        )?
        .ok_or_else(|| RequestError::missing("disruption.type"))?;
    let reason = match o.str_opt("reason")? {
        None => None,
        Some(s) => Some(Reason::from_str_strict(s).ok_or_else(|| {
            RequestError::new(
                "unknown_reason",
                "disruption.reason",
                "eligibility.error.unknown_reason",
            )
            .arg("value", s)
            .arg("allowed", Reason::accepted_list())
        })?),
    };
    let per_leg = match o.get("per_leg_arrival_delay_minutes") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    int_value(v, || {
                        format!("disruption.per_leg_arrival_delay_minutes[{i}]")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => {
            return Err(RequestError::wrong_type(
                "disruption.per_leg_arrival_delay_minutes",
                "array",
            ));
        }
    };
    let reroute = match o.get("reroute") {
        None => None,
        Some(v) => {
            let r = Obj::new(v, "disruption.reroute".into())?;
            Some(Reroute {
                offered: r.bool_opt("offered")?.unwrap_or(false),
                departure_offset_minutes: r.int_opt("departure_offset_minutes")?,
                arrival_delay_minutes: r.int_opt("arrival_delay_minutes")?,
            })
        }
    };
    Ok(Disruption {
        kind,
        disrupted_leg: o.index_opt("disrupted_leg")?,
        arrival_delay_minutes: o.int_opt("arrival_delay_minutes")?,
        actual_arrival_local: o.local_time_opt("actual_arrival_local")?,
        per_leg_arrival_delay_minutes: per_leg,
        notice_days: o.int_opt("notice_days")?,
        notice_given_local: o.local_time_opt("notice_given_local")?,
        reroute,
        voluntary: o.bool_opt("voluntary")?,
        reason,
        booked_class: o
            .enum_opt("booked_class", &CLASSES)
            .map_err(|e| with_allowed(e, CABIN_CLASSES))?,
        flown_class: o
            .enum_opt("flown_class", &CLASSES)
            .map_err(|e| with_allowed(e, CABIN_CLASSES))?,
        downgraded_leg: o.index_opt("downgraded_leg")?,
        flight_price_excl_taxes: o.num_opt("flight_price_excl_taxes")?,
        price_currency: o.upper_opt("price_currency")?,
        ticket_total_fare_excl_taxes: o.num_opt("ticket_total_fare_excl_taxes")?,
        per_flight_price_shown_on_ticket: o.bool_opt("per_flight_price_shown_on_ticket")?,
    })
}

fn with_allowed(mut e: RequestError, allowed: &str) -> RequestError {
    if e.code == "invalid_value" {
        for (name, value) in &mut e.args {
            if *name == "allowed" {
                *value = allowed.to_string();
            }
        }
    }
    e
}
