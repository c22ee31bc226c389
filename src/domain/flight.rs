//! Flight designators (`AF1234`, `U2 8123`, `BA-304A`).
//!
//! Format, from IATA's Standard Schedules Information Manual (SSIM) and Resolution 762:
//!
//! * airline designator: 2 characters, letters or digits but not two digits (`AF`, `U2`, `9W`);
//!   three-letter ICAO designators (`AFR`) are not flight numbers as printed on a ticket;
//! * flight number: 1 to 4 digits, `1`–`9999`. Leading zeros carry no meaning: SSIM pads the
//!   number to 4 digits (`AF0012`), tickets and boards print `AF12`, and both are the same
//!   flight. We keep the number as an integer, so `AF012` and `AF0012` normalise to `AF12`;
//! * optional operational suffix: one letter (`BA304A`).
//!
//! Input is forgiving about case and one separator between designator and number:
//! `af 1234`, `AF-1234`, `af1234` all give `AF1234`. Pure: no IO.

use std::fmt;
use std::str::FromStr;

/// Highest flight number IATA allows (4 digits).
const MAX_FLIGHT_NUMBER: u16 = 9999;
const MAX_DIGITS: usize = 4;

/// A normalised flight designator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlightNumber {
    /// IATA airline designator, upper case (`AF`, `U2`).
    pub carrier: String,
    /// 1–9999, without leading zeros.
    pub number: u16,
    /// Operational suffix, upper case.
    pub suffix: Option<char>,
}

/// Why a flight number was refused; [`FlightNumberError::message_key`] gives the text to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlightNumberError {
    /// Nothing typed.
    Empty,
    /// The first two characters are not an IATA airline designator.
    InvalidCarrier,
    /// No digits after the designator.
    MissingNumber,
    /// More than 4 digits, or `0`.
    InvalidNumber,
    /// Something other than one letter after the digits.
    InvalidSuffix,
}

impl FlightNumberError {
    /// Translation key of the message for the passenger (in `locales/airports.*.yml`).
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Empty => "flight.number.error.empty",
            Self::InvalidCarrier => "flight.number.error.carrier",
            Self::MissingNumber => "flight.number.error.missing_number",
            Self::InvalidNumber => "flight.number.error.number",
            Self::InvalidSuffix => "flight.number.error.suffix",
        }
    }
}

impl fmt::Display for FlightNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message_key())
    }
}

impl std::error::Error for FlightNumberError {}

/// Parses and normalises a flight number as typed by a passenger.
pub fn parse_flight_number(input: &str) -> Result<FlightNumber, FlightNumberError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(FlightNumberError::Empty);
    }
    let mut chars = input.chars();
    let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
        return Err(FlightNumberError::InvalidCarrier);
    };
    let valid = |c: char| c.is_ascii_alphanumeric();
    if !valid(a) || !valid(b) || (a.is_ascii_digit() && b.is_ascii_digit()) {
        return Err(FlightNumberError::InvalidCarrier);
    }
    let rest = chars.as_str();
    // At most one separator: "AF 1234", "AF-1234", "AF - 1234".
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits_len == 0 {
        // "AFR1234": a third letter where the number should start.
        return Err(if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            FlightNumberError::InvalidCarrier
        } else {
            FlightNumberError::MissingNumber
        });
    }
    let (digits, tail) = rest.split_at(digits_len);
    let significant = digits.trim_start_matches('0');
    if significant.len() > MAX_DIGITS || digits.len() > MAX_DIGITS + 2 {
        return Err(FlightNumberError::InvalidNumber);
    }
    let number: u16 = if significant.is_empty() {
        0
    } else {
        significant
            .parse()
            .map_err(|_| FlightNumberError::InvalidNumber)?
    };
    if number == 0 || number > MAX_FLIGHT_NUMBER {
        return Err(FlightNumberError::InvalidNumber);
    }
    let mut tail = tail.chars();
    let suffix = match (tail.next(), tail.next()) {
        (None, _) => None,
        (Some(c), None) if c.is_ascii_alphabetic() => Some(c.to_ascii_uppercase()),
        _ => return Err(FlightNumberError::InvalidSuffix),
    };
    Ok(FlightNumber {
        carrier: [a, b].iter().map(char::to_ascii_uppercase).collect(),
        number,
        suffix,
    })
}

impl FromStr for FlightNumber {
    type Err = FlightNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_flight_number(s)
    }
}

impl fmt::Display for FlightNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.carrier, self.number)?;
        if let Some(suffix) = self.suffix {
            write!(f, "{suffix}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{FlightNumberError as E, parse_flight_number};

    #[test]
    fn normalises_valid_designators() {
        let cases = [
            ("AF1234", "AF1234"),
            ("af 1234", "AF1234"),
            ("AF-1234", "AF1234"),
            ("af1234", "AF1234"),
            ("  Af - 1234  ", "AF1234"),
            ("AF012", "AF12"),
            ("AF0012", "AF12"),
            ("AF000012", "AF12"),
            ("U2 8123", "U28123"),
            ("u28123", "U28123"),
            ("9W 1", "9W1"),
            ("BA304A", "BA304A"),
            ("ba 304a", "BA304A"),
            ("LH9999", "LH9999"),
            ("FR1", "FR1"),
        ];
        for (input, expected) in cases {
            let parsed = parse_flight_number(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            assert_eq!(parsed.to_string(), expected, "input {input:?}");
        }
    }

    #[test]
    fn exposes_parts() {
        let f = parse_flight_number("ba 0304a").unwrap();
        assert_eq!(
            (f.carrier.as_str(), f.number, f.suffix),
            ("BA", 304, Some('A'))
        );
        assert_eq!("U2 12".parse::<super::FlightNumber>().unwrap().number, 12);
    }

    #[test]
    fn rejects_invalid_designators() {
        let cases = [
            ("", E::Empty),
            ("   ", E::Empty),
            ("A", E::InvalidCarrier),
            ("12345", E::InvalidCarrier),
            ("A*123", E::InvalidCarrier),
            ("ÀF123", E::InvalidCarrier),
            ("AFR1234", E::InvalidCarrier),
            ("AF", E::MissingNumber),
            ("AF -", E::MissingNumber),
            ("AF 12345", E::InvalidNumber),
            ("AF0", E::InvalidNumber),
            ("AF0000", E::InvalidNumber),
            ("AF99999999999999999999", E::InvalidNumber),
            ("AF123AB", E::InvalidSuffix),
            ("AF123 A", E::InvalidSuffix),
            ("AF12-3", E::InvalidSuffix),
            ("AF123é", E::InvalidSuffix),
            ("AF--123", E::MissingNumber),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_flight_number(input), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn error_keys_are_namespaced() {
        assert!(
            E::InvalidCarrier
                .message_key()
                .starts_with("flight.number.error.")
        );
    }
}
