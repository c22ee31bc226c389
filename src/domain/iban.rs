//! IBAN checks for the payout account: normalisation, the SEPA countries' lengths and the
//! ISO 7064 MOD 97-10 checksum (ISO 13616).

/// Lengths of SEPA countries' IBANs (SWIFT IBAN registry).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

/// Why an IBAN was refused (translation key suffixes under `claims.payout.error.`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbanError {
    Empty,
    Country,
    Length,
    Checksum,
}

impl IbanError {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Empty => "claims.payout.error.iban_empty",
            Self::Country => "claims.payout.error.iban_country",
            Self::Length => "claims.payout.error.iban_length",
            Self::Checksum => "claims.payout.error.iban_checksum",
        }
    }
}

/// Upper-cases and removes spaces and dashes; then checks country, length and checksum.
pub fn parse_iban(input: &str) -> Result<String, IbanError> {
    let iban: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if iban.is_empty() {
        return Err(IbanError::Empty);
    }
    if !iban.bytes().all(|b| b.is_ascii_alphanumeric()) || iban.len() < 4 {
        return Err(IbanError::Checksum);
    }
    let country = &iban[..2];
    let Some((_, len)) = LENGTHS.iter().find(|(c, _)| *c == country) else {
        return Err(IbanError::Country);
    };
    if iban.len() != *len {
        return Err(IbanError::Length);
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).ok_or(IbanError::Checksum)?;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    if rem == 1 {
        Ok(iban)
    } else {
        Err(IbanError::Checksum)
    }
}

/// `FR76 •••• •••• 0189`: enough to recognise an account, not to use it (emails, agents).
pub fn masked(iban: &str) -> String {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    let n = compact.chars().count();
    if n <= 8 {
        return "••••".into();
    }
    let head: String = compact.chars().take(4).collect();
    let tail: String = compact.chars().skip(n - 4).collect();
    format!("{head} •••• •••• {tail}")
}

/// `FR76 3000 6000 0112 3456 7890 189`: groups of four for reading.
pub fn grouped(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid() {
        assert_eq!(
            parse_iban("fr76 3000 6000 0112 3456 7890 189").as_deref(),
            Ok("FR7630006000011234567890189")
        );
        assert!(parse_iban("DE89 3704 0044 0532 0130 00").is_ok());
        assert!(parse_iban("GB29 NWBK 6016 1331 9268 19").is_ok());
        assert_eq!(parse_iban(""), Err(IbanError::Empty));
        assert_eq!(parse_iban("US12 3456"), Err(IbanError::Country));
        assert_eq!(parse_iban("FR76 3000 6000 0112"), Err(IbanError::Length));
        assert_eq!(
            parse_iban("FR76 3000 6000 0112 3456 7890 188"),
            Err(IbanError::Checksum)
        );
        assert_eq!(grouped("FR7630006000"), "FR76 3000 6000");
    }
}
