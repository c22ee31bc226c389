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

/// A `next` target after sign-in, for the passenger site: a local path, else `/account`.
pub fn safe_next(next: Option<&str>) -> String {
    local_next(next, "/", "/account")
}

/// The one rule for `next` targets after a sign-in (passenger and staff): a local path under
/// `area` (`/` or `/admin`), never another site (`//evil`, `/\\evil`, no `//` at all), and only visible ASCII, so
/// that the redirect is always a valid URI: a tab, a space, a NUL or a non-ASCII character used
/// to make the redirect fail with a 500 *after* the session had started. Anything else gives
/// `default`.
pub fn local_next(next: Option<&str>, area: &str, default: &str) -> String {
    let Some(n) = next else {
        return default.to_string();
    };
    let in_area = n == area
        || (n.starts_with(area)
            && (area.ends_with('/') || n[area.len()..].starts_with(['/', '?', '#'])));
    let visible_ascii = n.bytes().all(|b| b.is_ascii_graphic());
    let acceptable = in_area
        && visible_ascii
        && n.starts_with('/')
        && !n.contains("//")
        && !n.contains('\\')
        && !n.contains("/..")
        && rocket::http::uri::Origin::parse(n).is_ok();
    if acceptable {
        n.to_string()
    } else {
        default.to_string()
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
            (Some("/faq\tx"), "/account"),
            (Some("/faq x"), "/account"),
            (Some("/faq\0"), "/account"),
            (Some("/café"), "/account"),
            (Some("/faq?q=1"), "/faq?q=1"),
            (None, "/account"),
        ] {
            assert_eq!(super::safe_next(input), want, "{input:?}");
        }
    }

    #[test]
    fn staff_next_stays_in_the_dashboard() {
        let admin = |n| super::local_next(Some(n), "/admin", "/admin");
        assert_eq!(admin("/admin/claims?q=a"), "/admin/claims?q=a");
        assert_eq!(admin("/admin"), "/admin");
        assert_eq!(admin("/administrator"), "/admin");
        assert_eq!(admin("/admin//evil.example"), "/admin");
        assert_eq!(admin("/admin/\u{e9}"), "/admin");
        assert_eq!(admin("/faq"), "/admin");
    }
}
