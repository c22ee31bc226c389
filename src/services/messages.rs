//! The conversation on a claim (issue #19): the passenger writes to the team from the claim
//! page; the claim's assignee — or every agent when nobody is assigned — is emailed; the
//! message waits as "unanswered" until the team writes to the claim.

use rusqlite::Transaction;

use crate::db::{DbError, audit, messages};
use crate::i18n::Locale;
use crate::mail::messages::PassengerMessage;
use crate::mail::{self, Mailer, Recipient};

/// Longest message a passenger may send, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5000;

/// Why a message was refused.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is too long")]
    TooLong,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A passenger's message, as typed.
pub struct NewMessage<'a> {
    pub claim_id: i64,
    pub claim_ref: &'a str,
    pub author_id: i64,
    pub author_email: &'a str,
    pub passenger_name: &'a str,
    pub body: &'a str,
}

/// The message's text as stored: line endings normalized, outer blank space trimmed.
pub fn clean(body: &str) -> Result<String, MessageError> {
    let text = body.replace("\r\n", "\n").trim().to_string();
    if text.is_empty() {
        return Err(MessageError::Empty);
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(MessageError::TooLong);
    }
    Ok(text)
}

/// Stores the message, audits it and emails the team.
pub fn post_passenger_message(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    new: &NewMessage<'_>,
) -> Result<(), MessageError> {
    let body = clean(new.body)?;
    messages::add_passenger_message(tx, new.claim_id, new.author_id, &body)?;
    audit::record(
        tx,
        Some(new.author_id),
        new.author_email,
        "claim.passenger_message",
        &format!("claim:{}", new.claim_ref),
        None,
        None,
    )?;
    for (email, name, locale) in messages::message_recipients(tx, new.claim_id)? {
        let to = Recipient::new(&email, name, Locale::from_tag(&locale).unwrap_or_default());
        mail::queue(
            tx,
            mailer,
            &to,
            &PassengerMessage {
                claim_ref: new.claim_ref.to_string(),
                passenger_name: new.passenger_name.to_string(),
                body: body.clone(),
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert!(matches!(clean("  \r\n "), Err(MessageError::Empty)));
        assert_eq!(clean(" Bonjour,\r\nmerci \n").unwrap(), "Bonjour,\nmerci");
        assert!(clean(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert!(matches!(
            clean(&"é".repeat(MAX_MESSAGE_CHARS + 1)),
            Err(MessageError::TooLong)
        ));
    }
}
