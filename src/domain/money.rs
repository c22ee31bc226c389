//! Amounts of money: integer minor units (cents, pence) with their currency, never floating
//! point. Arithmetic is checked: adding euros to pounds is a [`MoneyError::CurrencyMismatch`],
//! not a number, and an overflow is an error rather than a wrap.
//!
//! Two ways to write an amount for people: [`Money::format`] drops a zero fraction (`600 €`,
//! `€600`: what passenger pages and emails show) and [`Money::format_exact`] always writes the
//! two decimals (`600,00 €`, `€600.00`: ledgers and finance pages, where columns are compared).

use std::fmt::{self, Write as _};

use serde::{Serialize, Serializer};

use crate::i18n::Locale;

/// The currencies a claim can be paid in (EU261 in euros, UK261 in pounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Currency {
    Eur,
    Gbp,
}

impl Currency {
    pub const ALL: [Currency; 2] = [Currency::Eur, Currency::Gbp];

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }

    /// An ISO code (`EUR`, `gbp`); `None` for a currency we do not handle.
    pub fn parse(text: &str) -> Option<Currency> {
        Self::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(text.trim()))
    }

    /// A code the application stored itself (a claim's currency: the eligibility engine only
    /// answers in the currencies above); an unknown code reads as euros.
    pub fn stored(text: &str) -> Currency {
        Self::parse(text).unwrap_or(Currency::Eur)
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
            Currency::Gbp => "£",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Why an operation on amounts was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {left} and {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("amount out of range")]
    Overflow,
}

/// An amount in minor units and its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    pub fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::Eur)
    }

    pub fn gbp(minor: i64) -> Money {
        Money::new(minor, Currency::Gbp)
    }

    fn same(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// The sum of `amounts`, all in `currency`; zero when there are none.
    pub fn sum<I: IntoIterator<Item = Money>>(
        currency: Currency,
        amounts: I,
    ) -> Result<Money, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    /// `600 €` / `1 234,50 €` in French, `€600` / `€1,234.50` in English (narrow no-break
    /// spaces in French, as the Imprimerie nationale recommends): a zero fraction is left out.
    pub fn format(&self, locale: Locale) -> String {
        self.write(locale, false)
    }

    /// Always two decimals: `600,00 €` / `€600.00`.
    pub fn format_exact(&self, locale: Locale) -> String {
        self.write(locale, true)
    }

    fn write(&self, locale: Locale, exact: bool) -> String {
        let symbol = self.currency.symbol();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let (units, cents) = (abs / 100, abs % 100);
        let french = locale.as_str() == "fr";
        let group = if french { '\u{202f}' } else { ',' };
        let digits = units.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(group);
            }
            grouped.push(c);
        }
        if exact || cents != 0 {
            grouped.push(if french { ',' } else { '.' });
            let _ = write!(grouped, "{cents:02}");
        }
        if french {
            format!("{sign}{grouped}\u{a0}{symbol}")
        } else {
            format!("{sign}{symbol}{grouped}")
        }
    }

    /// `600.50`: the amount as a form field shows it (no symbol, no grouping).
    pub fn plain(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Parses an amount typed by a person (`600`, `600.50`, `600,5`, `1 200 €`) into minor units;
/// `None` for anything else, including negative or absurd values (more than 7 digits of units).
pub fn parse_amount(text: &str) -> Option<i64> {
    let text = text.trim().replace([' ', '\u{a0}', '\u{202f}'], "");
    let text = text.trim_end_matches(['€', '£']).replace(',', ".");
    let (units, cents) = text.split_once('.').unwrap_or((&text, ""));
    if units.is_empty() || units.len() > 7 || !units.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if cents.len() > 2 || !cents.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let units: i64 = units.parse().ok()?;
    let cents: i64 = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().ok()? * 10,
        _ => cents.parse().ok()?,
    };
    Some(units * 100 + cents)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const FR: Locale = Locale("fr");
    const EN: Locale = Locale("en");

    #[test]
    fn formatting_in_both_languages() {
        let table: [(Money, &str, &str, &str, &str); 7] = [
            // amount, fr, en, fr exact, en exact
            (
                Money::eur(60_000),
                "600\u{a0}€",
                "€600",
                "600,00\u{a0}€",
                "€600.00",
            ),
            (
                Money::eur(123_450),
                "1\u{202f}234,50\u{a0}€",
                "€1,234.50",
                "1\u{202f}234,50\u{a0}€",
                "€1,234.50",
            ),
            (
                Money::eur(123_405),
                "1\u{202f}234,05\u{a0}€",
                "€1,234.05",
                "1\u{202f}234,05\u{a0}€",
                "€1,234.05",
            ),
            (
                Money::gbp(35_000),
                "350\u{a0}£",
                "£350",
                "350,00\u{a0}£",
                "£350.00",
            ),
            (
                Money::eur(-500),
                "-5\u{a0}€",
                "-€5",
                "-5,00\u{a0}€",
                "-€5.00",
            ),
            (Money::eur(0), "0\u{a0}€", "€0", "0,00\u{a0}€", "€0.00"),
            (
                Money::eur(100_000_000),
                "1\u{202f}000\u{202f}000\u{a0}€",
                "€1,000,000",
                "1\u{202f}000\u{202f}000,00\u{a0}€",
                "€1,000,000.00",
            ),
        ];
        for (m, fr, en, fr_exact, en_exact) in table {
            assert_eq!(m.format(FR), fr, "{m:?}");
            assert_eq!(m.format(EN), en, "{m:?}");
            assert_eq!(m.format_exact(FR), fr_exact, "{m:?}");
            assert_eq!(m.format_exact(EN), en_exact, "{m:?}");
        }
        assert_eq!(Money::eur(60_050).plain(), "600.50");
        assert_eq!(
            Money::eur(i64::MIN).format(EN),
            "-€92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn currencies_are_never_mixed() {
        let mismatch = MoneyError::CurrencyMismatch {
            left: Currency::Eur,
            right: Currency::Gbp,
        };
        assert_eq!(Money::eur(100).checked_add(Money::gbp(100)), Err(mismatch));
        assert_eq!(Money::eur(100).checked_sub(Money::gbp(100)), Err(mismatch));
        assert_eq!(
            Money::sum(Currency::Eur, [Money::eur(1), Money::gbp(1)]),
            Err(mismatch)
        );
        assert_eq!(
            Money::sum(Currency::Gbp, []).unwrap(),
            Money::gbp(0),
            "an empty sum is zero in the asked currency"
        );
        assert_eq!(
            Money::eur(i64::MAX).checked_add(Money::eur(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::eur(i64::MIN).checked_sub(Money::eur(1)),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("eur"), Some(Currency::Eur));
        assert_eq!(Currency::parse(" GBP "), Some(Currency::Gbp));
        assert_eq!(Currency::parse("PLN"), None);
        assert_eq!(
            serde_json::to_value(Money::gbp(5)).unwrap(),
            serde_json::json!({"minor": 5, "currency": "GBP"})
        );
    }

    #[test]
    fn amounts_typed_by_people() {
        assert_eq!(parse_amount("600"), Some(60_000));
        assert_eq!(parse_amount("600,5"), Some(60_050));
        assert_eq!(parse_amount(" 1 200.05 € "), Some(120_005));
        assert_eq!(parse_amount("350 £"), Some(35_000));
        for bad in ["", "-5", "1e9", "99999999", "abc", "1.234", "<script>", "."] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop_oneof![Just(Currency::Eur), Just(Currency::Gbp)]
    }

    proptest! {
        #[test]
        fn addition_is_exact_and_reversible(
            a in -1_000_000_000_000i64..1_000_000_000_000,
            b in -1_000_000_000_000i64..1_000_000_000_000,
            c in currency(),
        ) {
            let (x, y) = (Money::new(a, c), Money::new(b, c));
            let s = x.checked_add(y).unwrap();
            prop_assert_eq!(s.minor, a + b);
            prop_assert_eq!(s.currency, c);
            prop_assert_eq!(s.checked_sub(y).unwrap(), x);
            prop_assert_eq!(x.checked_add(y), y.checked_add(x));
        }

        #[test]
        fn different_currencies_never_combine(a: i64, b: i64) {
            let e = Money::eur(a);
            let g = Money::gbp(b);
            let mixed_add = matches!(e.checked_add(g), Err(MoneyError::CurrencyMismatch { .. }));
            let mixed_sub = matches!(g.checked_sub(e), Err(MoneyError::CurrencyMismatch { .. }));
            prop_assert!(mixed_add);
            prop_assert!(mixed_sub);
        }

        #[test]
        fn arithmetic_never_wraps(a: i64, b: i64, c in currency()) {
            match Money::new(a, c).checked_add(Money::new(b, c)) {
                Ok(s) => prop_assert_eq!(Some(s.minor), a.checked_add(b)),
                Err(e) => {
                    prop_assert_eq!(e, MoneyError::Overflow);
                    prop_assert!(a.checked_add(b).is_none());
                }
            }
        }

        #[test]
        fn exact_formatting_reads_back(minor in 0i64..1_000_000_000 - 1, c in currency()) {
            // What the page writes, a person can type back in, in either language.
            let m = Money::new(minor, c);
            for locale in [FR, EN] {
                let text = m.format_exact(locale).replace(',', if locale == FR { "," } else { "" });
                let text = text.replace(['\u{202f}', '€', '£'], "");
                prop_assert_eq!(parse_amount(&text), Some(minor), "{}", text);
            }
            prop_assert_eq!(parse_amount(&m.plain()), Some(minor));
        }
    }
}
