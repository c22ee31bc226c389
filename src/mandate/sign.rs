//! Signing the mandate: typed full name + explicit consent, bound to the exact text by SHA-256.
//!
//! This is a simple electronic signature (eIDAS art. 3(10)): its evidential value comes from the
//! record — who typed what, when, from where, over which text — so the wizard must store every
//! field of [`Signature`] together with the signed text itself.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

/// Longest `User-Agent` kept; browsers send ~150 bytes, anything longer is noise or an attack.
pub const MAX_USER_AGENT_CHARS: usize = 512;

/// The record of one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// The full name as typed by the signer (trimmed).
    pub signer_name: String,
    /// Always `true` in a built `Signature` (a refused consent never becomes one); kept so the
    /// stored record says it explicitly.
    pub consent: bool,
    pub signed_at: DateTime<Utc>,
    pub ip: IpAddr,
    pub user_agent: String,
    /// Lowercase hex SHA-256 of the exact UTF-8 text shown and signed.
    pub text_sha256: String,
}

/// Why a signature was refused; each maps to a message for the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("consent box not ticked")]
    ConsentRequired,
    #[error("typed name does not match the passenger's name")]
    NameMismatch,
}

impl SignError {
    /// Translation key of the form message (`mandate.error.name_mismatch` takes `%{expected}`,
    /// the passenger's name as on the claim).
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::ConsentRequired => "mandate.error.consent_required",
            Self::NameMismatch => "mandate.error.name_mismatch",
        }
    }
}

/// Signs `text` now. Refuses when `consent` is false or `typed_name` is not `expected_name`
/// (compared ignoring case, accents, spaces, hyphens and apostrophes: see [`names_match`]).
pub fn sign(
    text: &str,
    typed_name: &str,
    consent: bool,
    expected_name: &str,
    ip: IpAddr,
    user_agent: &str,
) -> Result<Signature, SignError> {
    sign_at(
        text,
        typed_name,
        consent,
        expected_name,
        ip,
        user_agent,
        Utc::now(),
    )
}

/// [`sign`] with an explicit time (for tests and for replaying a record).
pub fn sign_at(
    text: &str,
    typed_name: &str,
    consent: bool,
    expected_name: &str,
    ip: IpAddr,
    user_agent: &str,
    signed_at: DateTime<Utc>,
) -> Result<Signature, SignError> {
    if !consent {
        return Err(SignError::ConsentRequired);
    }
    if !names_match(typed_name, expected_name) {
        return Err(SignError::NameMismatch);
    }
    Ok(Signature {
        signer_name: typed_name.trim().to_owned(),
        consent,
        signed_at,
        ip,
        user_agent: user_agent.chars().take(MAX_USER_AGENT_CHARS).collect(),
        text_sha256: text_sha256(text),
    })
}

/// SHA-256 (lowercase hex) of the text, to compare a stored text with its signature.
pub fn text_sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Whether two names are the same person's name as typed: case, accents (`é` = `e`), spaces,
/// hyphens, apostrophes and dots do not count. An empty name matches nothing.
pub fn names_match(typed: &str, expected: &str) -> bool {
    let a = normalize_name(typed);
    !a.is_empty() && a == normalize_name(expected)
}

fn normalize_name(name: &str) -> String {
    deunicode::deunicode(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7));

    #[test]
    fn name_matching_table() {
        let cases = [
            ("Élodie Ménard", "Élodie Ménard", true),
            ("elodie menard", "Élodie Ménard", true),
            ("  ELODIE   MÉNARD ", "Élodie Ménard", true),
            ("ElodieMenard", "Élodie Ménard", true),
            ("Jean-Pierre O'Neil", "jean pierre oneil", true),
            ("Élodie", "Élodie Ménard", false),
            ("Élodie Ménard-Dupont", "Élodie Ménard", false),
            ("", "Élodie Ménard", false),
            ("   ", "", false),
            ("Menard Elodie", "Élodie Ménard", false),
        ];
        for (typed, expected, ok) in cases {
            assert_eq!(
                names_match(typed, expected),
                ok,
                "{typed:?} vs {expected:?}"
            );
        }
    }

    #[test]
    fn signature_records_the_text_hash() {
        let at = DateTime::parse_from_rfc3339("2026-03-20T10:15:00Z")
            .unwrap()
            .to_utc();
        let sig = sign_at(
            "le texte",
            " élodie ménard ",
            true,
            "Élodie Ménard",
            IP,
            "Firefox",
            at,
        )
        .unwrap();
        assert_eq!(sig.signer_name, "élodie ménard");
        assert!(sig.consent);
        assert_eq!(sig.signed_at, at);
        assert_eq!(sig.ip, IP);
        assert_eq!(sig.user_agent, "Firefox");
        assert_eq!(sig.text_sha256, text_sha256("le texte"));
        assert_eq!(sig.text_sha256.len(), 64);
        assert_ne!(sig.text_sha256, text_sha256("le texte modifié"));
    }

    #[test]
    fn refusals() {
        assert_eq!(
            sign("t", "Élodie Ménard", false, "Élodie Ménard", IP, "ua"),
            Err(SignError::ConsentRequired)
        );
        assert_eq!(
            sign("t", "Someone Else", true, "Élodie Ménard", IP, "ua"),
            Err(SignError::NameMismatch)
        );
        assert_eq!(
            SignError::NameMismatch.i18n_key(),
            "mandate.error.name_mismatch"
        );
    }

    #[test]
    fn long_user_agent_is_truncated() {
        let ua = "x".repeat(10_000);
        let sig = sign("t", "A B", true, "a b", IP, &ua).unwrap();
        assert_eq!(sig.user_agent.len(), MAX_USER_AGENT_CHARS);
    }
}
