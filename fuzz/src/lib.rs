//! The engine's pure modules, compiled on their own for fuzzing (no web stack).
rust_i18n::i18n!("../locales", fallback = "en");

#[path = "../../src/refdata/mod.rs"]
pub mod refdata;

#[path = "../../src/domain/mod.rs"]
pub mod domain;
