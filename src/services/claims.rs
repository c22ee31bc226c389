//! Claim use cases. [`submit_claim`] is what `POST /claims/new/review` does once the draft is
//! complete and eligible.

use rusqlite::Transaction;

use crate::accounts::token;
use crate::db::claims::{self, ClaimPassenger, InsertError, NewClaim};
use crate::db::tokens::{self, Purpose};
use crate::db::{DbError, documents, drafts, mandates, users};
use crate::domain::money::{Currency, Money};
use crate::i18n::Locale;
use crate::mail::messages::ClaimSubmitted;
use crate::mail::{self, Mailer, Recipient};
use crate::web::account::notify;
use crate::web::account::register::VERIFY_TTL_DAYS;

/// The duplicate check's key: lower case, letters and digits only, accents folded.
pub fn name_key(first: &str, last: &str) -> String {
    format!("{first} {last}")
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'û' | 'ü' | 'ú' | 'ù' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A complete, eligible draft with a signed mandate for every passenger, ready to become a claim.
#[derive(Debug, Clone)]
pub struct SubmitClaim {
    pub draft_id: i64,
    /// The signed-in passenger; `None` for a visitor, who gets an account without password.
    pub signed_in: Option<i64>,
    /// The lead passenger's normalised address (the visitor's account, if one is made).
    pub email: String,
    /// The visitor's account name and language (unused when signed in).
    pub full_name: String,
    pub locale: String,
    /// `user_id` and `lead_name_key` are set here, from `signed_in` and the lead passenger.
    pub claim: NewClaim,
    /// Position 0 is the lead passenger.
    pub passengers: Vec<ClaimPassenger>,
    /// The compensation of all passengers together, for the confirmation email.
    pub total_cents: i64,
    /// Who gets the new claim (`FLIGHTCLAIM_AUTO_ASSIGN`).
    pub auto_assign: crate::services::assignment::AutoAssign,
}

/// A filed claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub claim_id: i64,
    pub claim_ref: String,
    /// Whether a passenger account was created for a visitor.
    pub new_account: bool,
}

/// Why a claim was not filed. Every variant leaves the database as it was when run through
/// [`crate::db::Db::transact`].
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// A live claim exists for the same flight, date and lead passenger.
    #[error("a claim for this flight and passenger exists")]
    Duplicate,
    /// A visitor used the address of an existing account: they must sign in first.
    #[error("an account exists for this address")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Files a claim in `tx`. Steps:
/// 1. a visitor's address must not belong to an account ([`SubmitError::EmailTaken`]); the
///    visitor gets a passenger account without password, inert until its address is verified;
/// 2. the claim, its passengers and its first timeline event are inserted, unless a live claim
///    for the same flight and lead passenger exists ([`SubmitError::Duplicate`]);
/// 3. a visitor's account gets its verification token and the `ClaimAccount` email, which says
///    plainly that someone filed a claim with this address and how to report it;
/// 4. the `ClaimSubmitted` email is queued in the account holder's language;
/// 5. the draft's documents and mandates move to the claim and the draft is deleted.
///
/// On `Err` the caller must roll `tx` back ([`crate::db::Db::transact`] does): step 1 may
/// already have created the account when step 2 refuses a duplicate.
pub fn submit_claim(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    input: SubmitClaim,
) -> Result<Submitted, SubmitError> {
    let user = if let Some(u) = input.signed_in {
        u
    } else {
        if users::find_login(tx, &input.email)?.is_some() {
            return Err(SubmitError::EmailTaken);
        }
        users::insert_passenger_without_password(tx, &input.email, &input.full_name, &input.locale)?
    };
    let lead_name_key = input
        .passengers
        .first()
        .map(|p| name_key(&p.first_name, &p.last_name))
        .unwrap_or_default();
    let claim = NewClaim {
        user_id: user,
        lead_name_key,
        ..input.claim
    };
    let (claim_id, claim_ref) = match claims::insert(tx, &claim, &input.passengers) {
        Ok(ok) => ok,
        Err(InsertError::Duplicate) => return Err(SubmitError::Duplicate),
        Err(InsertError::Db(e)) => return Err(e.into()),
    };
    let claim_ref = claim_ref.to_string();
    crate::services::assignment::auto_assign(tx, input.auto_assign, claim_id, &claim_ref)?;
    if input.signed_in.is_none() {
        let (verify_token, digest) = token::generate();
        let expires =
            crate::db::time_text(chrono::Utc::now() + chrono::Duration::days(VERIFY_TTL_DAYS));
        tokens::insert(tx, &digest, user, Purpose::VerifyEmail, None, &expires)?;
        notify::claim_account(tx, mailer, user, &claim_ref, &verify_token)?;
    }
    let account = users::find_account(tx, user)?;
    let to = Recipient::new(
        &account.email,
        account.name,
        Locale::from_tag(&account.locale).unwrap_or_default(),
    );
    mail::queue(
        tx,
        mailer,
        &to,
        &ClaimSubmitted {
            claim_ref: claim_ref.clone(),
            flight_number: claim.flight_number.clone(),
            flight_date: claim.flight_date.clone(),
            route: claim.route.clone(),
            amount: Money::new(input.total_cents, Currency::stored(&claim.currency)),
        },
    )?;
    documents::attach_draft_to_claim(tx, input.draft_id, claim_id)?;
    mandates::attach_draft_to_claim(tx, input.draft_id, claim_id, input.passengers.len())?;
    drafts::delete(tx, input.draft_id)?;
    Ok(Submitted {
        claim_id,
        claim_ref,
        new_account: input.signed_in.is_none(),
    })
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn name_key_folds_case_accents_and_punctuation() {
        assert_eq!(
            name_key("Hélène", "Dupont-Çava"),
            name_key("helene", "DUPONT CAVA")
        );
        assert_eq!(name_key("Marie", "Dupont"), "mariedupont");
    }
}
