//! Form re-rendering: the values typed (never passwords) and a translated message per field.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::i18n;

/// What a form page needs to show after a failed submission.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FormState {
    /// Typed values by field name, echoed back (escaped by the template).
    pub values: BTreeMap<&'static str, String>,
    /// Translated error messages by field name; empty when valid.
    pub errors: BTreeMap<&'static str, String>,
}

impl FormState {
    pub fn with_values(values: &[(&'static str, &str)]) -> FormState {
        FormState {
            values: values.iter().map(|(k, v)| (*k, (*v).to_string())).collect(),
            errors: BTreeMap::new(),
        }
    }

    /// Records the first error of a field.
    pub fn error(&mut self, field: &'static str, locale: &str, key: &str) {
        self.errors
            .entry(field)
            .or_insert_with(|| i18n::translate(locale, key, &[]));
    }

    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A `next` target after sign-in: only local paths, never another site (`//evil`, `/\\evil`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(['\r', '\n']) =>
        {
            n.to_string()
        }
        _ => "/account".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_site() {
        for (input, want) in [
            (Some("/claims/FC-123"), "/claims/FC-123"),
            (Some("//evil.example"), "/account"),
            (Some("/\\evil.example"), "/account"),
            (Some("https://evil.example"), "/account"),
            (Some("/x\r\nSet-Cookie: a=b"), "/account"),
            (None, "/account"),
        ] {
            assert_eq!(super::safe_next(input), want);
        }
    }
}
