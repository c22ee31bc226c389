//! CSV parsing and index building for [`super::RefData`].

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use super::{
    Airline, Airport, AirportSize, Limitation, LimitationStart, Territory, TerritoryStatus, key,
};

/// A data file that does not parse, with the file name and the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: &'static str,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

fn err(file: &'static str, message: impl Into<String>) -> LoadError {
    LoadError {
        file,
        message: message.into(),
    }
}

#[derive(Deserialize)]
struct AirportRow {
    iata: String,
    icao: String,
    name: String,
    city: String,
    country: String,
    lat: f64,
    lon: f64,
    tz: String,
    size: AirportSize,
    scheduled: u8,
}

pub(super) fn rows<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &str,
) -> Result<Vec<T>, LoadError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .map(|r| r.map_err(|e| err(file, e.to_string())))
        .collect()
}

pub(super) fn airports(text: &str) -> Result<Vec<Airport>, LoadError> {
    const FILE: &str = "airports.csv";
    rows::<AirportRow>(FILE, text)?
        .into_iter()
        .map(|r| {
            let tz =
                r.tz.parse::<chrono_tz::Tz>()
                    .map_err(|e| err(FILE, format!("{}: time zone {:?}: {e}", r.iata, r.tz)))?;
            if !(-90.0..=90.0).contains(&r.lat) || !(-180.0..=180.0).contains(&r.lon) {
                return Err(err(FILE, format!("{}: coordinates out of range", r.iata)));
            }
            if r.scheduled > 1 {
                return Err(err(FILE, format!("{}: scheduled must be 0 or 1", r.iata)));
            }
            Ok(Airport {
                iata: r.iata,
                icao: r.icao,
                name: r.name,
                city: r.city,
                country: r.country,
                lat: r.lat,
                lon: r.lon,
                tz,
                size: r.size,
                scheduled: r.scheduled == 1,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct AirlineRow {
    iata: String,
    icao: String,
    name: String,
    country: String,
}

pub(super) fn airlines(text: &str) -> Result<Vec<Airline>, LoadError> {
    Ok(rows::<AirlineRow>("airlines.csv", text)?
        .into_iter()
        .map(|r| Airline {
            iata: r.iata,
            icao: r.icao,
            name: r.name,
            country: r.country,
        })
        .collect())
}

#[derive(Deserialize)]
struct TerritoryRow {
    code: String,
    name_en: String,
    name_fr: String,
    status: TerritoryStatus,
}

pub(super) fn territories(text: &str) -> Result<Vec<Territory>, LoadError> {
    Ok(rows::<TerritoryRow>("territories.csv", text)?
        .into_iter()
        .map(|r| Territory {
            code: r.code,
            name_en: r.name_en,
            name_fr: r.name_fr,
            status: r.status,
        })
        .collect())
}

#[derive(Deserialize)]
struct LimitationRow {
    forum: String,
    years: u32,
    start: LimitationStart,
    confidence: String,
    source_url: String,
    note: String,
}

pub(super) fn limitations(text: &str) -> Result<Vec<Limitation>, LoadError> {
    const FILE: &str = "limitation.csv";
    rows::<LimitationRow>(FILE, text)?
        .into_iter()
        .map(|r| {
            if !matches!(r.confidence.as_str(), "high" | "medium" | "contested") {
                return Err(err(
                    FILE,
                    format!("{}: confidence {:?}", r.forum, r.confidence),
                ));
            }
            Ok(Limitation {
                forum: r.forum,
                years: r.years,
                start: r.start,
                confidence: r.confidence,
                source_url: r.source_url,
                note: r.note,
            })
        })
        .collect()
}

/// Index every item by a mandatory, unique code of exactly `N` ASCII alphanumerics.
pub(super) fn index<T, const N: usize>(
    items: &[T],
    file: &'static str,
    code: impl Fn(&T) -> &str,
) -> Result<HashMap<[u8; N], usize>, LoadError> {
    let mut map = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let c = code(item);
        let k = key::<N>(c).ok_or_else(|| err(file, format!("invalid code {c:?}")))?;
        if map.insert(k, i).is_some() {
            return Err(err(file, format!("duplicate code {c:?}")));
        }
    }
    Ok(map)
}

/// Index by an optional code: empty codes are skipped, and a code shared by
/// several rows points to the first one (airportsdata may reuse an ICAO code).
pub(super) fn index_optional<T, const N: usize>(
    items: &[T],
    file: &'static str,
    code: impl Fn(&T) -> &str,
) -> Result<HashMap<[u8; N], usize>, LoadError> {
    let mut map = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let c = code(item);
        if c.is_empty() {
            continue;
        }
        let k = key::<N>(c).ok_or_else(|| err(file, format!("invalid code {c:?}")))?;
        map.entry(k).or_insert(i);
    }
    Ok(map)
}
