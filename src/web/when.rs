//! Dates and times as people read them: `2026-11-25T12:53:24Z` becomes "25 nov. 2026 à 13:53
//! CET" or "25 Nov 2026, 12:53 GMT" (words and order from `locales/app.*.yml`). Stored times are
//! UTC; pages show them in the reader's zone (the `tz` cookie `assets/js/tz.js` sets from the
//! browser, else the language's usual zone: Paris for French, London for English), emails in the
//! language's zone, and the zone is always named.

use chrono::{DateTime, NaiveDate, Timelike};
use chrono_tz::Tz;

use crate::i18n::translate;

/// The zone a reader of `lang` most likely lives in, when their browser has not said.
pub fn default_zone(lang: &str) -> Tz {
    if lang.starts_with("en") {
        chrono_tz::Europe::London
    } else {
        chrono_tz::Europe::Paris
    }
}

/// A zone name sent by a browser (the `tz` cookie), if it is a real IANA zone.
pub fn parse_zone(name: &str) -> Option<Tz> {
    (name.len() <= 64).then(|| name.parse().ok()).flatten()
}

/// `raw` (RFC 3339, `YYYY-MM-DD HH:MM:SS…`, or a plain date) in `lang`, times in UTC (letters
/// and documents, where the reader's zone is unknown); anything else as is.
pub fn format_when(raw: &str, lang: &str) -> String {
    format_when_in(raw, lang, chrono_tz::UTC)
}

/// [`format_when`] with times shown in `zone`, named by its abbreviation (CET, BST, EST…).
pub fn format_when_in(raw: &str, lang: &str, zone: Tz) -> String {
    let raw = raw.trim();
    let date = |d: NaiveDate| crate::i18n::date_words(d, lang);
    let parsed = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.naive_utc())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(
                raw.trim_end_matches(" UTC"),
                "%Y-%m-%d %H:%M:%S%.f",
            )
        });
    if let Ok(t) = parsed {
        let local = t.and_utc().with_timezone(&zone);
        let time = format!("{:02}:{:02}", local.hour(), local.minute());
        let name = local.format("%Z").to_string();
        return translate(
            lang,
            "app.datetime",
            &[
                ("date", &date(local.date_naive())),
                ("time", &time),
                ("zone", &name),
            ],
        );
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => date(d),
        Err(_) => raw.to_string(),
    }
}

/// The `when(at=…)` template function of pages and emails: [`format_when_in`] in the
/// template's `lang` and `tz` (the language's zone when the context has none).
pub fn when_fn(kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let at: String = kwargs.get::<String>("at")?.unwrap_or_default();
    let lang = state
        .get::<String>("lang")?
        .unwrap_or_else(|| crate::i18n::DEFAULT.to_string());
    let zone = state
        .get::<String>("tz")?
        .and_then(|name| parse_zone(&name))
        .unwrap_or_else(|| default_zone(&lang));
    Ok(format_when_in(&at, &lang, zone))
}

#[cfg(test)]
mod tests {
    use super::format_when;

    #[test]
    fn table() {
        let cases = [
            ("2026-11-25T12:53:24Z", "fr", "25 nov. 2026 à 12:53 UTC"),
            ("2026-11-25T12:53:24Z", "en", "25 Nov 2026, 12:53 UTC"),
            ("2026-03-01T09:05:00+01:00", "en", "1 Mar 2026, 08:05 UTC"),
            ("2026-11-25 12:53:24 UTC", "fr", "25 nov. 2026 à 12:53 UTC"),
            ("2026-11-25 12:53:24.123", "en", "25 Nov 2026, 12:53 UTC"),
            ("2026-02-01", "fr", "1 févr. 2026"),
            ("2026-08-15", "en", "15 Aug 2026"),
            ("not a date <b>", "en", "not a date <b>"),
            ("", "fr", ""),
        ];
        for (raw, lang, expected) in cases {
            assert_eq!(format_when(raw, lang), expected, "{raw} {lang}");
        }
    }

    /// Issue 19: times in the reader's zone, the zone named; summer time and date changes.
    #[test]
    fn in_the_readers_zone() {
        use super::{default_zone, format_when_in, parse_zone};
        let paris = default_zone("fr");
        let london = default_zone("en");
        let new_york = parse_zone("America/New_York").expect("zone");
        let cases = [
            (
                "2026-11-25T12:53:24Z",
                "fr",
                paris,
                "25 nov. 2026 à 13:53 CET",
            ),
            (
                "2026-07-14T12:00:00Z",
                "fr",
                paris,
                "14 juil. 2026 à 14:00 CEST",
            ),
            (
                "2026-11-25T12:53:24Z",
                "en",
                london,
                "25 Nov 2026, 12:53 GMT",
            ),
            (
                "2026-07-14T12:00:00Z",
                "en",
                london,
                "14 Jul 2026, 13:00 BST",
            ),
            (
                "2026-11-25T02:10:00Z",
                "en",
                new_york,
                "24 Nov 2026, 21:10 EST",
            ),
            (
                "2026-11-25 23:30:00",
                "fr",
                paris,
                "26 nov. 2026 à 00:30 CET",
            ),
            ("2026-08-15", "en", new_york, "15 Aug 2026"),
        ];
        for (raw, lang, zone, expected) in cases {
            assert_eq!(
                format_when_in(raw, lang, zone),
                expected,
                "{raw} {lang} {zone}"
            );
        }
        assert!(parse_zone("Not/AZone").is_none());
        assert!(parse_zone(&"A".repeat(100)).is_none());
    }
}
