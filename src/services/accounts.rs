//! Account rules shared by the passenger and staff pages (issue #12): the sign-in throttle and
//! its security log, and what a password or email change revokes and announces.

use std::net::IpAddr;
use std::time::Duration;

use rusqlite::Transaction;

use crate::accounts::throttle::{SignInThrottle, Verdict};
use crate::db::tokens::{self, Purpose};
use crate::db::{DbError, sessions};
use crate::logging::mask_email;

/// Which sign-in page an attempt came from, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Passenger,
    Staff,
}

impl Area {
    fn name(self) -> &'static str {
        match self {
            Area::Passenger => "passenger",
            Area::Staff => "staff",
        }
    }
}

/// Decides, before the password is checked, whether this attempt may go on: `Err(wait)` when
/// this client has been failing on the account and must wait (logged as a throttle); a pause
/// first when the account is past its failure ceiling (slowed, never refused).
pub async fn sign_in_gate(
    throttle: &SignInThrottle,
    area: Area,
    account: &str,
    client: IpAddr,
) -> Result<(), Duration> {
    match throttle.check(account, client) {
        Verdict::Go => Ok(()),
        Verdict::SlowDown(pause) => {
            tracing::warn!(
                event = "sign_in.slowed",
                area = area.name(),
                account = %mask_email(account),
                client = %client,
                "sign-in slowed: the account is past its failure ceiling"
            );
            tokio::time::sleep(pause).await;
            Ok(())
        }
        Verdict::Wait(wait) => {
            tracing::warn!(
                event = "sign_in.throttled",
                area = area.name(),
                account = %mask_email(account),
                client = %client,
                wait_secs = wait.as_secs_f32().ceil(),
                "sign-in refused: too many failures from this client"
            );
            Err(wait)
        }
    }
}

/// Records the outcome of a password check in the throttle and the security log.
pub fn sign_in_outcome(
    throttle: &SignInThrottle,
    area: Area,
    account: &str,
    client: IpAddr,
    success: bool,
) {
    if success {
        throttle.succeeded(account, client);
        tracing::info!(
            event = "sign_in.succeeded",
            area = area.name(),
            account = %mask_email(account),
            client = %client,
            "signed in"
        );
    } else {
        let failures = throttle.failed(account, client);
        tracing::warn!(
            event = "sign_in.failed",
            area = area.name(),
            account = %mask_email(account),
            client = %client,
            failures,
            "wrong email or password"
        );
    }
}

/// After a password change (account page or reset link), in the change's transaction: every
/// outstanding reset link and email-change link dies, and every session of the account ends
/// (the caller opens a fresh one for the browser that made the change, if any).
pub fn revoke_after_password_change(tx: &Transaction<'_>, user_id: i64) -> Result<(), DbError> {
    tokens::revoke(tx, user_id, Purpose::ResetPassword)?;
    tokens::revoke(tx, user_id, Purpose::ChangeEmail)?;
    tokens::revoke(tx, user_id, Purpose::SignIn)?;
    tokens::revoke(tx, user_id, Purpose::DeleteAccount)?;
    sessions::delete_for_user(tx, user_id)?;
    Ok(())
}

/// After an email change: reset, sign-in and deletion links sent to the old address stop
/// working.
pub fn revoke_after_email_change(tx: &Transaction<'_>, user_id: i64) -> Result<(), DbError> {
    tokens::revoke(tx, user_id, Purpose::ResetPassword)?;
    tokens::revoke(tx, user_id, Purpose::SignIn)?;
    tokens::revoke(tx, user_id, Purpose::DeleteAccount).map(|_| ())
}

/// Answers to "forgot my password" take at least this long, whether or not the address has an
/// account: the real case writes (and fsyncs) a token and an email, the other does not, and the
/// difference — a few milliseconds — would tell who has an account.
pub const FORGOT_ANSWER_FLOOR: Duration = Duration::from_millis(200);

/// Sleeps until `floor` has passed since `started` (nothing if it has already).
pub async fn answer_no_sooner_than(started: tokio::time::Instant, floor: Duration) {
    tokio::time::sleep_until(started + floor).await;
}

/// A wait as whole seconds for `Retry-After` (rounded up, at least 1).
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Why an account could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    /// A claim is still being pursued: it needs its account (mail, payout, mandate).
    #[error("the account has claims in progress")]
    ClaimsInProgress,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Deletes a passenger's account. Claims that are over are kept (the agency must keep its
/// files), so an account that has some is stripped of what identifies it instead of removed;
/// an account with a claim still in progress is not deleted (withdraw it first).
pub fn delete_account(tx: &Transaction<'_>, user_id: i64) -> Result<(), DeleteError> {
    let claims = crate::db::claims::list_for_user(tx, user_id)?;
    let in_progress = claims.iter().any(|c| {
        crate::domain::claim::ClaimStatus::parse(&c.status).is_some_and(|s| !s.is_final())
    });
    if in_progress {
        return Err(DeleteError::ClaimsInProgress);
    }
    if claims.is_empty() {
        crate::db::users::delete(tx, user_id)?;
    } else {
        crate::db::users::anonymize(tx, user_id)?;
    }
    tracing::info!(
        event = "account.deleted",
        user_id,
        kept_claims = claims.len(),
        "account deleted"
    );
    Ok(())
}
