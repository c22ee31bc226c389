//! The engine's pure modules, compiled on their own for fuzzing (no web stack).
rust_i18n::i18n!("../locales", fallback = "en");

#[path = "../../src/refdata/mod.rs"]
pub mod refdata;

#[path = "../../src/domain/mod.rs"]
pub mod domain;

/// The one thing the domain takes from `src/i18n.rs` (which needs Rocket): the locale type.
pub mod i18n {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Locale(pub &'static str);

    impl Locale {
        pub fn as_str(self) -> &'static str {
            self.0
        }
    }
}
