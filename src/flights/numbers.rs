//! A typed flight number, normalised and named: `af 1234` → `AF1234`, Air France.
//! Offline: the airline comes from the embedded reference data.

use crate::domain::flight::{FlightNumber, FlightNumberError, parse_flight_number};
use crate::refdata::RefData;

/// A valid flight number and its airline, if the reference data knows the designator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribedFlight {
    pub number: FlightNumber,
    pub airline_name: Option<&'static str>,
}

/// Parses `input` and looks its airline designator up.
pub fn describe(input: &str) -> Result<DescribedFlight, FlightNumberError> {
    let number = parse_flight_number(input)?;
    let airline_name = RefData::embedded()
        .airline(&number.carrier)
        .map(|a| a.name.as_str());
    Ok(DescribedFlight {
        number,
        airline_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_known_airlines_only() {
        let af = describe(" af 012 ").unwrap();
        assert_eq!(af.number.to_string(), "AF12");
        assert!(
            af.airline_name.is_some_and(|n| n.contains("Air France")),
            "{af:?}"
        );
        assert_eq!(describe("Q9 1").unwrap().airline_name, None);
        assert_eq!(describe("A"), Err(FlightNumberError::InvalidCarrier));
    }
}
