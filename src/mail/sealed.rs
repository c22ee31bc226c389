//! One-time links never sit in a stored email body.
//!
//! Staff can read the outbox, and the outbox ships to the replica: a password-reset,
//! verification or invitation link stored there would let whoever reads it take the account
//! over. So when a message is composed, each secret its [`Email::secrets`] names is replaced in
//! the subject and bodies by a marker (`[hidden-link-1]`), and the secrets are sealed
//! (`crypto::Purpose::MailSecrets`) into the row's `secrets` column. The worker reveals them
//! just before it hands the message to SMTP (or writes the development `.eml` copy), and the
//! column is cleared once the message is sent: from then on only the recipient's copy has the
//! link. Re-sending a failed message sends it to its recipient; no page ever shows a secret.
//!
//! [`Email::secrets`]: super::messages::Email::secrets

use crate::crypto::Sealer;
use crate::db::outbox::{self, OutboxRow, Status};
use crate::db::{Db, DbError};

use super::render::Rendered;

/// The text that stands for the `n`-th secret (from 1) in a stored message.
pub fn marker(n: usize) -> String {
    format!("[hidden-link-{n}]")
}

/// Takes `secrets` out of `rendered` (replacing them with markers) and returns them sealed, or
/// `None` when there are none.
pub fn seal(rendered: &mut Rendered, secrets: &[String], sealer: &Sealer) -> Option<String> {
    let secrets: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    if secrets.is_empty() {
        return None;
    }
    for (i, secret) in secrets.iter().enumerate() {
        let mark = marker(i + 1);
        for part in [
            &mut rendered.subject,
            &mut rendered.text,
            &mut rendered.html,
        ] {
            *part = part.replace(secret.as_str(), &mark);
        }
    }
    let json = serde_json::to_vec(&secrets).expect("a list of strings serializes");
    Some(sealer.seal(&json))
}

/// The row as it must be sent: markers replaced by the secrets. A row whose secrets cannot be
/// opened (the secret key changed) keeps its markers: the recipient gets a message without a
/// working link and asks for a new one, which is better than no message.
pub fn reveal(row: &OutboxRow, sealer: &Sealer) -> OutboxRow {
    let mut row = row.clone();
    let Some(locked) = row.secrets.take() else {
        return row;
    };
    let stored = Rendered {
        subject: std::mem::take(&mut row.subject),
        text: std::mem::take(&mut row.body_text),
        html: std::mem::take(&mut row.body_html),
    };
    let sent = reveal_rendered(stored, &locked, sealer).unwrap_or_else(|stored| {
        tracing::warn!(
            id = row.id,
            "outbox: the message's one-time link cannot be opened (was the secret key changed?); it is sent without it"
        );
        stored
    });
    row.subject = sent.subject;
    row.body_text = sent.text;
    row.body_html = sent.html;
    row
}

/// `stored` with its markers replaced by the secrets sealed in `locked`; `Err(stored)` as it
/// was when they cannot be opened.
pub fn reveal_rendered(
    mut stored: Rendered,
    locked: &str,
    sealer: &Sealer,
) -> Result<Rendered, Rendered> {
    let secrets: Option<Vec<String>> = sealer
        .open(locked)
        .and_then(|json| serde_json::from_slice(&json).ok());
    let Some(secrets) = secrets else {
        return Err(stored);
    };
    // Highest first, so that `[hidden-link-1]` is not replaced inside `[hidden-link-10]`.
    for (i, secret) in secrets.iter().enumerate().rev() {
        let mark = marker(i + 1);
        for part in [&mut stored.subject, &mut stored.text, &mut stored.html] {
            *part = part.replace(&mark, secret);
        }
    }
    Ok(stored)
}

/// The kinds of message whose main link is a one-time secret, with the path that precedes it.
/// Used only for rows stored by versions that did not seal links.
const LEGACY_SECRET_LINKS: &[(&str, &str)] = &[
    ("password_reset", "/password/reset/"),
    ("email_verification", "/verify-email/"),
    ("staff_invitation", "/admin/invitation/"),
];

/// The tokens found after `prefix` in `text` (URL-safe characters), without repeats.
fn tokens_after(text: &str, prefix: &str, found: &mut Vec<String>) {
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let after = &rest[at + prefix.len()..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '%'))
            .unwrap_or(after.len());
        let token = &after[..len];
        if !token.is_empty() && !found.iter().any(|t| t == token) {
            found.push(token.to_string());
        }
        rest = &after[len..];
    }
}

/// Seals the one-time links of messages stored by older versions (run at start-up; a no-op
/// once done). Messages already sent keep no secret at all.
pub fn seal_legacy_rows(db: &Db, sealer: &Sealer) -> Result<usize, DbError> {
    let kinds: Vec<&str> = LEGACY_SECRET_LINKS.iter().map(|(k, _)| *k).collect();
    db.write_blocking(|tx| {
        let rows = outbox::list_unsealed(tx, &kinds)?;
        let mut changed = 0;
        for (id, status, parts) in rows {
            let mut found = Vec::new();
            for (_, prefix) in LEGACY_SECRET_LINKS {
                for part in &parts {
                    tokens_after(part, prefix, &mut found);
                }
            }
            if found.is_empty() {
                continue;
            }
            let [subject, text, html] = parts;
            let mut rendered = Rendered {
                subject,
                text,
                html,
            };
            let locked = seal(&mut rendered, &found, sealer);
            let keep = (status != Status::Sent).then_some(locked).flatten();
            outbox::replace_bodies(
                tx,
                id,
                &[rendered.subject, rendered.text, rendered.html],
                keep.as_deref(),
            )?;
            changed += 1;
        }
        Ok(changed)
    })
}

/// See [`super::Mailer::reseal_rotated_rows`].
pub fn reseal_rotated_rows(db: &Db, sealer: &Sealer) -> Result<usize, DbError> {
    db.write_blocking(|tx| {
        let mut count = 0;
        for (id, locked) in outbox::sealed_secrets(tx)? {
            if let Some(resealed) = sealer.reseal(&locked) {
                outbox::set_secrets(tx, id, &resealed)?;
                count += 1;
            }
        }
        Ok(count)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::crypto::Purpose;

    fn sealer() -> Sealer {
        Sealer::new(&Secret::new("A".repeat(86) + "=="), Purpose::MailSecrets)
    }

    fn row(rendered: &Rendered, secrets: Option<String>) -> OutboxRow {
        OutboxRow {
            id: 1,
            message_id: "<m@x>".into(),
            kind: "password_reset".into(),
            to_addr: "a@example.com".into(),
            to_name: String::new(),
            locale: "fr".into(),
            subject: rendered.subject.clone(),
            body_text: rendered.text.clone(),
            body_html: rendered.html.clone(),
            auto_submitted: true,
            status: Status::Queued,
            attempts: 0,
            next_attempt_at: String::new(),
            last_error: None,
            eml_path: None,
            created_at: String::new(),
            updated_at: String::new(),
            sent_at: None,
            secrets,
        }
    }

    #[test]
    fn secrets_leave_the_stored_bodies_and_come_back_for_sending() {
        let token = "Zx9_tok-EN";
        let original = Rendered {
            subject: "Reset".into(),
            text: format!("Open https://x/password/reset/{token} now"),
            html: format!(
                "<a href=\"https://x/password/reset/{token}\">https://x/password/reset/{token}</a>"
            ),
        };
        let mut stored = original.clone();
        let sealed = seal(&mut stored, &[token.to_string()], &sealer()).unwrap();
        assert!(!stored.text.contains(token) && !stored.html.contains(token));
        assert!(!sealed.contains(token));
        assert!(stored.text.contains("[hidden-link-1]"));
        let sent = reveal(&row(&stored, Some(sealed)), &sealer());
        assert_eq!(sent.body_text, original.text);
        assert_eq!(sent.body_html, original.html);
    }

    #[test]
    fn a_message_without_secrets_is_untouched_and_a_foreign_seal_keeps_markers() {
        let mut plain = Rendered {
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
        };
        assert!(seal(&mut plain, &[], &sealer()).is_none());
        let mut stored = Rendered {
            subject: "s".into(),
            text: "go /verify-email/abc".into(),
            html: "h".into(),
        };
        let other = Sealer::new(&Secret::new("B".repeat(86) + "=="), Purpose::MailSecrets);
        let sealed = seal(&mut stored, &["abc".into()], &other).unwrap();
        let sent = reveal(&row(&stored, Some(sealed)), &sealer());
        assert_eq!(sent.body_text, "go /verify-email/[hidden-link-1]");
    }

    #[test]
    fn legacy_tokens_are_found_after_their_paths() {
        let mut found = Vec::new();
        tokens_after(
            "a /password/reset/AbC-_9 b /password/reset/AbC-_9. c /password/reset/",
            "/password/reset/",
            &mut found,
        );
        assert_eq!(found, vec!["AbC-_9".to_string()]);
    }
}
