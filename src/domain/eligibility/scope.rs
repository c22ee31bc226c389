//! Scope (Art 3(1)): which regimes cover a booking, from the departure and final airports'
//! territories and the operating carrier's licence, at the time of the first scheduled
//! departure.
//!
//! * EU261 (a): departure from an airport in a Member State (outermost regions included,
//!   OCTs excluded; EEA and Switzerland by agreement); (b): departure from a third country to
//!   a Member State on a Community carrier (licence under Reg 1008/2008, Art 2(c); EEA/Swiss
//!   licences count). Before 2020-12-31T23:00Z the UK was a Member State.
//! * UK261 (SI 2019/278): (a) departure from the UK; (b)(i) to the UK on a Community or UK
//!   carrier; (b)(ii) to an EU Member State on a UK carrier.
//! * A connecting journey on one booking is one unit (*Folkerts* C-11/11, *Wegener*
//!   C-537/17, *Q, R, S v United* C-561/20): only its first departure and final destination
//!   count, so a journey between two third countries with a connection in a Member State is
//!   outside the Regulation (*Airhelp v Austrian* C-451/20). Outbound and return are not one
//!   unit (*Emirates v Schenkel* C-173/07; see `journeys`).
//! * The carrier test of Art 3(1)(b) asks about "the operating air carrier of the flight
//!   concerned": the licence of the carrier operating the disrupted flight (the one given by
//!   `disrupted_leg`), never the first leg's by default. A non-EU feeder followed by a
//!   Community carrier's delayed flight into the EU is covered; a delay caused by the non-EU
//!   feeder is not. For journeys leaving the EU (Art 3(1)(a)) any carrier is covered, and the
//!   Community carrier that operated the first flight answers as well (*CS v České
//!   aerolinie* C-502/18).

use chrono::{DateTime, NaiveDate};

use crate::refdata::{Airport, RefData, TerritoryStatus};

use super::ruleset::{Regime, UK_EXIT_UTC};

/// An airport's legal zone at the time of the flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// EU Member State (incl. outermost regions; the UK before exit).
    Eu,
    /// Iceland, Norway, Liechtenstein, Switzerland: apply 261/2004 by agreement.
    EeaCh,
    /// United Kingdom after exit.
    Uk,
    /// Everything else (third countries, OCTs, Crown Dependencies, Gibraltar).
    Other,
}

impl Zone {
    /// Counts as "territory of a Member State" for EU261.
    pub fn eu261_territory(self) -> bool {
        matches!(self, Zone::Eu | Zone::EeaCh)
    }
}

/// The operating carrier's licence at the time of the flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Licence {
    /// Licensed by an EU Member State (incl. UK before exit).
    Community,
    /// Licensed in the EEA or Switzerland (a Community carrier for EU261, not for UK261).
    EeaCh,
    /// UK air carrier (after exit).
    Uk,
    /// Third-country carrier.
    Third,
    /// Carrier code not in our data: licence unknown, only the departure rule can apply.
    Unknown,
}

/// Why a regime applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Art 3(1)(a): departure airport.
    Departure,
    /// Art 3(1)(b): inbound on a Community carrier (or, UK261 (b)(ii), a UK carrier).
    InboundCarrier,
}

/// Result of the scope test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub origin: Zone,
    pub destination: Zone,
    pub licence: Licence,
    pub eu261: Option<Basis>,
    pub uk261: Option<Basis>,
}

impl Scope {
    /// Regimes in order of precedence: the departure airport's regime first.
    pub fn regimes(&self) -> [Option<Regime>; 2] {
        let eu = self.eu261.map(|_| Regime::Eu261);
        let uk = self.uk261.map(|_| Regime::Uk261);
        if self.origin == Zone::Uk {
            [uk, eu]
        } else {
            [eu, uk]
        }
    }

    pub fn basis(&self, regime: Regime) -> Option<Basis> {
        match regime {
            Regime::Eu261 => self.eu261,
            Regime::Uk261 => self.uk261,
        }
    }

    /// Intra-Community (EU261) / domestic (UK261) for the Art 7(1)(b) any-length band.
    pub fn intra(&self, regime: Regime) -> bool {
        match regime {
            Regime::Eu261 => self.origin.eu261_territory() && self.destination.eu261_territory(),
            Regime::Uk261 => self.origin == Zone::Uk && self.destination == Zone::Uk,
        }
    }
}

/// A territory's status on the UTC date of `at_utc` (`data/territory_periods.csv`: Croatia
/// from 1 July 2013, Mayotte from 1 January 2014, Saint-Barthélemy until 2011, Ercan never…).
fn status_of(data: &RefData, country: &str, airport: Option<&str>, at_utc: i64) -> TerritoryStatus {
    let on = DateTime::from_timestamp(at_utc, 0).map_or(NaiveDate::MIN, |t| t.date_naive());
    data.territory_status_on(country, airport, on)
}

/// The zone of an airport at a moment (Unix seconds, UTC): its territory's status on that
/// date, the airport's own row first (Ercan, in the north of Cyprus, is outside the EU).
pub fn zone(data: &RefData, airport: &Airport, at_utc: i64) -> Zone {
    match status_of(data, &airport.country, Some(airport.iata.as_str()), at_utc) {
        TerritoryStatus::Eu => Zone::Eu,
        TerritoryStatus::Eea | TerritoryStatus::Ch => Zone::EeaCh,
        TerritoryStatus::Uk if at_utc < UK_EXIT_UTC => Zone::Eu,
        TerritoryStatus::Uk => Zone::Uk,
        TerritoryStatus::Oct | TerritoryStatus::Other => Zone::Other,
    }
}

/// The licence of an operating carrier at a moment (UK carriers were Community carriers
/// before 2020-12-31T23:00Z).
pub fn licence(data: &RefData, carrier_iata: &str, at_utc: i64) -> Licence {
    let Some(airline) = data.airline(carrier_iata) else {
        return Licence::Unknown;
    };
    match status_of(data, &airline.country, None, at_utc) {
        TerritoryStatus::Eu => Licence::Community,
        TerritoryStatus::Eea | TerritoryStatus::Ch => Licence::EeaCh,
        TerritoryStatus::Uk if at_utc < UK_EXIT_UTC => Licence::Community,
        TerritoryStatus::Uk => Licence::Uk,
        TerritoryStatus::Oct | TerritoryStatus::Other => Licence::Third,
    }
}

/// Art 3(1) for a journey from `origin` to `destination` whose flight concerned (the
/// disrupted one) is operated by a carrier with `licence`, first departure at `at_utc`.
pub fn scope(
    data: &RefData,
    origin: &Airport,
    destination: &Airport,
    licence: Licence,
    at_utc: i64,
) -> Scope {
    let o = zone(data, origin, at_utc);
    let d = zone(data, destination, at_utc);
    let eu261 = if o.eu261_territory() {
        Some(Basis::Departure)
    } else if d.eu261_territory() && matches!(licence, Licence::Community | Licence::EeaCh) {
        Some(Basis::InboundCarrier)
    } else {
        None
    };
    let uk261 = if at_utc < UK_EXIT_UTC {
        None
    } else if o == Zone::Uk {
        Some(Basis::Departure)
    } else if (d == Zone::Uk && matches!(licence, Licence::Uk | Licence::Community))
        || (d == Zone::Eu && licence == Licence::Uk)
    {
        Some(Basis::InboundCarrier)
    } else {
        None
    };
    Scope {
        origin: o,
        destination: d,
        licence,
        eu261,
        uk261,
    }
}

/// French overseas departments (Art 10(2)(c)): Guadeloupe, Martinique, French Guiana,
/// Réunion, Mayotte.
pub fn is_french_overseas_department(country: &str) -> bool {
    matches!(country, "GP" | "MQ" | "GF" | "RE" | "YT")
}
