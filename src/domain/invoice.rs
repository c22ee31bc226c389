//! Fee invoices and credit notes (issue 15), the pure part: numbers, VAT and the amounts
//! printed. No I/O: `services::invoices` allocates the numbers inside the issuing transaction
//! and stores what these functions compute.
//!
//! **Numbering.** Two series, each per calendar year and without gaps: invoices
//! `2026-000123`, credit notes `CN-2026-000007`. The next number of a year is the largest
//! issued that year plus one ([`next_seq`]); the first of a year is 1.
//!
//! **VAT.** The fee is the amount before tax (net). VAT = net × rate, the rate in basis points
//! (2000 = 20 %), **rounded to the nearest minor unit, halves away from zero** (the usual
//! commercial rule, and the one French and UK tax authorities accept per invoice total); the
//! total is net + VAT. Integer arithmetic only (`i128` for the product), never floating point.
//! When VAT does not apply (a rate of 0 with a mention such as `TVA non applicable, art. 293 B
//! du CGI`), the VAT is 0 and the mention is printed instead of a rate.

use serde::Serialize;

use crate::domain::money::{Money, MoneyError};

/// Which series a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    Invoice,
    CreditNote,
}

/// Digits of the sequence part of a number.
const SEQ_DIGITS: usize = 6;

/// A number of one series: its year and its place in the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocNumber {
    pub series: Series,
    pub year: i32,
    pub seq: u32,
}

impl DocNumber {
    /// `2026-000123` (invoice) or `CN-2026-000007` (credit note). Past 999 999 in a year the
    /// sequence simply grows a digit (still unique and ordered).
    pub fn text(&self) -> String {
        let prefix = match self.series {
            Series::Invoice => "",
            Series::CreditNote => "CN-",
        };
        format!(
            "{prefix}{}-{:0width$}",
            self.year,
            self.seq,
            width = SEQ_DIGITS
        )
    }

    /// The number back from its text; `None` for anything else.
    pub fn parse(text: &str) -> Option<DocNumber> {
        let (series, rest) = match text.strip_prefix("CN-") {
            Some(rest) => (Series::CreditNote, rest),
            None => (Series::Invoice, text),
        };
        let (year, seq) = rest.split_once('-')?;
        if year.len() != 4
            || seq.len() < SEQ_DIGITS
            || !year.bytes().chain(seq.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let seq: u32 = seq.parse().ok()?;
        (seq > 0).then_some(DocNumber {
            series,
            year: year.parse().ok()?,
            seq,
        })
    }
}

/// The next sequence number of a year, from the largest one issued that year (`None`: none yet).
pub fn next_seq(largest: Option<u32>) -> u32 {
    largest.map_or(1, |n| n.saturating_add(1))
}

/// Whether a series of sequence numbers (one year's, in any order) has no gap and no
/// duplicate: exactly 1..=n.
pub fn is_gapless(seqs: &[u32]) -> bool {
    let mut sorted = seqs.to_vec();
    sorted.sort_unstable();
    sorted
        .iter()
        .enumerate()
        .all(|(i, s)| u32::try_from(i + 1).is_ok_and(|want| want == *s))
}

/// The tax an invoice carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Tax {
    /// VAT at a rate in basis points (2000 = 20 %).
    Vat { rate_bp: u32 },
    /// No VAT, with the legal mention that says why.
    NotApplicable { mention: String },
}

impl Tax {
    pub fn rate_bp(&self) -> u32 {
        match self {
            Tax::Vat { rate_bp } => *rate_bp,
            Tax::NotApplicable { .. } => 0,
        }
    }

    pub fn mention(&self) -> &str {
        match self {
            Tax::Vat { .. } => "",
            Tax::NotApplicable { mention } => mention,
        }
    }
}

/// VAT on `net_minor` at `rate_bp` basis points, rounded to the nearest minor unit, halves away
/// from zero. `None` on overflow.
pub fn vat_minor(net_minor: i64, rate_bp: u32) -> Option<i64> {
    let product = i128::from(net_minor).checked_mul(i128::from(rate_bp))?;
    let half = 5_000_i128;
    let rounded = if product >= 0 {
        (product + half) / 10_000
    } else {
        (product - half) / 10_000
    };
    i64::try_from(rounded).ok()
}

/// The amounts an invoice prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Amounts {
    pub net: Money,
    pub rate_bp: u32,
    pub vat: Money,
    pub total: Money,
}

/// Net, VAT and total of a fee of `net` under `tax`.
pub fn amounts(net: Money, tax: &Tax) -> Result<Amounts, MoneyError> {
    let rate_bp = tax.rate_bp();
    let vat = Money::new(
        vat_minor(net.minor, rate_bp).ok_or(MoneyError::Overflow)?,
        net.currency,
    );
    Ok(Amounts {
        net,
        rate_bp,
        vat,
        total: net.checked_add(vat)?,
    })
}

/// A rate for people: `20 %` / `5,5 %` in French, `20%` / `5.5%` in English (no trailing zeros).
pub fn rate_text(rate_bp: u32, french: bool) -> String {
    let units = rate_bp / 100;
    let frac = rate_bp % 100;
    let mut out = units.to_string();
    if frac != 0 {
        let digits = format!("{frac:02}");
        out.push(if french { ',' } else { '.' });
        out.push_str(digits.trim_end_matches('0'));
    }
    if french {
        out.push_str("\u{a0}%");
    } else {
        out.push('%');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    #[test]
    fn vat_is_rounded_half_away_from_zero() {
        for (net, bp, vat) in [
            (15_000, 2000, 3_000), // 150.00 at 20 % = 30.00
            (0, 2000, 0),
            (1, 2000, 0),          // 0.002 → 0.00
            (3, 2000, 1),          // 0.006 → 0.01
            (25, 2000, 5),         // exact
            (10, 550, 1),          // 0.0055 → 0.01 (half away from zero)
            (9, 550, 0),           // 0.00495 → 0.00
            (12_345, 2000, 2_469), // 24.69
            (12_345, 550, 679),    // 6.78975 → 6.79
            (12_345, 1000, 1_235), // 12.345 → 12.35 (half up)
            (12_345, 0, 0),
            (-12_345, 1000, -1_235), // a negative half goes away from zero too
            (-3, 2000, -1),
            (99_999_999, 2700, 27_000_000), // 26 999 999.73 → 27 000 000
        ] {
            assert_eq!(vat_minor(net, bp), Some(vat), "{net} at {bp} bp");
        }
        assert_eq!(vat_minor(i64::MAX, 10_000), Some(i64::MAX));
        assert_eq!(vat_minor(i64::MAX, 10_001), None);
    }

    #[test]
    fn amounts_add_up_in_one_currency() {
        let a = amounts(Money::eur(15_000), &Tax::Vat { rate_bp: 2000 }).unwrap();
        assert_eq!(
            (a.net.minor, a.vat.minor, a.total.minor),
            (15_000, 3_000, 18_000)
        );
        assert_eq!(a.total.currency, Currency::Eur);
        let none = Tax::NotApplicable {
            mention: "TVA non applicable, art. 293 B du CGI".into(),
        };
        let b = amounts(Money::gbp(12_345), &none).unwrap();
        assert_eq!((b.rate_bp, b.vat.minor, b.total.minor), (0, 0, 12_345));
        assert_eq!(b.total.currency, Currency::Gbp);
        assert_eq!(none.mention(), "TVA non applicable, art. 293 B du CGI");
        assert!(amounts(Money::eur(i64::MAX), &Tax::Vat { rate_bp: 100 }).is_err());
    }

    #[test]
    fn numbers_are_written_and_read_back() {
        for (series, year, seq, text) in [
            (Series::Invoice, 2026, 123, "2026-000123"),
            (Series::Invoice, 2027, 1, "2027-000001"),
            (Series::CreditNote, 2026, 7, "CN-2026-000007"),
            (Series::Invoice, 2026, 1_234_567, "2026-1234567"),
        ] {
            let n = DocNumber { series, year, seq };
            assert_eq!(n.text(), text);
            assert_eq!(DocNumber::parse(text), Some(n), "{text}");
        }
        for bad in [
            "",
            "2026",
            "2026-",
            "2026-12",
            "26-000001",
            "2026-000000",
            "CN2026-000001",
            "2026-00000a",
            "../2026-000001",
        ] {
            assert_eq!(DocNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_next_number_follows_the_largest_of_the_year() {
        assert_eq!(next_seq(None), 1);
        assert_eq!(next_seq(Some(1)), 2);
        assert_eq!(next_seq(Some(122)), 123);
        assert_eq!(next_seq(Some(u32::MAX)), u32::MAX);
        for (seqs, ok) in [
            (vec![], true),
            (vec![1], true),
            (vec![3, 1, 2], true),
            (vec![2], false),
            (vec![1, 3], false),
            (vec![1, 1, 2], false),
        ] {
            assert_eq!(is_gapless(&seqs), ok, "{seqs:?}");
        }
    }

    #[test]
    fn rates_read_as_people_write_them() {
        for (bp, fr, en) in [
            (2000, "20\u{a0}%", "20%"),
            (550, "5,5\u{a0}%", "5.5%"),
            (210, "2,1\u{a0}%", "2.1%"),
            (1025, "10,25\u{a0}%", "10.25%"),
            (0, "0\u{a0}%", "0%"),
        ] {
            assert_eq!(rate_text(bp, true), fr);
            assert_eq!(rate_text(bp, false), en);
        }
    }
}
