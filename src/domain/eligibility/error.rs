//! Request errors: everything that makes a request unanswerable (HTTP 400 in the web layer,
//! exit code 2 in the CLI). Business outcomes such as "not eligible" are never errors.

use std::borrow::Cow;
use std::fmt;

/// A rejected request: a stable machine `code`, the JSON path of the offending `field`
/// (e.g. `legs[0].from_iata`), and a translation key with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// Stable error code, e.g. `unknown_airport`.
    pub code: &'static str,
    /// JSON path of the field at fault, empty for the whole document.
    pub field: String,
    /// rust-i18n key of the human-readable message.
    pub message_key: &'static str,
    /// Placeholder values for the message (`%{name}` in the locale files).
    pub args: Vec<(&'static str, String)>,
}

impl RequestError {
    pub(crate) fn new(
        code: &'static str,
        field: impl Into<String>,
        message_key: &'static str,
    ) -> Self {
        Self {
            code,
            field: field.into(),
            message_key,
            args: Vec::new(),
        }
    }

    pub(crate) fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// `invalid_json`: the body is not a JSON document.
    pub(crate) fn invalid_json(detail: impl Into<String>) -> Self {
        Self::new("invalid_json", "", "eligibility.error.invalid_json").arg("detail", detail)
    }

    /// `missing_field`: a field the request (or its disruption type) needs is absent.
    pub(crate) fn missing(field: impl Into<String>) -> Self {
        let field = field.into();
        Self::new(
            "missing_field",
            field.clone(),
            "eligibility.error.missing_field",
        )
        .arg("field", field)
    }

    /// `invalid_type`: the field has the wrong JSON type.
    pub(crate) fn wrong_type(field: impl Into<String>, expected: &'static str) -> Self {
        let field = field.into();
        Self::new(
            "invalid_type",
            field.clone(),
            "eligibility.error.invalid_type",
        )
        .arg("field", field)
        .arg("expected", expected)
    }

    /// `invalid_value`: the field has the right type but an unacceptable value.
    pub(crate) fn invalid_value(field: impl Into<String>, allowed: impl Into<String>) -> Self {
        let field = field.into();
        Self::new(
            "invalid_value",
            field.clone(),
            "eligibility.error.invalid_value",
        )
        .arg("field", field)
        .arg("allowed", allowed)
    }

    /// `negative_value`: a delay, notice period or price below zero.
    pub(crate) fn negative(field: impl Into<String>) -> Self {
        let field = field.into();
        Self::new(
            "negative_value",
            field.clone(),
            "eligibility.error.negative_value",
        )
        .arg("field", field)
    }

    /// The translated message, `lang` being `"fr"` or `"en"` (anything else falls back to English).
    pub fn message(&self, lang: &str) -> String {
        let template: Cow<'_, str> = rust_i18n::t!(self.message_key, locale = lang);
        let mut out = template.into_owned();
        for (name, value) in &self.args {
            out = out.replace(&format!("%{{{name}}}"), value);
        }
        out
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.code, self.message("en"))
        } else {
            write!(f, "{} at {}: {}", self.code, self.field, self.message("en"))
        }
    }
}

impl std::error::Error for RequestError {}
