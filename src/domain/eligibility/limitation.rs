//! Limitation (time bar). EU law sets none: the national law of the forum applies
//! (*Cuadrench Moré v KLM* C-139/11); the Montreal Convention's two years do not. Periods
//! come from reference data (`crate::refdata`), with their start rule: from the event
//! (e.g. England & Wales, 6 years, Limitation Act 1980 s.9, *Dawson v Thomson Airways*
//! [2014] EWCA Civ 845) or from the end of the year (Germany, §§ 195, 199 BGB).

use chrono::{Datelike, Months, NaiveDate};

use crate::refdata::{LimitationStart, RefData};

/// The limitation rule found for a forum and the last day to file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline<'a> {
    pub forum: &'a str,
    pub years: u32,
    pub end_of_year: bool,
    pub confidence: &'a str,
    /// Last day on which proceedings may be filed.
    pub last_day: NaiveDate,
}

/// The deadline for a claim arising on `event` (the scheduled departure date) in `forum`:
/// ISO 3166-1 alpha-2, or a UK jurisdiction (`GB-EAW`, `GB-ENG`, `GB-WLS` — England and
/// Wales, 6 years; `GB-SCT` — Scotland, 5 years; `GB-NIR` — Northern Ireland, 6 years).
/// Plain `GB` means England and Wales, the default jurisdiction of a UK court (its own row
/// in `data/limitation.csv`, 6 years). `None` when the forum's period is unknown.
pub fn deadline<'a>(data: &'a RefData, forum: &str, event: NaiveDate) -> Option<Deadline<'a>> {
    let rule = data.limitation(forum)?;
    let end_of_year = matches!(rule.start, LimitationStart::EndOfYear);
    let last_day = if end_of_year {
        let year = event.year().checked_add(i32::try_from(rule.years).ok()?)?;
        NaiveDate::from_ymd_opt(year, 12, 31)?
    } else {
        // N years from the event: the same calendar date N years later (29 Feb → 28 Feb).
        event.checked_add_months(Months::new(rule.years.checked_mul(12)?))?
    };
    Some(Deadline {
        forum: rule.forum.as_str(),
        years: rule.years,
        end_of_year,
        confidence: rule.confidence.as_str(),
        last_day,
    })
}

/// Whether a claim filed on `claim_date` is out of time.
pub fn is_time_barred(deadline: &Deadline<'_>, claim_date: NaiveDate) -> bool {
    claim_date > deadline.last_day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn germany_runs_from_end_of_year() {
        let data = RefData::embedded();
        let dl = deadline(data, "DE", d("2021-06-12")).expect("DE known");
        assert_eq!(dl.last_day, d("2024-12-31"));
        assert!(!is_time_barred(&dl, d("2024-12-31")));
        assert!(is_time_barred(&dl, d("2025-01-01")));
    }

    #[test]
    fn event_based_period_is_same_calendar_day() {
        let data = RefData::embedded();
        let dl = deadline(data, "GB-EAW", d("2019-05-14")).expect("GB-EAW known");
        assert_eq!(dl.last_day, d("2025-05-14"));
        let leap = deadline(data, "GB-EAW", d("2020-02-29")).expect("GB-EAW known");
        assert_eq!(leap.last_day, d("2026-02-28"));
    }

    #[test]
    fn limitation_act_1980_s9_plain_gb_is_england_and_wales_six_years() {
        let data = RefData::embedded();
        let event = d("2021-03-01");
        let gb = deadline(data, "GB", event).expect("GB known");
        assert_eq!(gb.last_day, d("2027-03-01"));
        for forum in ["GB-EAW", "GB-ENG", "GB-WLS", "GB-NIR"] {
            let dl = deadline(data, forum, event).expect("known");
            assert_eq!(dl.last_day, gb.last_day, "{forum}");
        }
        // Prescription and Limitation (Scotland) Act 1973: five years.
        let sct = deadline(data, "GB-SCT", event).expect("GB-SCT known");
        assert_eq!(sct.last_day, d("2026-03-01"));
    }

    #[test]
    fn unknown_forum() {
        assert!(deadline(RefData::embedded(), "ZZ", d("2020-01-01")).is_none());
    }
}
