//! Claim handling for staff: the queue (`queue`), one claim (`detail`), what an agent does to
//! it (`actions`, `status`) and the letter to the airline (`letter`).

pub mod actions;
pub mod detail;
pub mod letter;
pub mod queue;
pub mod status;

use rusqlite::Connection;

use crate::db::DbError;
use crate::db::claim_admin::ClaimDetail;
use crate::domain::claim::ClaimRef;
use crate::i18n::Locale;
use crate::mail::Recipient;
use crate::mail::messages::Money;
use crate::web::AppError;

/// An amount for people, in `locale`.
pub fn money_text(cents: i64, currency: &str, locale: Locale) -> String {
    Money {
        minor: cents,
        currency: currency.to_string(),
    }
    .format(locale)
}

/// `FR76 •••• •••• 0189`: the country, check digits and last four characters only.
pub fn mask_iban(iban: &str) -> String {
    crate::domain::iban::masked(iban)
}

/// The assignee field: `me`, a staff id, or empty for nobody.
pub fn parse_assignee(text: &str, me: i64) -> Result<Option<i64>, AppError> {
    match text.trim() {
        "" | "none" => Ok(None),
        "me" => Ok(Some(me)),
        other => other
            .parse::<i64>()
            .ok()
            .filter(|i| *i > 0)
            .map(Some)
            .ok_or(AppError::BadRequest),
    }
}

/// How the audit log names an assignee (`user:<id> <email>` or `none`).
pub fn assignee_label(conn: &Connection, id: Option<i64>) -> Result<String, DbError> {
    let Some(id) = id else {
        return Ok("none".into());
    };
    let email = crate::db::users::find_account(conn, id)?.email;
    Ok(format!("user:{id} {email}"))
}

/// The passenger of a claim, in their stored language.
pub fn recipient(d: &ClaimDetail) -> Recipient {
    Recipient::new(
        &d.email,
        d.name.clone(),
        Locale::from_tag(&d.locale).unwrap_or_default(),
    )
}

/// A claim reference from the path; anything else is a 404.
pub fn parse_ref(raw: &str) -> Result<ClaimRef, AppError> {
    ClaimRef::parse(raw).ok_or(AppError::NotFound)
}

/// Parses an amount typed by an agent (`600`, `600.50`, `600,5`) into cents; `None` for
/// anything else, including negative or absurd values.
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
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("600"), Some(60_000));
        assert_eq!(parse_amount("600,5"), Some(60_050));
        assert_eq!(parse_amount(" 1 200.05 € "), Some(120_005));
        for bad in ["", "-5", "1e9", "99999999", "abc", "1.234", "<script>"] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn ibans_are_masked() {
        assert_eq!(
            mask_iban("FR76 3000 6000 0112 3456 7890 189"),
            "FR76 •••• •••• 0189"
        );
        assert_eq!(mask_iban("short"), "••••");
    }
}
