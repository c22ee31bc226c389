//! Values as a passenger reads them, per language: grouped numbers ("1 241 km" /
//! "1,241 km"), amounts ("600 €" / "€600"), dates ("14 mai 2030" / "14 May 2030").
//! A no-break space (U+00A0) separates French digit groups and every number from its unit
//! so a figure never wraps across lines.

use chrono::{Datelike, NaiveDate};

/// No-break space: French digit grouping and the gap before a unit.
pub const NBSP: char = '\u{a0}';

/// Whether `lang` (`fr`, `fr-FR`, `en`, …) is French; anything else reads as English.
pub fn is_french(lang: &str) -> bool {
    lang.trim()
        .get(..2)
        .is_some_and(|p| p.eq_ignore_ascii_case("fr"))
}

/// `value` with `decimals` digits, grouped by thousands in the language's style.
pub fn number(value: f64, decimals: usize, lang: &str) -> String {
    let fixed = format!("{:.*}", decimals, value.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((fixed.as_str(), ""));
    let (group, point) = if is_french(lang) {
        (NBSP, ',')
    } else {
        (',', '.')
    };
    let mut out = String::with_capacity(fixed.len() + 4);
    if value < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A distance in kilometres, whole kilometres unless rounding would land on or cross one
/// of the regulation's thresholds (1 500 and 3 500 km), where the tenth is kept so the
/// passenger sees which side of the line the flight falls.
pub fn km(distance: f64, lang: &str) -> String {
    let near_threshold = [1500.0_f64, 3500.0]
        .iter()
        .any(|t| (distance - t).abs() <= 0.5);
    let decimals = usize::from(near_threshold);
    format!("{}{NBSP}km", number(distance, decimals, lang))
}

/// An amount with its currency: "600 €" / "€600", "12,50 £" / "£12.50", "120 PLN" / "PLN 120".
pub fn money(amount: f64, currency: &str, lang: &str) -> String {
    let decimals = if amount.fract() == 0.0 { 0 } else { 2 };
    let n = number(amount, decimals, lang);
    let symbol = match currency {
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        _ => None,
    };
    match (is_french(lang), symbol) {
        (true, Some(s)) => format!("{n}{NBSP}{s}"),
        (true, None) => format!("{n}{NBSP}{currency}"),
        (false, Some(s)) => format!("{s}{n}"),
        (false, None) if currency.is_empty() => n,
        (false, None) => format!("{currency}{NBSP}{n}"),
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar date: "14 mai 2030" (and "1er mai 2030") / "14 May 2030".
pub fn date(d: NaiveDate, lang: &str) -> String {
    let month0 = usize::try_from(d.month0()).unwrap_or(0);
    if is_french(lang) {
        let day = if d.day() == 1 {
            "1er".to_owned()
        } else {
            d.day().to_string()
        };
        format!("{day} {} {}", MONTHS_FR[month0], d.year())
    } else {
        format!("{} {} {}", d.day(), MONTHS_EN[month0], d.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> String {
        x.replace('~', "\u{a0}")
    }

    #[test]
    fn numbers_and_distances() {
        assert_eq!(km(1241.1, "fr"), s("1~241~km"));
        assert_eq!(km(1241.1, "en"), s("1,241~km"));
        assert_eq!(km(312.0, "en"), s("312~km"));
        assert_eq!(km(1499.6, "en"), s("1,499.6~km"));
        assert_eq!(km(1500.3, "fr"), s("1~500,3~km"));
        assert_eq!(km(3499.96, "en"), s("3,500.0~km"));
        assert_eq!(km(12345.4, "fr"), s("12~345~km"));
        assert_eq!(number(1_234_567.0, 0, "en"), "1,234,567");
        assert_eq!(number(-0.2, 0, "en"), "0");
    }

    #[test]
    fn amounts() {
        assert_eq!(money(600.0, "EUR", "fr"), s("600~€"));
        assert_eq!(money(600.0, "EUR", "en"), "€600");
        assert_eq!(money(1200.5, "GBP", "fr-FR"), s("1~200,50~£"));
        assert_eq!(money(1200.5, "GBP", "en"), "£1,200.50");
        assert_eq!(money(120.0, "PLN", "en"), s("PLN~120"));
        assert_eq!(money(120.0, "PLN", "fr"), s("120~PLN"));
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2030, 5, 14).expect("date");
        assert_eq!(date(d, "fr"), "14 mai 2030");
        assert_eq!(date(d, "en"), "14 May 2030");
        let first = NaiveDate::from_ymd_opt(2027, 8, 1).expect("date");
        assert_eq!(date(first, "fr"), "1er août 2027");
    }
}
