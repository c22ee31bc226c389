//! `/admin/system`: the machine and the installation at a glance (admins only).

use std::sync::Arc;

use rocket::form::FromForm;
use rocket::{State, get, post};
use serde::Serialize;

use super::auth::AdminSession;
use crate::accounts::email;
use crate::backup::StatusHandle;
use crate::config::AppConfig;
use crate::db::{Db, audit, migrate};
use crate::i18n::{self, Locale};
use crate::mail::{self, Mailer};
use crate::metrics::Metrics;
use crate::web::AppError;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;

#[derive(Serialize)]
struct SystemInfo {
    version: &'static str,
    uptime: String,
    db_size: String,
    wal_size: String,
    schema_version: i64,
    schema_latest: i64,
    data_dir: String,
    disk_free: Option<String>,
    config: String,
    recent_errors: Vec<String>,
}

fn human_duration(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min {} s", secs % 60)
    }
}

/// `1.4 MB`, `52 GB`: sizes an operator reads at a glance (decimal units, like `df -H`).
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    let mut tenths = 0;
    while value >= 1000 && unit < UNITS.len() - 1 {
        tenths = (value % 1000) / 100;
        value /= 1000;
        unit += 1;
    }
    if unit == 0 {
        format!("{value} B")
    } else {
        format!("{value}.{tenths} {}", UNITS[unit])
    }
}

/// Free bytes on the file system of `path`, from `df` (no unsafe statvfs call in our code).
fn disk_free(path: &std::path::Path) -> Option<u64> {
    let out = std::process::Command::new("df")
        .args(["-Pk", "--"])
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let kib: u64 = text
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// The last error lines of today's log file, newest last.
fn recent_errors(data_dir: &std::path::Path, max: usize) -> Vec<String> {
    let dir = data_dir.join("logs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let Some(newest) = entries.filter_map(Result::ok).map(|e| e.path()).max() else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(newest) else {
        return Vec::new();
    };
    let errors: Vec<String> = text
        .lines()
        .filter(|l| l.contains(" ERROR "))
        .map(str::to_string)
        .collect();
    errors[errors.len().saturating_sub(max)..].to_vec()
}

#[get("/admin/system")]
pub async fn get_admin_system(
    admin: AdminSession,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    metrics: &State<Metrics>,
    mailer: &State<Arc<Mailer>>,
    replication: &State<StatusHandle>,
) -> Result<Page, AppError> {
    system_page(&admin, db, cfg, metrics, mailer, replication, None).await
}

/// The result of "send a test email", shown on the page.
#[derive(Serialize)]
struct TestResult {
    ok: bool,
    message: String,
}

async fn system_page(
    admin: &AdminSession,
    db: &Db,
    cfg: &AppConfig,
    metrics: &Metrics,
    mailer: &Mailer,
    replication: &StatusHandle,
    test: Option<TestResult>,
) -> Result<Page, AppError> {
    let outbox_stats = db
        .read(|c| crate::db::outbox::stats(c, chrono::Utc::now()))
        .await?;
    let schema_version = db.read(migrate::user_version).await?;
    let (db_bytes, wal_bytes) = db.file_sizes();
    let info = SystemInfo {
        version: crate::cli::LONG_VERSION,
        uptime: human_duration(metrics.uptime().as_secs()),
        db_size: human_bytes(db_bytes),
        wal_size: human_bytes(wal_bytes),
        schema_version,
        schema_latest: migrate::latest_version(),
        data_dir: cfg.data_dir.display().to_string(),
        disk_free: disk_free(&cfg.data_dir).map(human_bytes),
        config: cfg.redacted(),
        recent_errors: recent_errors(&cfg.data_dir, 20),
    };
    Ok(Page::new("admin/system.html")
        .with("staff", &admin.0.user.name_or_email())
        .with("is_admin", &true)
        .with("system", &info)
        .with("outbox", &outbox_stats)
        .with("smtp", &mailer.smtp_server().unwrap_or(""))
        .with("test", &test)
        .with("totp_optional", &!cfg.staff_totp_required)
        .with("replication", &replication.snapshot()))
}

#[derive(Debug, FromForm)]
pub struct TestEmailForm {
    #[field(default = String::new())]
    pub to: String,
}

/// Sends a test message straight away (not through the outbox) and shows the SMTP server's
/// answer, or a hint about what to fix.
#[post("/admin/system/test-email", data = "<form>")]
pub async fn post_admin_test_email(
    admin: AdminSession,
    form: CsrfForm<TestEmailForm>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    metrics: &State<Metrics>,
    mailer: &State<Arc<Mailer>>,
    replication: &State<StatusHandle>,
) -> Result<Page, AppError> {
    let result = match email::normalize(&form.0.to) {
        None => TestResult {
            ok: false,
            message: i18n::translate(locale.as_str(), "account.error.email_invalid", &[]),
        },
        Some(to) => match mail::send_test(mailer, &to, locale).await {
            Ok(answer) => TestResult {
                ok: true,
                message: i18n::translate(
                    locale.as_str(),
                    "admin.system.test_sent",
                    &[("to", &to), ("answer", &answer)],
                ),
            },
            Err(e) => TestResult {
                ok: false,
                message: e.hint,
            },
        },
    };
    let actor = admin.0.user.email.clone();
    let actor_id = admin.0.user.user_id;
    let outcome = if result.ok { "sent" } else { "failed" };
    db.write(move |tx| {
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "system.test_email",
            "",
            None,
            Some(outcome),
        )
    })
    .await?;
    system_page(&admin, db, cfg, metrics, mailer, replication, Some(result)).await
}
