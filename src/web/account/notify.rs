//! Account emails, composed in the recipient's stored language and enqueued in the caller's
//! transaction: an account never exists without its verification email, and vice versa.

use rusqlite::Transaction;

use super::password::RESET_TTL_MINUTES;
use super::register::VERIFY_TTL_DAYS;
use crate::db::{DbError, users};
use crate::i18n::Locale;
use crate::mail::messages::{
    AccountExists, ClaimAccount, EmailChanged, EmailVerification, PasswordChanged, PasswordReset,
};
use crate::mail::{self, Email, Mailer, Recipient};

fn send<E: Email>(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    to: &Recipient,
    email: &E,
) -> Result<(), DbError> {
    mail::queue(tx, mailer, to, email).map(|_| ())
}

fn recipient(
    tx: &Transaction<'_>,
    user_id: i64,
    email_override: Option<&str>,
) -> Result<Recipient, DbError> {
    let account = users::find_account(tx, user_id)?;
    let locale = Locale::from_tag(&account.locale).unwrap_or_default();
    Ok(Recipient::new(
        email_override.unwrap_or(&account.email),
        account.name,
        locale,
    ))
}

fn verify_hours() -> u32 {
    u32::try_from(VERIFY_TTL_DAYS * 24).unwrap_or(u32::MAX)
}

/// Welcome and "confirm your address" after registration.
pub fn verification(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    user_id: i64,
    token: &str,
) -> Result<(), DbError> {
    let to = recipient(tx, user_id, None)?;
    send(
        tx,
        mailer,
        &to,
        &EmailVerification {
            token: token.to_string(),
            valid_hours: verify_hours(),
        },
    )
}

/// The single-use link of a forgotten password.
pub fn password_reset(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    user_id: i64,
    token: &str,
) -> Result<(), DbError> {
    let to = recipient(tx, user_id, None)?;
    let minutes = u32::try_from(RESET_TTL_MINUTES).unwrap_or(60);
    send(
        tx,
        mailer,
        &to,
        &PasswordReset {
            token: token.to_string(),
            valid_minutes: minutes,
        },
    )
}

/// Composes the reset email for an address without an account and throws it away: the same
/// rendering work as [`password_reset`], so both answers of the form take the same time.
pub fn password_reset_unsent(mailer: &Mailer, locale: Locale, token: &str) -> Result<(), DbError> {
    let to = Recipient::new("nobody@invalid.invalid", String::new(), locale);
    let minutes = u32::try_from(RESET_TTL_MINUTES).unwrap_or(60);
    let composed = mailer
        .compose(
            &to,
            &PasswordReset {
                token: token.to_string(),
                valid_minutes: minutes,
            },
        )
        .map_err(|e| DbError::Mail(e.to_string()))?;
    drop(composed);
    Ok(())
}

/// Confirmation of a new address, sent to that address.
pub fn email_change(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    user_id: i64,
    new_email: &str,
    token: &str,
) -> Result<(), DbError> {
    let to = recipient(tx, user_id, Some(new_email))?;
    send(
        tx,
        mailer,
        &to,
        &EmailVerification {
            token: token.to_string(),
            valid_hours: verify_hours(),
        },
    )
}

/// "Your password was changed", to the account's address.
pub fn password_changed(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    user_id: i64,
) -> Result<(), DbError> {
    let to = recipient(tx, user_id, None)?;
    send(tx, mailer, &to, &PasswordChanged {})
}

/// "Your address is now …", to the old address; call it *before* the address changes.
pub fn email_changed(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    user_id: i64,
    new_email: &str,
) -> Result<(), DbError> {
    let to = recipient(tx, user_id, None)?;
    send(
        tx,
        mailer,
        &to,
        &EmailChanged {
            new_email: new_email.to_string(),
        },
    )
}

/// "You already have an account" after a registration attempt with a known address.
pub fn account_exists(tx: &Transaction<'_>, mailer: &Mailer, user_id: i64) -> Result<(), DbError> {
    let to = recipient(tx, user_id, None)?;
    send(tx, mailer, &to, &AccountExists {})
}

/// The confirmation of an account made by a claim filed while signed out.
pub fn claim_account(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    user_id: i64,
    claim_ref: &str,
    token: &str,
) -> Result<(), DbError> {
    let to = recipient(tx, user_id, None)?;
    send(
        tx,
        mailer,
        &to,
        &ClaimAccount {
            claim_ref: claim_ref.to_string(),
            token: token.to_string(),
            valid_hours: verify_hours(),
        },
    )
}
