//! The passenger changes the account their compensation is paid into (issue #19): until the
//! claim is paid, from the claim page; the change waits for a link emailed to the account (a
//! stolen session alone cannot redirect the money), then applies, is audited with the values it
//! replaced, shows on the passenger's history and is announced by email.

use rusqlite::Transaction;

use crate::db::payout_changes::{self, NewChange, Pending};
use crate::db::{DbError, audit, claims, time_text, users};
use crate::domain::claim::ClaimStatus;
use crate::domain::iban::{self, IbanError};
use crate::i18n::Locale;
use crate::mail::messages::{PayoutChangeRequested, PayoutChanged};
use crate::mail::{self, Mailer, Recipient};

/// How long the confirmation link works.
pub const CONFIRM_TTL_MINUTES: i64 = 60;
/// Longest account holder name, in characters.
const MAX_HOLDER_CHARS: usize = 140;

#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    #[error("invalid IBAN")]
    Iban(IbanError),
    #[error("holder name missing or invalid")]
    Holder,
    /// Paid, or over: the account cannot change any more.
    #[error("the claim's payout account can no longer change")]
    Closed,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Whether a claim in `status` still takes a new payout account.
pub fn can_change(status: &str) -> bool {
    ClaimStatus::parse(status).is_some_and(|s| !s.is_final() && s != ClaimStatus::Paid)
}

/// The typed IBAN and holder, checked: `(iban, holder)`.
pub fn check(iban_input: &str, holder_input: &str) -> Result<(String, String), PayoutError> {
    let iban = iban::parse_iban(iban_input).map_err(PayoutError::Iban)?;
    let holder = holder_input.trim().to_string();
    if holder.is_empty()
        || holder.chars().count() > MAX_HOLDER_CHARS
        || holder.chars().any(char::is_control)
    {
        return Err(PayoutError::Holder);
    }
    Ok((iban, holder))
}

fn recipient(tx: &Transaction<'_>, user_id: i64) -> Result<Recipient, DbError> {
    let account = users::find_account(tx, user_id)?;
    let locale = Locale::from_tag(&account.locale).unwrap_or_default();
    Ok(Recipient::new(&account.email, account.name, locale))
}

/// A request to change the payout account of the claim `claim_ref`.
pub struct ChangeRequest<'a> {
    pub claim_ref: &'a str,
    pub requested_by: i64,
    pub iban: &'a str,
    pub holder: &'a str,
    /// The link's token as emailed, and its digest as stored.
    pub token: &'a str,
    pub token_hash: &'a str,
}

/// Records the request and emails the confirmation link to the claim's account.
pub fn request_change(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    request: &ChangeRequest<'_>,
) -> Result<(), PayoutError> {
    let claim = claims::find_by_ref(tx, request.claim_ref)?.ok_or(DbError::NotFound)?;
    if !can_change(&claim.status) {
        return Err(PayoutError::Closed);
    }
    let (iban, holder) = check(request.iban, request.holder)?;
    let expires = time_text(chrono::Utc::now() + chrono::Duration::minutes(CONFIRM_TTL_MINUTES));
    payout_changes::insert(
        tx,
        &NewChange {
            claim_id: claim.id,
            requested_by: request.requested_by,
            new_iban: &iban,
            new_holder: &holder,
            token_hash: request.token_hash,
            expires_at: &expires,
        },
    )?;
    mail::queue(
        tx,
        mailer,
        &recipient(tx, claim.user_id)?,
        &PayoutChangeRequested {
            claim_ref: claim.claim_ref.clone(),
            token: request.token.to_string(),
            new_iban: iban::masked(&iban),
            valid_minutes: u32::try_from(CONFIRM_TTL_MINUTES).unwrap_or(60),
        },
    )?;
    Ok(())
}

/// Applies the change of this link; returns the claim's reference, or `None` when the link
/// is unknown, used, replaced by a newer request or expired.
pub fn confirm_change(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    token_hash: &str,
) -> Result<Option<String>, PayoutError> {
    let Some(pending) = payout_changes::find_pending(tx, token_hash)? else {
        return Ok(None);
    };
    let claim = claims::find_by_ref(tx, &pending.claim_ref)?.ok_or(DbError::NotFound)?;
    if !can_change(&claim.status) {
        return Err(PayoutError::Closed);
    }
    let Some((old_iban, old_holder)) = payout_changes::confirm(tx, &pending)? else {
        return Ok(None);
    };
    audit_change(tx, &claim, &pending, (&old_iban, &old_holder))?;
    mail::queue(
        tx,
        mailer,
        &recipient(tx, claim.user_id)?,
        &PayoutChanged {
            claim_ref: claim.claim_ref.clone(),
            new_iban: iban::masked(&pending.new_iban),
        },
    )?;
    Ok(Some(claim.claim_ref))
}

fn audit_change(
    tx: &Transaction<'_>,
    claim: &claims::ClaimRow,
    pending: &Pending,
    old: (&str, &str),
) -> Result<(), DbError> {
    let account = users::find_account(tx, claim.user_id)?;
    // The audit trail names the accounts by their masked form; the full previous values stay
    // in `payout_changes` for the team.
    audit::record(
        tx,
        Some(claim.user_id),
        &account.email,
        "claim.payout_changed",
        &format!("claim:{}", claim.claim_ref),
        Some(&format!("{} · {}", iban::masked(old.0), old.1)),
        Some(&format!(
            "{} · {}",
            iban::masked(&pending.new_iban),
            pending.new_holder
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payout_details_are_checked() {
        assert!(check("FR76 3000 6000 0112 3456 7890 189", "Marie Curie").is_ok());
        assert!(matches!(
            check("FR76 3000", "Marie"),
            Err(PayoutError::Iban(_))
        ));
        assert!(matches!(
            check("FR7630006000011234567890189", "  "),
            Err(PayoutError::Holder)
        ));
        assert!(matches!(
            check("FR7630006000011234567890189", "A\u{7}B"),
            Err(PayoutError::Holder)
        ));
        assert!(can_change("approved") && can_change("submitted"));
        assert!(!can_change("paid") && !can_change("withdrawn") && !can_change("nonsense"));
    }
}
