//! Local wall-clock schedule times: parsing (`2025-05-14T09:10`, seconds optional), serde
//! helpers, and conversion to UTC with the airport's IANA time zone.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

const FORMATS: [&str; 2] = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"];

/// Parses a local wall-clock time, with or without seconds (no offset: the airport's zone applies).
pub fn parse_local(s: &str) -> Option<NaiveDateTime> {
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// Formats a local time the way the contract writes it (`%Y-%m-%dT%H:%M`, seconds only if set).
pub fn format_local(t: &NaiveDateTime) -> String {
    use chrono::Timelike;
    if t.second() == 0 && t.nanosecond() == 0 {
        t.format(FORMATS[0]).to_string()
    } else {
        t.format(FORMATS[1]).to_string()
    }
}

/// Converts a wall-clock time at an airport to UTC. In the autumn overlap the earlier instant
/// is taken; a time inside the spring gap is read as the same wall time shifted by one hour
/// (what a printed timetable means). `None` only if even that does not exist.
pub fn local_to_utc(tz: Tz, t: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => Some(x.with_timezone(&Utc)),
        LocalResult::None => match tz.from_local_datetime(&(t + TimeDelta::hours(1))) {
            LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => Some(x.with_timezone(&Utc)),
            LocalResult::None => None,
        },
    }
}

/// `#[serde(with = "...")]` for a required local time.
pub mod serde_local {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_local(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_local(&s).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DDTHH:MM"))
    }
}

/// `#[serde(with = "...")]` for an optional local time.
pub mod serde_local_opt {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format_local(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => super::parse_local(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DDTHH:MM")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_seconds() {
        assert!(parse_local("2025-05-14T09:10").is_some());
        assert!(parse_local("2025-05-14T09:10:30").is_some());
        assert!(parse_local("2025-05-14 09:10").is_none());
        assert!(parse_local("2025-02-30T09:10").is_none());
    }

    #[test]
    fn converts_with_dst() {
        let tz: Tz = "Europe/Paris".parse().expect("tz");
        let summer = local_to_utc(tz, parse_local("2025-07-01T12:00").expect("t")).expect("utc");
        assert_eq!(summer.to_rfc3339(), "2025-07-01T10:00:00+00:00");
        // Spring gap 02:30 on 30 March 2025 does not exist: read as 03:30 CEST.
        let gap = local_to_utc(tz, parse_local("2025-03-30T02:30").expect("t")).expect("utc");
        assert_eq!(gap.to_rfc3339(), "2025-03-30T01:30:00+00:00");
        // Autumn overlap: the earlier instant.
        let overlap = local_to_utc(tz, parse_local("2025-10-26T02:30").expect("t")).expect("utc");
        assert_eq!(overlap.to_rfc3339(), "2025-10-26T00:30:00+00:00");
    }

    #[test]
    fn formats_round_trip() {
        let t = parse_local("2025-05-14T09:10").expect("t");
        assert_eq!(format_local(&t), "2025-05-14T09:10");
    }
}
