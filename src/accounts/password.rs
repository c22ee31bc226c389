//! Argon2id password hashing (PHC strings with their own salt and parameters).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

/// Shortest password we accept for any account.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest: argon2 hashes anything, but a megabyte "password" is a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password was refused (an i18n key suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
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
    fn length_rules() {
        assert_eq!(check_length("short"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_length(&"x".repeat(300)),
            Err(PasswordProblem::TooLong)
        );
        assert!(check_length("twelve chars").is_ok());
    }
}
