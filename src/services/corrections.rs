//! Staff corrections of a claim's passengers: a misspelt name, a wrong contact email or phone.
//! Checked like the wizard's passenger step, stored, audited with the values before and after,
//! and noted on the staff timeline. (The payout account changes through `payout` instead.)

use rusqlite::Transaction;
use serde_json::json;

use super::staff::Actor;
use crate::db::claims::{self, ClaimPassenger};
use crate::db::{DbError, audit, claim_admin};

/// Longest phone number kept (as in the wizard).
pub const MAX_PHONE_CHARS: usize = 30;

/// What staff typed for passenger `position` of claim `claim_id`.
#[derive(Debug, Clone)]
pub struct PassengerCorrection {
    pub claim_id: i64,
    pub claim_ref: String,
    pub position: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
}

/// A field that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    FirstName,
    LastName,
    /// The name has characters the documents' font cannot print (listed).
    Unprintable(Vec<char>),
    Email,
    Phone,
}

#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("no such passenger")]
    NoSuchPassenger,
    #[error("refused: {0:?}")]
    Invalid(Vec<Refusal>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Whether anything changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Corrected,
    Unchanged,
}

fn valid_name(s: &str) -> bool {
    let n = s.chars().count();
    (1..=80).contains(&n) && !s.chars().any(char::is_control)
}

/// The corrected passenger (`before` gives what is not corrected here: birth date, minor), or
/// every refusal.
fn checked(
    c: &PassengerCorrection,
    before: &ClaimPassenger,
) -> Result<ClaimPassenger, Vec<Refusal>> {
    let mut refused = Vec::new();
    let (first, last) = (c.first_name.trim(), c.last_name.trim());
    for (name, refusal) in [(first, Refusal::FirstName), (last, Refusal::LastName)] {
        if valid_name(name) {
            let missing = crate::pdf::font::missing_chars(name);
            if !missing.is_empty() {
                refused.push(Refusal::Unprintable(missing));
            }
        } else {
            refused.push(refusal);
        }
    }
    let email = c.email.trim();
    let email = if email.is_empty() && c.position != 0 {
        None
    } else {
        let normalized = crate::accounts::email::normalize(email);
        if normalized.is_none() {
            refused.push(Refusal::Email);
        }
        normalized
    };
    let phone = c.phone.trim();
    if phone.chars().count() > MAX_PHONE_CHARS || phone.chars().any(char::is_control) {
        refused.push(Refusal::Phone);
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    Ok(ClaimPassenger {
        first_name: first.to_string(),
        last_name: last.to_string(),
        email,
        phone: (!phone.is_empty()).then(|| phone.to_string()),
        ..before.clone()
    })
}

fn identity(p: &ClaimPassenger) -> String {
    json!({
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "phone": p.phone,
    })
    .to_string()
}

/// Corrects passenger `position` of a claim. Steps: find the passenger
/// ([`CorrectionError::NoSuchPassenger`]); check the fields (every refusal at once, lead's email
/// required); nothing more when nothing changed; store; audit `claim.passenger_correct` with the
/// name and contact before and after (JSON); an internal timeline note naming what changed.
pub fn correct_passenger(
    tx: &Transaction<'_>,
    actor: &Actor,
    c: &PassengerCorrection,
) -> Result<Outcome, CorrectionError> {
    let before = claims::find_passenger(tx, c.claim_id, c.position)?
        .ok_or(CorrectionError::NoSuchPassenger)?;
    let after = checked(c, &before).map_err(CorrectionError::Invalid)?;
    let (old, new) = (identity(&before), identity(&after));
    if old == new {
        return Ok(Outcome::Unchanged);
    }
    claims::set_passenger_identity(tx, c.claim_id, c.position, &after)?;
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "claim.passenger_correct",
        &format!("claim:{}/passenger:{}", c.claim_ref, c.position),
        Some(&old),
        Some(&new),
    )?;
    let show = |p: &ClaimPassenger| {
        format!(
            "{} {} · {} · {}",
            p.first_name,
            p.last_name,
            p.email.as_deref().unwrap_or("-"),
            p.phone.as_deref().unwrap_or("-")
        )
    };
    let note = format!(
        "✎ #{}: {} → {}",
        c.position + 1,
        show(&before),
        show(&after)
    );
    claim_admin::add_event(tx, c.claim_id, Some(actor.user_id), &note, false)?;
    Ok(Outcome::Corrected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead() -> ClaimPassenger {
        ClaimPassenger {
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            birth_date: Some("1990-03-14".into()),
            is_minor: false,
            email: Some("jeanne@example.com".into()),
            phone: None,
        }
    }

    fn typed(
        position: i64,
        first: &str,
        last: &str,
        email: &str,
        phone: &str,
    ) -> PassengerCorrection {
        PassengerCorrection {
            claim_id: 1,
            claim_ref: "FC-AAAAAA".into(),
            position,
            first_name: first.into(),
            last_name: last.into(),
            email: email.into(),
            phone: phone.into(),
        }
    }

    #[test]
    fn fields_are_checked_like_the_wizard() {
        let long = "9".repeat(31);
        let table: [(PassengerCorrection, Result<(), Vec<Refusal>>); 7] = [
            (
                typed(0, " Jeanne ", "Martin-Dupont", "j@example.com", "+33 6 12"),
                Ok(()),
            ),
            (typed(1, "Léo", "Martin", "", ""), Ok(())),
            (
                typed(0, "Jeanne", "Martin", "", ""),
                Err(vec![Refusal::Email]),
            ),
            (
                typed(0, "", "Martin", "nope", &long),
                Err(vec![Refusal::FirstName, Refusal::Email, Refusal::Phone]),
            ),
            (
                typed(1, "Jeanne", "\u{7}", "", ""),
                Err(vec![Refusal::LastName]),
            ),
            (
                typed(1, "李", "Martin", "", ""),
                Err(vec![Refusal::Unprintable(vec!['李'])]),
            ),
            (
                typed(1, &"a".repeat(81), "Martin", "", ""),
                Err(vec![Refusal::FirstName]),
            ),
        ];
        for (c, expected) in table {
            assert_eq!(checked(&c, &lead()).map(|_| ()), expected, "{c:?}");
        }
        let ok = checked(
            &typed(0, " Jeanne ", "Dupont", "j@EXAMPLE.com", " "),
            &lead(),
        )
        .unwrap();
        assert_eq!(ok.first_name, "Jeanne");
        assert_eq!(ok.email.as_deref(), Some("j@example.com"));
        assert_eq!(ok.phone, None);
        assert_eq!(ok.birth_date.as_deref(), Some("1990-03-14"), "kept");
    }
}
