//! Getting back in without a password (issue #19): a passenger who opens a claim from an email
//! on a device where they are not signed in asks for a sign-in link; the link is emailed to the
//! account's address, works once, for [`SIGN_IN_TTL_MINUTES`], and opens the page they were
//! trying to reach. An account without a password confirms its deletion the same way.
//!
//! The token is stored as a digest only, sealed out of the stored email (`mail::sealed`), used
//! up when followed, and revoked by a password or email change
//! ([`super::accounts::revoke_after_password_change`]). Only passenger accounts get one: staff
//! sign in with a password and a second factor.

use rusqlite::Transaction;

use crate::db::tokens::{self, Purpose};
use crate::db::{DbError, time_text, users};
use crate::i18n::Locale;
use crate::mail::messages::{AccountDeletion, SignInLink};
use crate::mail::{self, Mailer, Recipient};

/// Sign-in links are short-lived: they are asked for just before use.
pub const SIGN_IN_TTL_MINUTES: i64 = 20;
/// Links confirming the deletion of a passwordless account.
pub const DELETION_TTL_MINUTES: i64 = 60;

/// A fresh link's token as emailed and its digest as stored (`accounts::token::generate`).
pub struct NewLink {
    pub token: String,
    pub digest: String,
}

fn expiry(minutes: i64) -> String {
    time_text(chrono::Utc::now() + chrono::Duration::minutes(minutes))
}

fn minutes(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn recipient_of(account: &users::Account) -> Recipient {
    Recipient::new(
        &account.email,
        account.name.clone(),
        Locale::from_tag(&account.locale).unwrap_or_default(),
    )
}

/// Emails a sign-in link to the passenger account of `address` (already normalized), opening
/// `next` (a safe local path). For an address with no passenger account the same message is
/// composed and dropped, so both answers cost the same; `true` when a link was sent.
pub fn send_sign_in_link(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    address: &str,
    next: &str,
    link: &NewLink,
    locale: Locale,
) -> Result<bool, DbError> {
    let message = SignInLink {
        token: link.token.clone(),
        next: next.to_string(),
        valid_minutes: minutes(SIGN_IN_TTL_MINUTES),
    };
    let account = match users::find_id_by_email(tx, address)? {
        Some(id) => Some(users::find_account(tx, id)?).filter(|a| a.role == "passenger"),
        None => None,
    };
    let Some(account) = account else {
        let nobody = Recipient::new("nobody@invalid.invalid", String::new(), locale);
        drop(
            mailer
                .compose(&nobody, &message)
                .map_err(|e| DbError::Mail(e.to_string()))?,
        );
        return Ok(false);
    };
    tokens::insert(
        tx,
        &link.digest,
        account.id,
        Purpose::SignIn,
        None,
        &expiry(SIGN_IN_TTL_MINUTES),
    )?;
    mail::queue(tx, mailer, &recipient_of(&account), &message)?;
    Ok(true)
}

/// Uses up a sign-in link: the account it opens, or `None` when the link is unknown, used,
/// expired, or its account was disabled meanwhile. Following it proves the address, so an
/// account made by a claim filed while signed out is confirmed by it too.
pub fn follow_sign_in_link(tx: &Transaction<'_>, digest: &str) -> Result<Option<i64>, DbError> {
    let Some(used) = tokens::consume(tx, digest, Purpose::SignIn)? else {
        return Ok(None);
    };
    let account = users::find_account(tx, used.user_id)?;
    if users::find_id_by_email(tx, &account.email)?.is_none() {
        return Ok(None);
    }
    users::mark_verified(tx, used.user_id)?;
    Ok(Some(used.user_id))
}

/// Asks an account without a password to confirm its deletion by email.
pub fn request_deletion(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    user_id: i64,
    link: &NewLink,
) -> Result<(), DbError> {
    let account = users::find_account(tx, user_id)?;
    tokens::insert(
        tx,
        &link.digest,
        user_id,
        Purpose::DeleteAccount,
        None,
        &expiry(DELETION_TTL_MINUTES),
    )?;
    mail::queue(
        tx,
        mailer,
        &recipient_of(&account),
        &AccountDeletion {
            token: link.token.clone(),
            valid_minutes: minutes(DELETION_TTL_MINUTES),
        },
    )
    .map(|_| ())
}

/// Deletes the account whose deletion link this is ([`super::accounts::delete_account`]'s
/// rules); `None` when the link is not valid.
pub fn confirm_deletion(
    tx: &Transaction<'_>,
    digest: &str,
) -> Result<Option<i64>, super::accounts::DeleteError> {
    let Some(used) = tokens::consume(tx, digest, Purpose::DeleteAccount)? else {
        return Ok(None);
    };
    super::accounts::delete_account(tx, used.user_id)?;
    Ok(Some(used.user_id))
}
