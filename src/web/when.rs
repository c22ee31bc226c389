//! Dates and times as people read them: `2026-11-25T12:53:24Z` becomes "25 nov. 2026 à 12:53
//! UTC" or "25 Nov 2026, 12:53 UTC" (words and order from `locales/app.*.yml`). Stored times
//! are UTC and we do not know the reader's time zone, so the zone is always said.

use chrono::{DateTime, NaiveDate, Timelike};

use crate::i18n::translate;

/// `raw` (RFC 3339, `YYYY-MM-DD HH:MM:SS…`, or a plain date) in `lang`; anything else as is.
pub fn format_when(raw: &str, lang: &str) -> String {
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
        let time = format!("{:02}:{:02}", t.hour(), t.minute());
        return translate(
            lang,
            "app.datetime",
            &[("date", &date(t.date())), ("time", &time)],
        );
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => date(d),
        Err(_) => raw.to_string(),
    }
}

/// The `when(at=…)` template function of pages and emails: [`format_when`] in the template's
/// `lang`.
pub fn when_fn(kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let at: String = kwargs.get::<String>("at")?.unwrap_or_default();
    let lang = state
        .get::<String>("lang")?
        .unwrap_or_else(|| crate::i18n::DEFAULT.to_string());
    Ok(format_when(&at, &lang))
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
}
