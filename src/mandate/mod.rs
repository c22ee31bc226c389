//! The mandate (power of attorney) the passenger signs so the agency can claim for them.
//!
//! * [`text`]: the text in the passenger's locale from `locales/mandate.*.yml`
//!   ([`render_mandate`]);
//! * [`sign`]: typed-name + consent signature bound to the SHA-256 of that exact text;
//! * [`pdf`]: the signed mandate as a downloadable PDF.
//!
//! Pure library code: no routes, no SQL. The claim wizard stores the rendered text and the
//! [`Signature`] fields, and renders the PDF on demand from them.

pub mod pdf;
pub mod sign;
pub mod text;

pub use pdf::mandate_pdf;
pub use sign::{SignError, Signature, names_match, sign, text_sha256};
pub use text::{MandateContext, render_mandate};
