//! Logging with `tracing`: human-readable lines on stdout (journald adds timestamps) and
//! daily-rotated files under `<data_dir>/logs`, kept a number of days and capped in size per
//! day ([`LogFiles`]) so that logs never fill the database's disk. Handlers log paths, never
//! query strings, form bodies, passwords or full email addresses; [`mask_email`] is the helper
//! for the latter.

use std::io::Write;
use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Where and how much the daily log files may take.
#[derive(Debug, Clone)]
pub struct LogFiles {
    pub dir: PathBuf,
    /// Files kept (one a day); older ones are deleted at start-up and at each rotation.
    pub keep_days: u32,
    /// Bytes one day's file may reach; later lines of that day go to stdout only.
    pub max_bytes_per_day: u64,
}

const FILE_PREFIX: &str = "flightclaim.log";

/// Installs the global subscriber. Keep the returned guard alive until exit so file logs flush.
pub fn init(filter: &str, files: Option<&LogFiles>) -> Option<WorkerGuard> {
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
    let (file_layer, guard) = match files.and_then(open_files) {
        Some(capped) => {
            let (writer, guard) = tracing_appender::non_blocking(capped);
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

/// The rotating appender behind a [`DailyCap`], or `None` (stdout only) when the directory
/// cannot be made or written.
fn open_files(files: &LogFiles) -> Option<DailyCap<RollingFileAppender>> {
    crate::fsperm::create_private_dir(&files.dir).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .max_log_files(usize::try_from(files.keep_days.max(1)).unwrap_or(usize::MAX))
        .build(&files.dir)
        .ok()?;
    let today = utc_day();
    // A restart in the middle of the day continues that day's count.
    let today_file = files.dir.join(format!(
        "{FILE_PREFIX}.{}",
        chrono::Utc::now().format("%Y-%m-%d")
    ));
    let written = std::fs::metadata(today_file).map_or(0, |m| m.len());
    Some(DailyCap::new(
        appender,
        files.max_bytes_per_day,
        today,
        written,
    ))
}

fn utc_day() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(86_400)
}

/// A writer that passes at most `cap` bytes a (UTC) day to `inner`, then drops that day's
/// remaining lines after writing one line that says so.
pub struct DailyCap<W> {
    inner: W,
    cap: u64,
    day: i64,
    written: u64,
    told: bool,
    clock: fn() -> i64,
}

impl<W: Write> DailyCap<W> {
    pub fn new(inner: W, cap: u64, day: i64, written: u64) -> Self {
        Self {
            inner,
            cap,
            day,
            written,
            told: false,
            clock: utc_day,
        }
    }
}

impl<W: Write> Write for DailyCap<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let today = (self.clock)();
        if today != self.day {
            (self.day, self.written, self.told) = (today, 0, false);
        }
        let len = buf.len() as u64;
        if self.written + len > self.cap {
            if !self.told {
                self.told = true;
                self.inner.write_all(
                    b"log file size cap reached for today (FLIGHTCLAIM_LOG_MAX_MB_PER_DAY): further lines go to stdout only\n",
                )?;
            }
            return Ok(buf.len());
        }
        self.written += len;
        self.inner.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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
    use std::io::Write as _;

    use super::DailyCap;

    fn day_one() -> i64 {
        1
    }
    fn day_two() -> i64 {
        2
    }

    #[test]
    fn a_day_writes_up_to_its_cap_says_so_once_and_starts_again_the_next_day() {
        let mut cap = DailyCap::new(Vec::new(), 100, 1, 20);
        cap.clock = day_one;
        let line = [b'x'; 39];
        cap.write_all(&line).expect("first");
        cap.write_all(&line).expect("second: 98 bytes");
        cap.write_all(&line)
            .expect("third is dropped, not an error");
        cap.write_all(&line).expect("fourth too");
        let text = String::from_utf8(cap.inner.clone()).expect("utf8");
        assert_eq!(text.matches('x').count(), 78);
        assert_eq!(text.matches("size cap reached").count(), 1, "{text}");
        cap.clock = day_two;
        cap.write_all(&line).expect("next day");
        assert_eq!(
            String::from_utf8(cap.inner.clone())
                .expect("utf8")
                .matches('x')
                .count(),
            117
        );
    }

    #[test]
    fn old_daily_files_are_deleted_beyond_the_retention() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The appender orders files by creation time: made oldest first, as days would.
        for day in 1..=5 {
            let path = dir.path().join(format!("flightclaim.log.2026-01-0{day}"));
            std::fs::write(&path, "old line\n").expect("write");
            std::thread::sleep(std::time::Duration::from_millis(15));
        }
        std::fs::write(dir.path().join("unrelated.txt"), "kept").expect("write");
        let files = super::LogFiles {
            dir: dir.path().to_path_buf(),
            keep_days: 3,
            max_bytes_per_day: 1024,
        };
        let mut writer = super::open_files(&files).expect("opened");
        writer.write_all(b"new line\n").expect("write");
        writer.flush().expect("flush");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.contains(&"unrelated.txt".to_string()), "{names:?}");
        let logs = names
            .iter()
            .filter(|n| n.starts_with("flightclaim.log"))
            .count();
        assert_eq!(
            logs, 3,
            "today's file and the two newest old ones: {names:?}"
        );
        assert!(!names.contains(&"flightclaim.log.2026-01-01".to_string()));
    }
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
