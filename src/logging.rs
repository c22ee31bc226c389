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
        match log_dir.and_then(|dir| std::fs::create_dir_all(dir).ok().map(|()| dir)) {
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
    }
}
