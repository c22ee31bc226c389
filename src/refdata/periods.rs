//! Reference data that changes with time, judged at the flight date:
//!
//! * `airports_retired.csv` — airport codes no longer in use (Berlin Schönefeld `SXF`,
//!   Chișinău's `KIV` before it became `RMO`) or that meant another airport before a date
//!   (`IST` was Atatürk until 5 April 2019). A claim can be made for years after the flight
//!   (limitation periods up to 10 years), so these codes stay valid for flights on the dates
//!   they were in use.
//! * `territory_periods.csv` — where a territory stood with respect to EU law at a date,
//!   overriding the present-day `territories.csv` status: Croatia joined on 1 July 2013,
//!   Mayotte became an outermost region on 1 January 2014, Saint-Barthélemy left on
//!   1 January 2012; and, per airport, areas outside the part of a Member State where EU law
//!   applies (Ercan, in the north of Cyprus: Protocol No 10 to the 2003 Act of Accession).
//!   The United Kingdom's exit (2020-12-31T23:00Z) is a time of day, not a date, and stays in
//!   the engine (`domain::eligibility::ruleset::UK_EXIT_UTC`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::load::{LoadError, rows};
use super::{Airport, AirportSize, RefData, TerritoryStatus, key};

/// A retired (or re-assigned) airport code and the dates it was in use.
#[derive(Debug, Clone, Serialize)]
pub struct RetiredAirport {
    pub airport: Airport,
    /// First day the code meant this airport (`None`: since before the Regulation).
    pub valid_from: Option<NaiveDate>,
    /// Last day the code meant this airport.
    pub valid_to: NaiveDate,
    /// The code used since (may be empty).
    pub replaced_by: String,
    pub note: String,
}

impl RetiredAirport {
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && date <= self.valid_to
    }
}

/// A territory's (or one airport's) status during a period.
#[derive(Debug, Clone, Serialize)]
pub struct TerritoryPeriod {
    /// ISO 3166-1 alpha-2 code, or `airport:XXX` for one airport.
    pub area: String,
    pub status: TerritoryStatus,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub note: String,
}

impl TerritoryPeriod {
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }
}

#[derive(Deserialize)]
struct RetiredRow {
    iata: String,
    icao: String,
    name: String,
    city: String,
    country: String,
    lat: f64,
    lon: f64,
    tz: String,
    valid_from: Option<NaiveDate>,
    valid_to: NaiveDate,
    replaced_by: String,
    note: String,
}

pub(super) fn retired(text: &str) -> Result<Vec<RetiredAirport>, LoadError> {
    const FILE: &str = "airports_retired.csv";
    rows::<RetiredRow>(FILE, text)?
        .into_iter()
        .map(|r| {
            let tz = r.tz.parse::<chrono_tz::Tz>().map_err(|e| LoadError {
                file: FILE,
                message: format!("{}: time zone {:?}: {e}", r.iata, r.tz),
            })?;
            if key::<3>(&r.iata).is_none() {
                return Err(LoadError {
                    file: FILE,
                    message: format!("invalid code {:?}", r.iata),
                });
            }
            Ok(RetiredAirport {
                airport: Airport {
                    iata: r.iata,
                    icao: r.icao,
                    name: r.name,
                    city: r.city,
                    country: r.country,
                    lat: r.lat,
                    lon: r.lon,
                    tz,
                    size: AirportSize::Large,
                    scheduled: true,
                },
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                replaced_by: r.replaced_by,
                note: r.note,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct PeriodRow {
    area: String,
    status: TerritoryStatus,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    note: String,
}

pub(super) fn territory_periods(text: &str) -> Result<Vec<TerritoryPeriod>, LoadError> {
    Ok(rows::<PeriodRow>("territory_periods.csv", text)?
        .into_iter()
        .map(|r| TerritoryPeriod {
            area: r.area,
            status: r.status,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            note: r.note,
        })
        .collect())
}

impl RefData {
    /// The airport a code meant on `date`: a retired or re-assigned code in use that day
    /// first, else the current table. `Err(Some(row))` when the code is only known as a
    /// retired one and `date` is outside its dates; `Err(None)` when it is unknown.
    pub fn airport_on(
        &self,
        iata: &str,
        date: NaiveDate,
    ) -> Result<&Airport, Option<&RetiredAirport>> {
        let k = key::<3>(iata).ok_or(None)?;
        let mut retired = None;
        for r in &self.retired {
            if key::<3>(&r.airport.iata) == Some(k) {
                if r.valid_on(date) {
                    return Ok(&r.airport);
                }
                retired = Some(r);
            }
        }
        self.airport(iata).ok_or(retired)
    }

    /// Every retired or re-assigned airport code.
    pub fn retired_airports(&self) -> &[RetiredAirport] {
        &self.retired
    }

    /// Where a country — or, when `airport` is given, that airport — stood on `date`: a
    /// dated row of `territory_periods.csv` (the airport's own first), else today's status
    /// in `territories.csv`, else `Other`.
    pub fn territory_status_on(
        &self,
        country: &str,
        airport: Option<&str>,
        date: NaiveDate,
    ) -> TerritoryStatus {
        let country = country.trim();
        let by_airport = airport.and_then(|a| {
            self.territory_periods.iter().find(|p| {
                p.area
                    .strip_prefix("airport:")
                    .is_some_and(|code| code.eq_ignore_ascii_case(a.trim()))
                    && p.valid_on(date)
            })
        });
        let by_country = || {
            self.territory_periods
                .iter()
                .find(|p| p.area.eq_ignore_ascii_case(country) && p.valid_on(date))
        };
        by_airport
            .or_else(by_country)
            .map(|p| p.status)
            .or_else(|| self.territory(country).map(|t| t.status))
            .unwrap_or(TerritoryStatus::Other)
    }

    /// Every dated territory row.
    pub fn territory_periods(&self) -> &[TerritoryPeriod] {
        &self.territory_periods
    }
}
