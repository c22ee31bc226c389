//! Where one booking holds more than one journey. Outbound and return booked together are
//! not one flight (*Emirates v Schenkel* C-173/07): each is judged on its own — its
//! departure airport, its operating carrier, its own great-circle distance — while
//! connecting flights to one destination stay one unit (*Folkerts* C-11/11, *Bossen*
//! C-559/16, *Airhelp v Austrian* C-451/20).
//!
//! The itinerary *turns back* at a change of flights when
//! 1. the next flight heads back: it lands less than half as far from the journey's
//!    departure airport as the airport just reached, and
//! 2. it is a return, not a detour through a hub: some later flight lands within
//!    [`HOME_RADIUS_KM`] of the journey's departure airport (back home, the same airport or
//!    another one of the same city), or the passenger stays at the turning point for at
//!    least [`STAY_SECONDS`] (a stay, not a connection).
//!
//! A journey found this way never starts and ends at the same place, so no answer is ever
//! computed on a 0 km distance (legs from an airport to itself are refused by the request
//! checks).

use super::decide::ResolvedLeg;
use super::request::MAX_LEGS;
use crate::refdata::{Airport, haversine_km};

/// Within this distance of the departure airport the passenger is back where the journey
/// began (Paris CDG–ORY 35 km, London LHR–LGW 41 km, Milan MXP–LIN 39 km).
pub const HOME_RADIUS_KM: f64 = 100.0;

/// Ground time at the turning point that makes it a stay rather than a connection (IATA
/// treats more than 24 hours between international flights as a stopover).
pub const STAY_SECONDS: i64 = 24 * 3600;

fn km(a: &Airport, b: &Airport) -> f64 {
    haversine_km(a.lat, a.lon, b.lat, b.lon)
}

/// The journeys of one booking, as `(first leg, last leg)` index pairs in flying order, and
/// how many there are (1 when the itinerary never turns back).
/// `legs` are the resolved legs of the booking (every entry `Some`).
pub fn journeys(legs: &[Option<ResolvedLeg<'_>>]) -> ([(usize, usize); MAX_LEGS], usize) {
    let mut parts = [(0, 0); MAX_LEGS];
    let mut count = 0;
    let n = legs.len().min(MAX_LEGS);
    if n == 0 || legs[..n].iter().any(Option::is_none) {
        parts[0] = (0, n.saturating_sub(1));
        return (parts, 1);
    }
    let leg = |i: usize| legs[i].expect("checked above");
    let mut start = 0;
    for j in 1..n {
        let origin = leg(start).from;
        let turn = km(origin, leg(j - 1).to);
        let heads_back = km(origin, leg(j).to) < turn / 2.0;
        if !heads_back {
            continue;
        }
        let comes_home = (j..n).any(|m| km(origin, leg(m).to) <= HOME_RADIUS_KM);
        let stays = leg(j).dep_utc - leg(j - 1).arr_utc >= STAY_SECONDS;
        if comes_home || stays {
            parts[count] = (start, j - 1);
            count += 1;
            start = j;
        }
    }
    parts[count] = (start, n - 1);
    (parts, count + 1)
}

/// The journey holding leg `ix`, with its position: `(first, last, part index, parts)`.
pub fn journey_of(legs: &[Option<ResolvedLeg<'_>>], ix: usize) -> (usize, usize, usize, usize) {
    let (parts, count) = journeys(legs);
    for (p, &(a, b)) in parts[..count].iter().enumerate() {
        if (a..=b).contains(&ix) {
            return (a, b, p, count);
        }
    }
    (0, legs.len().saturating_sub(1), 0, count.max(1))
}
