//! Encryption at rest of the few values the database must keep but nobody may read: the
//! one-time links inside queued emails and staff TOTP secrets.
//!
//! A [`Sealer`] holds an AES-256-GCM key derived with HKDF-SHA256 from the instance's secret key
//! and a purpose label, so a value sealed for one purpose never opens for another and the
//! cookie key itself is never used for anything else. A sealed value is text:
//! `v1:` + base64(nonce ‖ ciphertext ‖ tag), with a random 96-bit nonce per value.
//!
//! Rotating the secret key: with the former key in `secret_key_previous`, sealed values still
//! open and are sealed again under the new key at start-up ([`Sealer::reseal`]), after which
//! the former key can be removed. Without it, sealed values become unreadable: queued one-time
//! links go out with the link missing (the recipient asks again) and staff with a second factor
//! cannot pass it (docs/RUNBOOK.md says how to rotate).

use aes_gcm::aead::{Aead as _, KeyInit as _};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use hkdf::Hkdf;
use sha2::Sha256;

use crate::config::{Secret, decode_secret_key};

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

/// What a sealed value is for; part of the key derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// One-time links kept out of stored email bodies.
    MailSecrets,
    /// Staff TOTP shared secrets.
    TotpSecret,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::MailSecrets => b"flightclaim mail secrets v1",
            Purpose::TotpSecret => b"flightclaim totp secret v1",
        }
    }
}

/// The sealers the web application needs, derived once at start-up (managed state).
#[derive(Debug, Clone)]
pub struct Sealers {
    pub totp: Sealer,
}

impl Sealers {
    pub fn new(secret_key: &Secret, previous: Option<&Secret>) -> Sealers {
        Sealers {
            totp: Sealer::rotating(secret_key, previous, Purpose::TotpSecret),
        }
    }
}

/// Seals and opens values for one [`Purpose`].
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    /// The former key's cipher during a rotation: opens, never seals.
    previous: Option<Aes256Gcm>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// The sealer for `purpose` under `secret_key` (the base64 key of the configuration or the
    /// data directory). A key that does not decode is still usable: its text is the input key
    /// material (configuration validation refuses such keys before this is reached).
    pub fn new(secret_key: &Secret, purpose: Purpose) -> Sealer {
        Sealer::rotating(secret_key, None, purpose)
    }

    /// The sealer for `purpose` under `secret_key` that also opens values sealed under
    /// `previous` (a key rotation in progress).
    pub fn rotating(secret_key: &Secret, previous: Option<&Secret>, purpose: Purpose) -> Sealer {
        Sealer {
            cipher: cipher_for(secret_key, purpose),
            previous: previous.map(|p| cipher_for(p, purpose)),
        }
    }

    /// The value sealed again under the current key when only the former key opens it;
    /// `None` when it needs nothing (already current) or cannot be opened at all.
    pub fn reseal(&self, sealed: &str) -> Option<String> {
        let previous = self.previous.as_ref()?;
        if open_with(&self.cipher, sealed).is_some() {
            return None;
        }
        open_with(previous, sealed).map(|plain| self.seal(&plain))
    }

    /// Encrypts `plain` with a fresh nonce.
    pub fn seal(&self, plain: &[u8]) -> String {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let nonce = Nonce::from(nonce_bytes);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
        )
    }

    /// Decrypts a value made by [`Sealer::seal`] with the same key and purpose; `None` when it
    /// was made with another key, another purpose, or was altered.
    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        open_with(&self.cipher, sealed).or_else(|| open_with(self.previous.as_ref()?, sealed))
    }

    /// Whether `text` looks like a sealed value (and not a value stored in clear by an older
    /// version).
    pub fn is_sealed(text: &str) -> bool {
        text.starts_with(PREFIX)
    }
}

fn cipher_for(secret_key: &Secret, purpose: Purpose) -> Aes256Gcm {
    let ikm = decode_secret_key(secret_key.expose())
        .unwrap_or_else(|| secret_key.expose().as_bytes().to_vec());
    let hk = Hkdf::<Sha256>::new(Some(b"flightclaim"), &ikm);
    let mut key = [0u8; 32];
    hk.expand(purpose.label(), &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Aes256Gcm::new(&key.into())
}

fn open_with(cipher: &Aes256Gcm, sealed: &str) -> Option<Vec<u8>> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(sealed.strip_prefix(PREFIX)?)
        .ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::from(<[u8; NONCE_LEN]>::try_from(nonce).ok()?);
    cipher.decrypt(&nonce, body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Secret {
        Secret::new(base64::engine::general_purpose::STANDARD.encode([byte; 64]))
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_purpose() {
        let sealer = Sealer::new(&key(1), Purpose::MailSecrets);
        let locked = sealer.seal(b"reset-token-abc");
        assert!(Sealer::is_sealed(&locked));
        assert!(!locked.contains("reset-token-abc"));
        assert_eq!(sealer.open(&locked).unwrap(), b"reset-token-abc");
        assert!(
            Sealer::new(&key(2), Purpose::MailSecrets)
                .open(&locked)
                .is_none()
        );
        assert!(
            Sealer::new(&key(1), Purpose::TotpSecret)
                .open(&locked)
                .is_none()
        );
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce_and_tampering_is_detected() {
        let sealer = Sealer::new(&key(3), Purpose::TotpSecret);
        let (a, b) = (sealer.seal(b"same"), sealer.seal(b"same"));
        assert_ne!(a, b);
        let mut tampered = a.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(sealer.open(&String::from_utf8(tampered).unwrap()).is_none());
        for junk in ["", "v1:", "v1:!!", "v1:AAAA", "plain"] {
            assert!(sealer.open(junk).is_none(), "{junk}");
        }
    }

    #[test]
    fn a_rotation_opens_old_values_and_reseals_them_under_the_new_key() {
        let old = Sealer::new(&key(1), Purpose::TotpSecret);
        let sealed_before = old.seal(b"JBSWY3DP");
        let rotating = Sealer::rotating(&key(2), Some(&key(1)), Purpose::TotpSecret);
        assert_eq!(
            rotating.open(&sealed_before).as_deref(),
            Some(&b"JBSWY3DP"[..])
        );
        let resealed = rotating.reseal(&sealed_before).expect("needs resealing");
        let new_only = Sealer::new(&key(2), Purpose::TotpSecret);
        assert_eq!(new_only.open(&resealed).as_deref(), Some(&b"JBSWY3DP"[..]));
        assert!(
            new_only.open(&sealed_before).is_none(),
            "the old key is gone"
        );
        assert!(rotating.reseal(&resealed).is_none(), "already current");
        assert!(
            new_only.reseal(&sealed_before).is_none(),
            "no former key given"
        );
        let other_purpose = Sealer::rotating(&key(2), Some(&key(1)), Purpose::MailSecrets);
        assert!(other_purpose.open(&sealed_before).is_none());
    }
}
