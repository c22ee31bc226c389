//! Distance and bands (Art 7(1), Art 7(4), Art 10(2)). Distance is the great-circle
//! (haversine, R = 6371.0 km) between the first departure and the final destination
//! (*Bossen* C-559/16), rounded to 0.1 km; bands are decided on that rounded figure.

use serde::Serialize;

use super::ruleset::RuleSet;
use crate::refdata::{Airport, haversine_km};

/// Art 7(1) distance band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Band {
    /// (a) 1500 km or less.
    A,
    /// (b) intra-Community over 1500 km, or other flights between 1500 and 3500 km.
    B,
    /// (c) all other flights.
    C,
}

impl Band {
    pub fn index(self) -> usize {
        match self {
            Band::A => 0,
            Band::B => 1,
            Band::C => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::A => "a",
            Band::B => "b",
            Band::C => "c",
        }
    }
}

/// Haversine distance between two airports, rounded to 0.1 km.
pub fn distance_km(from: &Airport, to: &Airport) -> f64 {
    round1(haversine_km(from.lat, from.lon, to.lat, to.lon))
}

/// Rounds to one decimal.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Art 7(1): "1500 km or less" → A (1500.0 included); intra-Community beyond 1500 km → B
/// at any length (e.g. Berlin–Gran Canaria, Paris–Réunion); otherwise "between 1500 and
/// 3500 km" → B (3500.0 included); else C.
pub fn compensation_band(distance: f64, intra: bool, rs: &RuleSet) -> Band {
    if distance <= rs.short_max_km {
        Band::A
    } else if intra || distance <= rs.medium_max_km {
        Band::B
    } else {
        Band::C
    }
}

/// Art 10(2): 30 % up to 1500 km; 50 % intra-Community beyond 1500 km *except* between the
/// European territory of the Member States and the French overseas departments, and other
/// flights of 1500–3500 km; 75 % for all other flights, including Europe ↔ French overseas
/// departments. Band of the downgraded flight's own distance (*Mennens* C-255/15).
pub fn downgrade_band(
    leg_distance: f64,
    intra: bool,
    europe_to_french_dom: bool,
    rs: &RuleSet,
) -> Band {
    if leg_distance <= rs.short_max_km {
        Band::A
    } else if (intra && !europe_to_french_dom) || leg_distance <= rs.medium_max_km {
        Band::B
    } else {
        Band::C
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::eligibility::ruleset::{Regime, ruleset_for};

    fn rs() -> &'static RuleSet {
        ruleset_for(Regime::Eu261, 1_700_000_000).expect("eu")
    }

    #[test]
    fn boundaries() {
        let rs = rs();
        assert_eq!(compensation_band(1500.0, false, rs), Band::A);
        assert_eq!(compensation_band(1500.1, false, rs), Band::B);
        assert_eq!(compensation_band(3500.0, false, rs), Band::B);
        assert_eq!(compensation_band(3500.1, false, rs), Band::C);
        assert_eq!(compensation_band(3500.1, true, rs), Band::B);
        assert_eq!(compensation_band(9358.7, true, rs), Band::B);
    }

    #[test]
    fn downgrade_boundaries() {
        let rs = rs();
        assert_eq!(downgrade_band(1500.0, true, false, rs), Band::A);
        assert_eq!(downgrade_band(1500.1, true, false, rs), Band::B);
        assert_eq!(downgrade_band(9358.7, true, false, rs), Band::B);
        assert_eq!(downgrade_band(9358.7, true, true, rs), Band::C);
        assert_eq!(downgrade_band(3500.0, false, false, rs), Band::B);
        assert_eq!(downgrade_band(3500.1, false, false, rs), Band::C);
    }

    #[test]
    fn rounding() {
        assert!((round1(1499.96) - 1500.0).abs() < 1e-9);
        assert!((round1(1241.149) - 1241.1).abs() < 1e-9);
    }
}
