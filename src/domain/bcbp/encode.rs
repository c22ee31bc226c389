//! Writes a [`BoardingPass`] as barcode text, the way airlines' systems do: the inverse of
//! [`super::parse`] for every pass it returns. It makes the test corpus (rendered into real
//! PDF417, Aztec and QR images) and demo passes.

use std::fmt::Write;

use super::{BoardingPass, Leg};

/// The barcode text of `pass` (version 6 layout; conditional fields written when known).
pub fn encode(pass: &BoardingPass) -> String {
    let mut out = String::new();
    out.push(pass.format);
    let _ = write!(out, "{}", pass.legs.len());
    let name = if pass.name.given.is_empty() {
        pass.name.surname.clone()
    } else {
        format!("{}/{}", pass.name.surname, pass.name.given)
    };
    out.push_str(&pad(&name, 20));
    out.push(if pass.electronic_ticket { 'E' } else { ' ' });
    for (index, leg) in pass.legs.iter().enumerate() {
        let mut variable = String::new();
        if index == 0 && (pass.version.is_some() || pass.issue_date.is_some()) {
            let mut unique = String::from("0  ");
            match pass.issue_date {
                Some(d) => {
                    let _ = write!(unique, "{}{:03}", d.year_digit, d.day_of_year);
                }
                None => unique.push_str("    "),
            }
            unique.push('B');
            unique.push_str(&pad(pass.issuer.as_deref().unwrap_or(""), 3));
            let _ = write!(
                variable,
                ">{}{:02X}{unique}",
                pass.version.unwrap_or(6),
                unique.len()
            );
        }
        let repeated = repeated_block(leg);
        let _ = write!(variable, "{:02X}{repeated}", repeated.len());
        out.push_str(&mandatory(leg));
        let _ = write!(out, "{:02X}{variable}", variable.len());
    }
    if pass.has_security_data {
        out.push_str("^100");
    }
    out
}

fn mandatory(leg: &Leg) -> String {
    let digits_end = leg
        .flight_number
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(leg.flight_number.len());
    let (digits, suffix) = leg.flight_number.split_at(digits_end);
    format!(
        "{}{}{}{}{:0>4}{}{:03}{}{}{}{}",
        pad(&leg.booking_reference, 7),
        leg.from,
        leg.to,
        pad(&leg.operating_carrier, 3),
        digits,
        pad(suffix, 1),
        leg.day_of_year,
        leg.compartment,
        zero_pad(&leg.seat, 4),
        zero_pad(&leg.check_in_sequence, 5),
        leg.passenger_status,
    )
}

/// Ticket number, selectee and documentation flags, marketing carrier, an empty frequent-flyer
/// record, free baggage and fast track.
fn repeated_block(leg: &Leg) -> String {
    let ticket = leg.ticket_number.as_deref().unwrap_or("");
    let (airline, serial) = ticket.split_at(ticket.len().min(3));
    format!(
        "{}{}  {}{}{}",
        pad(airline, 3),
        pad(serial, 10),
        pad(leg.marketing_carrier.as_deref().unwrap_or(""), 3),
        " ".repeat(3 + 16 + 1),
        "20KN",
    )
}

/// Right-aligned with leading zeros (`1A` → `001A`); blank stays blank (a seat not yet given).
fn zero_pad(text: &str, len: usize) -> String {
    if text.is_empty() {
        " ".repeat(len)
    } else {
        format!("{text:0>len$}")
    }
}

/// Left-aligned, space-padded (or cut) to `len`.
fn pad(text: &str, len: usize) -> String {
    let mut s: String = text.chars().take(len).collect();
    while s.len() < len {
        s.push(' ');
    }
    s
}
