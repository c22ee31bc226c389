//! Claim handling for staff: the queue (`queue`), one claim (`detail`), what an agent does to
//! it (`actions`, `status`) and the letter to the airline (`letter`).

pub mod actions;
pub mod bulk;
pub mod corrections;
pub mod detail;
pub mod escalation;
pub mod letter;
pub mod money;
pub mod queue;
pub mod status;

use rusqlite::Connection;

use crate::db::DbError;
use crate::domain::claim::ClaimRef;
use crate::domain::money::{Currency, Money};
use crate::i18n::Locale;
use crate::web::AppError;

/// An amount for people, in `locale`.
pub fn money_text(cents: i64, currency: &str, locale: Locale) -> String {
    Money::new(cents, Currency::stored(currency)).format(locale)
}

pub use crate::services::money::mask_iban;

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

pub use crate::services::claim_status::recipient;

/// A claim reference from the path; anything else is a 404.
pub fn parse_ref(raw: &str) -> Result<ClaimRef, AppError> {
    ClaimRef::parse(raw).ok_or(AppError::NotFound)
}

pub use crate::domain::money::parse_amount;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_masked() {
        assert_eq!(
            mask_iban("FR76 3000 6000 0112 3456 7890 189"),
            "FR76 •••• •••• 0189"
        );
        assert_eq!(mask_iban("short"), "••••");
    }
}
