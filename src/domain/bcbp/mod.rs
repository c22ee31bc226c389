//! IATA Bar Coded Boarding Pass (BCBP, Resolution 792): the text inside the PDF417, Aztec or QR
//! code of every boarding pass, read into what a claim needs (passenger, booking reference,
//! flights and their dates).
//!
//! ```text
//! M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 100
//! │││                   ││      │  │  │   │    │  ││   │    │└─ size of the variable part (hex)
//! ││└ name (20)          ││      │  │  │   │    │  ││   │    └─ passenger status
//! │└ legs                 ││      │  │  │   │    │  ││   └─ check-in sequence (5)
//! └ format                ││      │  │  │   │    │  │└─ seat (4)
//!                         ││      │  │  │   │    │  └─ compartment
//!                         ││      │  │  │   │    └─ day of the year of the flight (3)
//!                         ││      │  │  │   └─ flight number (4 digits + suffix)
//!                         ││      │  │  └─ operating carrier (3)
//!                         ││      │  └─ to (3)         from the booking reference on, the
//!                         ││      └─ from (3)          block repeats for each further leg
//!                         │└─ booking reference (7)
//!                         └─ electronic ticket
//! ```
//!
//! The variable part of the first leg opens with `>`, a version digit and a "unique" block (issue
//! date, issuer…); every leg's variable part then has a "repeated" block (ticket number,
//! marketing carrier, frequent flyer…) and free airline data. Each block states its own size
//! and may stop after any field, so every conditional field here is optional. A security block
//! (`^`) may follow the last leg. Field lengths are those of Resolution 792 versions 5 to 8.
//!
//! The flight date has no year: [`resolve_date`] places it from the issue date's last year
//! digit when the pass has one, otherwise at its latest occurrence not after today.

mod encode;
#[cfg(test)]
mod tests;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub use encode::encode;

/// The longest input read (a four-leg pass with airline data and a signature is under 600).
pub const MAX_LEN: usize = 2_000;

/// A boarding pass as printed in its barcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardingPass {
    /// `M` (the only format in use; `S` was the old strip format).
    pub format: char,
    pub name: PassengerName,
    pub electronic_ticket: bool,
    /// Resolution 792 version of the conditional part, when the pass has one.
    pub version: Option<u8>,
    pub issue_date: Option<IssueDate>,
    /// Airline that issued the pass.
    pub issuer: Option<String>,
    pub legs: Vec<Leg>,
    pub has_security_data: bool,
}

/// `SURNAME/GIVEN NAMES`, title removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassengerName {
    pub surname: String,
    pub given: String,
}

/// The issue date's last digit of the year and day of the year (`YDDD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IssueDate {
    pub year_digit: u8,
    pub day_of_year: u16,
}

/// One flight of the pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leg {
    /// The operating carrier's booking reference (PNR).
    pub booking_reference: String,
    pub from: String,
    pub to: String,
    pub operating_carrier: String,
    /// Digits without leading zeros, then the suffix letter if any (`834`, `12A`).
    pub flight_number: String,
    pub day_of_year: u16,
    pub compartment: char,
    pub seat: String,
    pub check_in_sequence: String,
    pub passenger_status: char,
    /// Airline numeric code + document serial number (the 13-digit ticket number).
    pub ticket_number: Option<String>,
    pub marketing_carrier: Option<String>,
}

impl Leg {
    /// `AF1234`: carrier and number as a passenger reads them.
    pub fn flight(&self) -> String {
        format!("{}{}", self.operating_carrier, self.flight_number)
    }
}

/// Why a text is not a boarding pass we can read. [`BcbpError::key`] names its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BcbpError {
    #[error("not a boarding pass barcode")]
    NotBcbp,
    #[error("the barcode text is too long")]
    TooLong,
    #[error("the barcode text stops before its {0}")]
    Truncated(&'static str),
    #[error("the barcode's {0} is not valid")]
    Invalid(&'static str),
}

impl BcbpError {
    /// Translation key suffix (`bcbp.error.<key>`): one message per family, the field is for
    /// the logs.
    pub fn key(self) -> &'static str {
        match self {
            Self::NotBcbp => "not_bcbp",
            Self::TooLong => "too_long",
            Self::Truncated(_) => "truncated",
            Self::Invalid(_) => "invalid",
        }
    }
}

/// Reads the text of a boarding-pass barcode.
pub fn parse(text: &str) -> Result<BoardingPass, BcbpError> {
    let text = text.trim_end_matches(['\r', '\n', '\0']);
    if text.len() > MAX_LEN {
        return Err(BcbpError::TooLong);
    }
    if !text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(BcbpError::NotBcbp);
    }
    let mut r = Reader { text, pos: 0 };
    let format = r.take(1, "format")?.chars().next().unwrap_or(' ');
    if format != 'M' && format != 'S' {
        return Err(BcbpError::NotBcbp);
    }
    let leg_count = r
        .take(1, "number of legs")?
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=9).contains(n))
        .ok_or(BcbpError::Invalid("number of legs"))?;
    let name = parse_name(r.take(20, "passenger name")?)?;
    let electronic_ticket = r.take(1, "electronic ticket indicator")? == "E";

    let mut pass = BoardingPass {
        format,
        name,
        electronic_ticket,
        version: None,
        issue_date: None,
        issuer: None,
        legs: Vec::with_capacity(leg_count),
        has_security_data: false,
    };
    for index in 0..leg_count {
        let (mut leg, variable) = mandatory_leg(&mut r)?;
        let mut v = Reader {
            text: variable,
            pos: 0,
        };
        if index == 0 && v.peek() == Some('>') {
            v.take(1, "version mark")?;
            pass.version = v.take(1, "version")?.parse().ok();
            let unique = v.block("unique conditional block")?;
            read_unique(unique, &mut pass)?;
        }
        if !v.is_empty() {
            read_repeated(v.block("repeated conditional block")?, &mut leg);
        }
        pass.legs.push(leg);
    }
    pass.has_security_data = r.peek() == Some('^');
    Ok(pass)
}

/// Reads a leg's mandatory 37 characters; returns it with its variable part.
fn mandatory_leg<'a>(r: &mut Reader<'a>) -> Result<(Leg, &'a str), BcbpError> {
    let booking_reference = r.take(7, "booking reference")?.trim().to_string();
    let from = airport(r.take(3, "departure airport")?, "departure airport")?;
    let to = airport(r.take(3, "arrival airport")?, "arrival airport")?;
    let operating_carrier =
        carrier(r.take(3, "operating carrier")?).ok_or(BcbpError::Invalid("operating carrier"))?;
    let flight_number = flight_number(r.take(5, "flight number")?)?;
    let day_of_year =
        day_of_year(r.take(3, "flight date")?).ok_or(BcbpError::Invalid("flight date"))?;
    let compartment = r.take(1, "compartment")?.chars().next().unwrap_or(' ');
    let seat = trim_zeros(r.take(4, "seat")?);
    let check_in_sequence = trim_zeros(r.take(5, "check-in sequence")?);
    let passenger_status = r.take(1, "passenger status")?.chars().next().unwrap_or(' ');
    let variable = r.block("variable part")?;
    let leg = Leg {
        booking_reference,
        from,
        to,
        operating_carrier,
        flight_number,
        day_of_year,
        compartment,
        seat,
        check_in_sequence,
        passenger_status,
        ticket_number: None,
        marketing_carrier: None,
    };
    Ok((leg, variable))
}

/// The unique block: passenger description (1), source of check-in (1), source of issuance
/// (1), issue date (4), document type (1), issuer (3), then baggage tags.
fn read_unique(block: &str, pass: &mut BoardingPass) -> Result<(), BcbpError> {
    let mut b = Reader {
        text: block,
        pos: 0,
    };
    b.optional(3);
    if let Some(date) = b.optional(4) {
        pass.issue_date = issue_date(date)?;
    }
    b.optional(1);
    pass.issuer = b.optional(3).and_then(carrier);
    Ok(())
}

/// The repeated block: airline numeric code (3), document serial (10), selectee (1),
/// documentation verification (1), marketing carrier (3), then frequent-flyer fields.
fn read_repeated(block: &str, leg: &mut Leg) {
    let mut b = Reader {
        text: block,
        pos: 0,
    };
    let airline = b.optional(3).unwrap_or("");
    let serial = b.optional(10).unwrap_or("");
    let number = format!("{airline}{serial}");
    // A blank or odd ticket number is left out, not refused: the claim does not need it.
    if number.len() == 13 && number.bytes().all(|c| c.is_ascii_digit()) {
        leg.ticket_number = Some(number);
    }
    b.optional(2);
    leg.marketing_carrier = b.optional(3).and_then(carrier);
}

/// Places a flight's day of the year in a year: after the issue date when the pass has one
/// (a pass is issued at most a few days before its flight), otherwise at the latest
/// occurrence not after `today`. `None` when no year fits (day 366 outside leap years, a
/// future issue date).
pub fn resolve_date(
    day_of_year: u16,
    issue: Option<IssueDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let on = |year: i32, day: u16| NaiveDate::from_yo_opt(year, u32::from(day));
    if let Some(issue) = issue {
        let issued = (0..20)
            .map(|back| today.year() - back)
            .filter(|y| y.rem_euclid(10) == i32::from(issue.year_digit))
            .filter_map(|y| on(y, issue.day_of_year))
            .find(|d| *d <= today)?;
        return [issued.year(), issued.year() + 1]
            .into_iter()
            .filter_map(|y| on(y, day_of_year))
            .find(|d| *d >= issued - chrono::Days::new(1));
    }
    (0..8)
        .map(|back| today.year() - back)
        .filter_map(|y| on(y, day_of_year))
        .find(|d| *d <= today)
}

fn parse_name(field: &str) -> Result<PassengerName, BcbpError> {
    let field = field.trim();
    let (surname, given) = field.split_once('/').unwrap_or((field, ""));
    let surname = surname.trim().to_string();
    if surname.is_empty() {
        return Err(BcbpError::Invalid("passenger name"));
    }
    let mut words: Vec<&str> = given.split_whitespace().collect();
    if words.len() > 1
        && matches!(
            words.last().copied(),
            Some("MR" | "MRS" | "MS" | "MISS" | "MSTR" | "DR" | "PROF" | "CHD" | "INF")
        )
    {
        words.pop();
    }
    Ok(PassengerName {
        surname,
        given: words.join(" "),
    })
}

fn airport(field: &str, what: &'static str) -> Result<String, BcbpError> {
    if field.len() == 3 && field.bytes().all(|c| c.is_ascii_alphabetic()) {
        Ok(field.to_ascii_uppercase())
    } else {
        Err(BcbpError::Invalid(what))
    }
}

/// A two- or three-character airline designator, left-aligned and space-padded.
fn carrier(field: &str) -> Option<String> {
    let code = field.trim();
    ((2..=3).contains(&code.len()) && code.bytes().all(|c| c.is_ascii_alphanumeric()))
        .then(|| code.to_ascii_uppercase())
}

/// `0834 ` → `834`, `0012A` → `12A`.
fn flight_number(field: &str) -> Result<String, BcbpError> {
    let field = field.trim();
    let digits_end = field
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(field.len());
    let (digits, suffix) = field.split_at(digits_end);
    if digits.len() > 4 {
        return Err(BcbpError::Invalid("flight number"));
    }
    let number: u16 = digits
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(BcbpError::Invalid("flight number"))?;
    if suffix.len() > 1 || !suffix.bytes().all(|c| c.is_ascii_alphabetic()) {
        return Err(BcbpError::Invalid("flight number"));
    }
    Ok(format!("{number}{}", suffix.to_ascii_uppercase()))
}

fn day_of_year(field: &str) -> Option<u16> {
    let field = field.trim();
    if field.is_empty() || !field.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    field.parse().ok().filter(|d| (1..=366).contains(d))
}

/// `YDDD`; blank means not given.
fn issue_date(field: &str) -> Result<Option<IssueDate>, BcbpError> {
    if field.trim().is_empty() {
        return Ok(None);
    }
    let (year, day) = field.split_at(1);
    match (year.parse::<u8>(), day_of_year(day)) {
        (Ok(year_digit), Some(day_of_year)) => Ok(Some(IssueDate {
            year_digit,
            day_of_year,
        })),
        _ => Err(BcbpError::Invalid("issue date")),
    }
}

/// `001A` → `1A`, `0025` → `25`; all zeros → `0`, blank stays blank.
fn trim_zeros(field: &str) -> String {
    let field = field.trim();
    let trimmed = field.trim_start_matches('0');
    if trimmed.is_empty() && !field.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

/// A cursor over ASCII text (checked in [`parse`]), so byte offsets are character offsets.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize, what: &'static str) -> Result<&'a str, BcbpError> {
        let end = self.pos + len;
        let field = self
            .text
            .get(self.pos..end)
            .ok_or(BcbpError::Truncated(what))?;
        self.pos = end;
        Ok(field)
    }

    /// Up to `len` characters: a conditional field, cut or absent at the end of its block.
    fn optional(&mut self, len: usize) -> Option<&'a str> {
        let end = (self.pos + len).min(self.text.len());
        let field = self.text.get(self.pos..end).filter(|f| !f.is_empty())?;
        self.pos = end;
        Some(field)
    }

    /// A two-hex-digit size, then that many characters.
    fn block(&mut self, what: &'static str) -> Result<&'a str, BcbpError> {
        let size = self.take(2, what)?;
        let size = usize::from_str_radix(size, 16).map_err(|_| BcbpError::Invalid(what))?;
        self.take(size, what)
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.text.len()
    }
}
