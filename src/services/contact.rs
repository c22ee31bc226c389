//! The contact page (issue #19): anyone — a passenger, someone who received an email about a
//! claim they did not file — writes to the team; the message goes to every agent and admin
//! through the outbox, so it survives an SMTP outage like every other mail.

use rusqlite::Transaction;

use crate::accounts::email;
use crate::db::{DbError, users};
use crate::i18n::Locale;
use crate::mail::messages::ContactMessage;
use crate::mail::{self, Mailer, Recipient};

/// Longest message, in characters.
pub const MAX_CHARS: usize = 5000;
const MAX_NAME_CHARS: usize = 100;
const MAX_REF_CHARS: usize = 20;

/// What was typed in the form.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub claim_ref: String,
    pub body: String,
}

/// The fields that are wrong: `(field, translation key)`.
pub fn validate(form: &ContactForm) -> Result<ContactMessage, Vec<(&'static str, &'static str)>> {
    let mut problems = Vec::new();
    let name = form.name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        problems.push(("contact-name", "contact.error.name"));
    }
    let address = email::normalize(&form.email);
    if address.is_none() {
        problems.push(("contact-email", "account.error.email_invalid"));
    }
    let claim_ref = form.claim_ref.trim();
    if claim_ref.chars().count() > MAX_REF_CHARS
        || claim_ref
            .chars()
            .any(|c| !c.is_ascii_alphanumeric() && c != '-')
    {
        problems.push(("contact-ref", "contact.error.reference"));
    }
    let body = form.body.replace("\r\n", "\n").trim().to_string();
    if body.is_empty() {
        problems.push(("contact-body", "contact.error.empty"));
    } else if body.chars().count() > MAX_CHARS {
        problems.push(("contact-body", "contact.error.too_long"));
    }
    match address {
        Some(sender_email) if problems.is_empty() => Ok(ContactMessage {
            sender_name: name.to_string(),
            sender_email,
            claim_ref: claim_ref.to_ascii_uppercase(),
            body,
        }),
        _ => Err(problems),
    }
}

/// Queues the message to every agent and admin; returns how many will receive it.
pub fn send(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    message: &ContactMessage,
) -> Result<usize, DbError> {
    let staff = users::list_staff(tx)?;
    for member in &staff {
        let to = Recipient::new(
            &member.email,
            member.name.clone(),
            Locale::from_tag(&member.locale).unwrap_or_default(),
        );
        mail::queue(tx, mailer, &to, message)?;
    }
    tracing::info!(
        event = "contact.received",
        recipients = staff.len(),
        "contact message queued"
    );
    Ok(staff.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, email: &str, claim_ref: &str, body: &str) -> ContactForm {
        ContactForm {
            name: name.into(),
            email: email.into(),
            claim_ref: claim_ref.into(),
            body: body.into(),
        }
    }

    #[test]
    fn contact_forms_are_checked() {
        let ok = validate(&form(" Zoë ", "Zoe@Example.com", "fc-7k3m9q", " Hello\r\n")).unwrap();
        assert_eq!(ok.sender_name, "Zoë");
        assert_eq!(ok.claim_ref, "FC-7K3M9Q");
        assert_eq!(ok.body, "Hello");
        let bad = validate(&form("", "nope", "<script>", "")).unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "contact-name",
                "contact-email",
                "contact-ref",
                "contact-body"
            ]
        );
        assert!(validate(&form("A", "a@example.com", "", &"x".repeat(MAX_CHARS + 1))).is_err());
    }
}
