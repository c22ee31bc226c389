//! Argon2id password hashing (PHC strings with their own salt and parameters).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

/// Shortest password we accept for a staff account (`create-admin`).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Shortest password a passenger may choose; strength is judged by zxcvbn on top.
pub const MIN_PASSENGER_PASSWORD_CHARS: usize = 10;
/// Lowest zxcvbn score accepted (0–4; 3 = "safely unguessable: moderate protection from
/// offline slow-hash scenario").
pub const MIN_STRENGTH_SCORE: u8 = 3;
/// Longest: argon2 hashes anything, but a megabyte "password" is a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password was refused (an i18n key suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// Common, guessable, or built from the user's own name or email.
    TooWeak,
}

impl PasswordProblem {
    /// The translation key of the message shown next to the field.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "account.password.error.too_short",
            PasswordProblem::TooLong => "account.password.error.too_long",
            PasswordProblem::TooWeak => "account.password.error.too_weak",
        }
    }
}

/// A passenger's new password: long enough and not guessable (zxcvbn, which knows common
/// passwords, keyboard patterns, dates and the user's own `context` words).
pub fn check_strength(password: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < MIN_PASSENGER_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    // The user's own words count whole and in pieces: `mariedupont` is built from
    // "Marie Dupont" even though neither input appears in it as typed.
    let mut words: Vec<String> = Vec::new();
    for input in context {
        let lower = input.to_lowercase();
        words.extend(
            lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 3)
                .map(str::to_string),
        );
        words.push(lower);
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let score = u8::from(zxcvbn::zxcvbn(password, &words).score());
    if score < MIN_STRENGTH_SCORE {
        Err(PasswordProblem::TooWeak)
    } else {
        Ok(())
    }
}

pub fn check_length(password: &str) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(PasswordProblem::TooShort)
    } else if n > MAX_PASSWORD_CHARS {
        Err(PasswordProblem::TooLong)
    } else {
        Ok(())
    }
}

/// Hashes with Argon2id and the crate's recommended parameters (OWASP: m=19 MiB, t=2, p=1).
pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Constant-time verification against a stored PHC string; a malformed hash never verifies.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery staple", &h));
        assert!(!verify("correct horse battery stapl", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn strength_refuses_common_and_personal_passwords() {
        for weak in [
            "password123",
            "azertyuiop",
            "1234567890",
            "motdepasse1",
            "mariedupont",
        ] {
            assert!(
                check_strength(weak, &["marie.dupont@example.com", "Marie Dupont"]).is_err(),
                "{weak}"
            );
        }
        assert_eq!(check_strength("short", &[]), Err(PasswordProblem::TooShort));
        assert!(check_strength("violet tandem orbit 93 caramel", &[]).is_ok());
    }

    #[test]
    fn length_rules() {
        assert_eq!(check_length("short"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_length(&"x".repeat(300)),
            Err(PasswordProblem::TooLong)
        );
        assert!(check_length("twelve chars").is_ok());
    }
}
