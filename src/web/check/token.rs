//! The check token: a finished check as a compact, URL-safe string, so that the answer page is
//! a plain GET (`/check/result?r=TOKEN`, bookmarkable, post/redirect/get) and the claim wizard
//! can start from it (`/claims/new?from_check=TOKEN`).
//!
//! Format: `base64url(deflate(JSON))` without padding, the JSON being the contract's request
//! (`docs/eligibility-api.md`). Nothing is stored on the server and nothing is signed: the
//! token only holds what the passenger typed, and every reader decodes it with the engine's
//! strict parser (`parse_request`), exactly as if it came from the public API. A CDG→JFK delay
//! is about 300 characters.

use std::io::{Read as _, Write as _};

use base64::Engine as _;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::domain::eligibility::{EligibilityRequest, parse_request};

/// Longest token accepted (a 4-flight check is well under this).
pub const MAX_TOKEN_CHARS: usize = 4096;
/// Largest inflated JSON accepted (a deflate bomb stops here).
pub const MAX_JSON_BYTES: u64 = 64 * 1024;

/// Encodes a request as a token.
pub fn encode(req: &EligibilityRequest) -> String {
    let json = serde_json::to_vec(req).unwrap_or_default();
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(&json);
    let bytes = enc.finish().unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a token into a validated request; `None` for anything that is not one.
pub fn decode(token: &str) -> Option<EligibilityRequest> {
    let token = token.trim();
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let mut json = Vec::new();
    DeflateDecoder::new(bytes.as_slice())
        .take(MAX_JSON_BYTES + 1)
        .read_to_end(&mut json)
        .ok()?;
    if json.len() as u64 > MAX_JSON_BYTES {
        return None;
    }
    parse_request(&json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let json = br#"{"legs":[{"flight_number":"AF6","from_iata":"CDG","to_iata":"JFK",
            "scheduled_departure_local":"2025-05-14T10:30","scheduled_arrival_local":"2025-05-14T12:55"}],
            "disruption":{"type":"delay","arrival_delay_minutes":240,"reason":null}}"#;
        let req = parse_request(json).unwrap();
        let token = encode(&req);
        assert!(token.len() < 400, "{}", token.len());
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode(&token), Some(req));
        for bad in ["", "!!!", "AAAA", &"A".repeat(MAX_TOKEN_CHARS + 1)] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
