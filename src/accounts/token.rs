//! Secret tokens for cookies and emailed links: 32 random bytes, URL-safe base64. Only their
//! SHA-256 (hex) is stored.

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// A new random token and its digest `(token, sha256_hex)`.
pub fn generate() -> (String, String) {
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let digest = digest(&token);
    (token, digest)
}

/// The stored form of a token.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether the text could be one of our tokens (43 URL-safe base64 characters), so that junk
/// is refused before touching the database.
pub fn looks_valid(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_and_digests_stable() {
        let (a, da) = super::generate();
        let (b, _) = super::generate();
        assert_ne!(a, b);
        assert!(super::looks_valid(&a));
        assert_eq!(super::digest(&a), da);
        assert!(!super::looks_valid("../../etc/passwd"));
    }
}
