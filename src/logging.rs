//! Logging with `tracing`: human-readable lines on stdout (journald adds timestamps) and
//! daily-rotated files under `<data_dir>/logs`. Handlers log paths, never query strings, form
//! bodies, passwords or full email addresses; [`mask_email`] is the helper for the latter.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Installs the global subscriber. Keep the returned guard alive until exit so file logs flush.
pub fn init(filter: &str, log_dir: Option<&Path>) -> Option<WorkerGuard> {
    // Rocket logs through `log` (banner, and unmatched requests with their query strings, which
    // may hold personal data): our own access log covers requests, so Rocket stays quiet unless
    // the filter names it.
    let directives = if filter.contains("rocket") {
        filter.to_string()
    } else {
        format!("{filter},rocket=off,_=off")
    };
    let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let stdout = tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_ansi(ansi);
    let (file_layer, guard) =
        match log_dir.and_then(|dir| crate::fsperm::create_private_dir(dir).ok().map(|()| dir)) {
            Some(dir) => {
                let appender = tracing_appender::rolling::daily(dir, "flightclaim.log");
                let (writer, guard) = tracing_appender::non_blocking(appender);
                (
                    Some(
                        tracing_subscriber::fmt::layer()
                            .with_ansi(false)
                            .with_writer(writer),
                    ),
                    Some(guard),
                )
            }
            None => (None, None),
        };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stdout)
        .with(file_layer)
        .try_init();
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "panic");
    }));
    guard
}

/// Path prefixes whose next segment is a secret (an emailed link's token).
const TOKEN_ROUTES: [&str; 3] = ["/password/reset/", "/verify-email/", "/admin/invitation/"];

/// The request path as the access log writes it: the token of an emailed link (password reset,
/// email verification, staff invitation) and any other segment that looks like one of our
/// tokens (43 URL-safe base64 characters, or anything of 32 characters or more) become
/// `<redacted>`, so that whoever reads the logs cannot use the link.
pub fn redact_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut secret_next = false;
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let looks_secret = segment.len() >= 32 || crate::accounts::token::looks_valid(segment);
        if (secret_next && !segment.is_empty()) || looks_secret {
            out.push_str("<redacted>");
        } else {
            out.push_str(segment);
        }
        let so_far = format!("{out}/");
        secret_next = TOKEN_ROUTES.iter().any(|r| so_far.eq_ignore_ascii_case(r));
    }
    out
}

/// Every email address inside `text` masked with [`mask_email`] (SMTP replies quote the
/// recipient: "550 5.1.1 <bob@example.com>: user unknown").
pub fn mask_emails_in(text: &str) -> String {
    let is_addr_char =
        |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'' | '@');
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str(&mask_email(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_addr_char(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `alice@example.com` → `a***@example.com`, for log lines that must identify an account.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().map(String::from).unwrap_or_default();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_emails() {
        assert_eq!(super::mask_email("alice@example.com"), "a***@example.com");
        assert_eq!(super::mask_email("nonsense"), "***");
        assert_eq!(
            super::mask_emails_in("550 5.1.1 <bob.smith@example.com>: unknown; x@y.fr"),
            "550 5.1.1 <b***@example.com>: unknown; x***@y.fr"
        );
    }

    #[test]
    fn token_segments_are_redacted() {
        let token = "a".repeat(43);
        assert_eq!(
            super::redact_path(&format!("/password/reset/{token}")),
            "/password/reset/<redacted>"
        );
        assert_eq!(
            super::redact_path("/admin/invitation/short"),
            "/admin/invitation/<redacted>"
        );
        assert_eq!(
            super::redact_path("/verify-email/x/y"),
            "/verify-email/<redacted>/y"
        );
        assert_eq!(
            super::redact_path(&format!("/anything/{token}/more")),
            "/anything/<redacted>/more"
        );
        assert_eq!(super::redact_path("/claims/FC-7K3M9Q"), "/claims/FC-7K3M9Q");
        assert_eq!(super::redact_path("/"), "/");
    }
}
