//! Command-line interface: `serve` (default), `migrate`, `create-admin`, `check-config`,
//! `healthcheck`, `eligibility`, `send-test-email`, `backup`, `restore`, `daily-jobs`. Exit
//! codes: 0 success, 1 failure, 2 bad input or configuration.

use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::accounts::password;
use crate::app::{self, ServeOptions};
use crate::config::AppConfig;
use crate::db::migrate;
use crate::db::users::{self, AdminUpsert};

/// `0.2.0 (revision 1a2b3c4d5e6f, built 2026-12-07)`: what `--version` prints after the name.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (revision ",
    env!("BUILD_GIT_REVISION"),
    ", built ",
    env!("BUILD_DATE_UTC"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "flightclaim",
    version = LONG_VERSION,
    about = "EU261/UK261 flight compensation claims, self-hosted"
)]
pub struct Cli {
    /// TOML configuration file (also `FLIGHTCLAIM_CONFIG`).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve {
        /// Apply pending database migrations before serving.
        #[arg(long)]
        migrate: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin account, or promote an existing account and set its password.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Read the password from this file instead of prompting.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Validate the configuration and print it with secrets redacted.
    CheckConfig,
    /// Exit 0 when the running server answers /health.
    Healthcheck,
    /// Send a test email now through `FLIGHTCLAIM_SMTP_URL` (not through the outbox).
    SendTestEmail {
        /// Recipient address.
        #[arg(long, value_name = "ADDRESS")]
        to: String,
        /// Language of the message: fr or en.
        #[arg(long, default_value = "fr")]
        lang: String,
    },
    /// Take a snapshot of the database now and ship it to the replica.
    Backup,
    /// Rebuild the database (and documents) from the replica into a new file.
    Restore {
        /// Replica URL (default: the configured replica URL).
        #[arg(long, value_name = "URL")]
        replica: Option<String>,
        /// Restore the state as of this moment (RFC 3339, e.g. 2026-11-24T18:30:00Z).
        #[arg(long, value_name = "T")]
        timestamp: Option<String>,
        /// Where to write the database; must not exist. Documents go to `documents/` beside it.
        #[arg(short = 'o', long = "output", value_name = "PATH")]
        output: PathBuf,
        /// Only the documents, beside PATH (a database already restored there): retries those
        /// a previous run could not restore, keeps those already there.
        #[arg(long)]
        documents_only: bool,
    },
    /// Evaluate eligibility requests (docs/eligibility-api.md): one JSON request or an array,
    /// from FILE or standard input (`-`); prints one JSON response per line.
    Eligibility {
        /// The request file; `-` or nothing reads standard input.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Language of the explanations and error messages.
        #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
        lang: String,
    },
    /// Run the daily job once: chasers (second notices, passengers' document reminders,
    /// escalation suggestions, limitation warnings) and the clean-up of old drafts; prints
    /// what it did, or with `--dry-run` what it would do.
    DailyJobs {
        /// The job's clock (RFC 3339, e.g. 2026-11-24T06:00:00Z); default: now.
        #[arg(long, value_name = "T")]
        now: Option<String>,
        /// Decide and print, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Fill the database with fake passengers, claims and their history (demos, benchmarks).
    /// Refuses a database holding real passengers or claims unless `--force`.
    DemoData {
        /// Number of claims to create.
        #[arg(long, default_value_t = 1000)]
        claims: usize,
        /// Random seed: the same seed on an empty database gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Add demo data even though the database holds real data.
        #[arg(long)]
        force: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    // Whatever the unit's `UMask=` or the shell's umask: database, WAL, keys, logs and documents
    // are for the service user only.
    crate::fsperm::restrict_umask();
    let cli = Cli::parse();
    let cfg = match AppConfig::load(cli.config.as_deref()) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("flightclaim: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command.unwrap_or(Command::Serve { migrate: false }) {
        Command::Serve { migrate } => serve(cfg, ServeOptions { migrate }),
        Command::Migrate => run_migrate(&cfg),
        Command::CreateAdmin {
            email,
            password_file,
        } => create_admin(&cfg, &email, password_file.as_deref()),
        Command::CheckConfig => check_config(&cfg),
        Command::Healthcheck => healthcheck(&cfg),
        Command::SendTestEmail { to, lang } => send_test_email(&cfg, &to, &lang),
        Command::Backup => backup(&cfg),
        Command::Restore {
            replica,
            timestamp,
            output,
            documents_only,
        } => restore(&cfg, replica, timestamp.as_deref(), &output, documents_only),
        Command::Eligibility { file, lang } => eligibility(file.as_deref(), &lang),
        Command::DailyJobs { now, dry_run } => daily_jobs(&cfg, now.as_deref(), dry_run),
        Command::DemoData {
            claims,
            seed,
            force,
        } => demo_data(&cfg, claims, seed, force),
    }
}

/// Every check `serve` runs before touching anything: the configuration's validation (already
/// passed to get here: SMTP URL, sender, replica URL, log filter, shutdown grace…), then the
/// data directory.
fn check_config(cfg: &AppConfig) -> ExitCode {
    if let Err(e) = cfg.validate() {
        return fail(e, 2);
    }
    if let Err(e) = app::check_data_dir(&cfg.data_dir) {
        return fail(e, 2);
    }
    print!("{}", cfg.redacted());
    for warning in cfg.warnings() {
        eprintln!("flightclaim: {warning}");
    }
    for warning in cfg
        .bank_warnings()
        .into_iter()
        .chain(cfg.invoice_warnings())
    {
        eprintln!("flightclaim: {warning}");
    }
    println!("# configuration OK");
    ExitCode::SUCCESS
}

fn fail(message: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("flightclaim: {message}");
    ExitCode::from(code)
}

fn serve(cfg: AppConfig, options: ServeOptions) -> ExitCode {
    let log_files = cfg.log_to_file.then(|| crate::logging::LogFiles {
        dir: cfg.data_dir.join("logs"),
        keep_days: cfg.log_retention_days,
        max_bytes_per_day: u64::from(cfg.log_max_mb_per_day) * 1024 * 1024,
    });
    let _guard = crate::logging::init(&cfg.log, log_files.as_ref());
    let (address, port) = (cfg.address, cfg.port);
    // Held until the process exits: one server per data directory, replication on or off.
    let _data_dir_lock = match app::lock_data_dir(&cfg.data_dir) {
        Ok(lock) => lock,
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            return fail(e, 1);
        }
    };
    let limits = crate::gate::Limits::from_config(&cfg);
    let public = match crate::gate::bind(std::net::SocketAddr::new(address, port)) {
        Ok(l) => l,
        Err(e) => {
            let message = format!(
                "cannot listen on {address}:{port}: {e}. Fix: stop the other process using the port, or set FLIGHTCLAIM_PORT / FLIGHTCLAIM_ADDRESS"
            );
            tracing::error!(%message, "start-up failed");
            return fail(message, 1);
        }
    };
    let rocket = match app::build_with(cfg, options) {
        Ok(rocket) => crate::gate::install(rocket, public, limits),
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            return fail(e, 1);
        }
    };
    tracing::info!(%address, port, version = LONG_VERSION, "starting FlightClaim");
    match rocket::execute(rocket.launch()) {
        Ok(_) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "server error");
            fail(format!("server error: {e}"), 1)
        }
    }
}

fn run_migrate(cfg: &AppConfig) -> ExitCode {
    let db = match crate::db::Db::open(&cfg.database_path()) {
        Ok(db) => db,
        Err(e) => return fail(e, 1),
    };
    match migrate::run(&db) {
        Ok(applied) if applied.is_empty() => {
            println!("schema up to date (version {})", migrate::latest_version());
            ExitCode::SUCCESS
        }
        Ok(applied) => {
            println!(
                "applied {} migration(s): {}",
                applied.len(),
                applied.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, 1),
    }
}

fn read_password(password_file: Option<&std::path::Path>) -> Result<String, String> {
    if let Some(path) = password_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Ok(text.trim_end_matches(['\n', '\r']).to_string());
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let second = rpassword::prompt_password("Password (again): ").map_err(|e| e.to_string())?;
        if first != second {
            return Err("the two passwords differ".into());
        }
        return Ok(first);
    }
    // Not a terminal and no file: read one line from standard input (scripts, pipes).
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn create_admin(cfg: &AppConfig, email: &str, password_file: Option<&std::path::Path>) -> ExitCode {
    let email = email.trim();
    let valid_email = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid_email {
        return fail(format!("`{email}` is not a valid email address"), 2);
    }
    let password = match read_password(password_file) {
        Ok(p) => p,
        Err(e) => return fail(e, 2),
    };
    if let Err(problem) = password::check_length(&password) {
        let why = match problem {
            password::PasswordProblem::TooShort => {
                format!(
                    "the password must have at least {} characters",
                    password::MIN_PASSWORD_CHARS
                )
            }
            password::PasswordProblem::TooLong | password::PasswordProblem::TooWeak => {
                format!(
                    "the password must have at most {} characters",
                    password::MAX_PASSWORD_CHARS
                )
            }
        };
        return fail(why, 2);
    }
    let hash = match password::hash(&password) {
        Ok(h) => h,
        Err(e) => return fail(e, 1),
    };
    // A fresh database gets its schema; an old one is refused as `serve` refuses it.
    let db = match app::open_database(cfg, ServeOptions::default()) {
        Ok(db) => db,
        Err(e) => return fail(e, 1),
    };
    let email_owned = email.to_string();
    match db.write_blocking(move |tx| users::upsert_admin(tx, &email_owned, &hash)) {
        Ok(AdminUpsert::Created) => {
            println!("admin {email} created");
            ExitCode::SUCCESS
        }
        Ok(AdminUpsert::Promoted) => {
            println!("existing account {email} is now an admin; password updated");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, 1),
    }
}

fn healthcheck(cfg: &AppConfig) -> ExitCode {
    let ip = if cfg.address.is_unspecified() {
        if cfg.address.is_ipv4() {
            IpAddr::from([127, 0, 0, 1])
        } else {
            IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])
        }
    } else {
        cfg.address
    };
    let addr = SocketAddr::new(ip, cfg.port);
    let result = (|| -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        write!(
            stream,
            "GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        stream.take(64 * 1024).read_to_string(&mut response)?;
        Ok(response)
    })();
    match result {
        Ok(resp) if resp.starts_with("HTTP/1.1 200") => {
            println!("ok");
            ExitCode::SUCCESS
        }
        Ok(resp) => fail(
            format!("unhealthy: {}", resp.lines().next().unwrap_or("")),
            1,
        ),
        Err(e) => fail(format!("no answer from {addr}: {e}"), 1),
    }
}

fn send_test_email(cfg: &AppConfig, to: &str, lang: &str) -> ExitCode {
    let Some(locale) = crate::i18n::Locale::from_tag(lang) else {
        return fail(format!("unsupported language `{lang}`: use fr or en"), 2);
    };
    // A test message carries no one-time link: a throw-away key is enough to seal nothing.
    let throwaway_key = crate::config::Secret::new(base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        rand::random::<[u8; 64]>(),
    ));
    let mailer = match crate::mail::Mailer::from_config(cfg, &throwaway_key) {
        Ok(m) => m,
        Err(e) => return fail(e, 2),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the async runtime: {e}"), 1),
    };
    match runtime.block_on(crate::mail::send_test(&mailer, to, locale)) {
        Ok(server) => {
            println!("test email sent to {to} via {server}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("test email not sent: {}", e.hint), 1),
    }
}

fn demo_data(cfg: &AppConfig, claims: usize, seed: u64, force: bool) -> ExitCode {
    // A fresh database gets its schema; an old one is refused as `serve` refuses it.
    let db = match app::open_database(cfg, ServeOptions::default()) {
        Ok(db) => db,
        Err(e) => return fail(e, 1),
    };
    let started = std::time::Instant::now();
    let result = crate::demo::generate(&db, claims, seed, force, |done| {
        eprint!("\rdemo-data: {done}/{claims} claims");
    });
    eprintln!();
    match result {
        Ok(s) => {
            println!(
                "demo-data: {} claims, {} passenger accounts, {} claim passengers, {} status events, {} documents in {:.1} s",
                s.claims,
                s.users,
                s.passengers,
                s.events,
                s.documents,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e @ crate::demo::DemoError::RealData(_)) => fail(e, 2),
        Err(e) => fail(e, 1),
    }
}

fn daily_jobs(cfg: &AppConfig, now: Option<&str>, dry_run: bool) -> ExitCode {
    let now = match now.map(chrono::DateTime::parse_from_rfc3339) {
        None => chrono::Utc::now(),
        Some(Ok(t)) => t.with_timezone(&chrono::Utc),
        Some(Err(e)) => {
            return fail(
                format!("--now: not an RFC 3339 time ({e}); e.g. 2026-11-24T06:00:00Z"),
                2,
            );
        }
    };
    let db = match app::open_database(cfg, ServeOptions::default()) {
        Ok(db) => db,
        Err(e) => return fail(e, 1),
    };
    let mailer = match app::secret_key(cfg)
        .map_err(|e| e.to_string())
        .and_then(|key| crate::mail::Mailer::from_config(cfg, &key).map_err(|e| e.to_string()))
    {
        Ok(m) => std::sync::Arc::new(m),
        Err(e) => return fail(e, 2),
    };
    let options = crate::services::daily_jobs::RunOptions {
        now,
        dry_run,
        mode: cfg.chaser_mode(),
        rules: cfg.deadline_rules(),
    };
    let documents = crate::documents::DocumentStore::new(&cfg.data_dir);
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the async runtime: {e}"), 1),
    };
    let outcome = rt.block_on(crate::jobs::daily(&db, &mailer, &documents, options));
    match outcome {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("daily-jobs: {e}"), 1),
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

fn backup(cfg: &AppConfig) -> ExitCode {
    let Some(url) = cfg.replica_url.clone() else {
        return fail(
            "no replica configured. Fix: set FLIGHTCLAIM_REPLICA_URL (e.g. file:///var/backups/flightclaim or s3://bucket/prefix)",
            2,
        );
    };
    if let Err(e) = app::open_database(cfg, ServeOptions::default()) {
        return fail(e, 1);
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e, 1),
    };
    match rt.block_on(crate::backup::backup_now(cfg, &url)) {
        Ok(txid) => {
            println!(
                "snapshot at TXID {txid} shipped to {}",
                url.split('?').next().unwrap_or("")
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("backup failed: {e}"), 1),
    }
}

fn restore(
    cfg: &AppConfig,
    replica: Option<String>,
    timestamp: Option<&str>,
    output: &std::path::Path,
    documents_only: bool,
) -> ExitCode {
    let Some(url) = replica.or_else(|| cfg.replica_url.clone()) else {
        return fail(
            "no replica given. Fix: pass --replica URL or set FLIGHTCLAIM_REPLICA_URL",
            2,
        );
    };
    let target = match timestamp
        .map(chrono::DateTime::parse_from_rfc3339)
        .transpose()
    {
        Ok(t) => t.map(|t| t.with_timezone(&chrono::Utc)),
        Err(e) => {
            return fail(
                format!("--timestamp: {e}. Fix: use RFC 3339, e.g. 2026-11-24T18:30:00Z"),
                2,
            );
        }
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e, 1),
    };
    let result = rt.block_on(async {
        let replica = crate::backup::Replica::open(&url).map_err(|e| e.to_string())?;
        let summary = if documents_only {
            None
        } else {
            Some(
                crate::backup::restore::restore(&replica, output, target)
                    .await
                    .map_err(|e| e.to_string())?,
            )
        };
        let docs_dir = output
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join(crate::backup::documents::DIR);
        let docs = crate::backup::documents::restore_all(&replica, &docs_dir)
            .await
            .map_err(|e| format!("the documents could not be listed: {e}"))?;
        Ok::<_, String>((summary, docs))
    });
    let (summary, docs) = match result {
        Ok(r) => r,
        Err(e) => return fail(format!("restore failed: {e}"), 1),
    };
    if let Some(s) = summary {
        println!(
            "restored {} (TXID {}, {} pages of {} bytes, {} LTX files, state of {}), integrity_check ok",
            output.display(),
            s.txid,
            s.pages,
            s.page_size,
            s.files,
            s.timestamp.map_or_else(|| "?".into(), |t| t.to_rfc3339()),
        );
    }
    println!(
        "{} document(s) restored, {} already there, {} failed",
        docs.written,
        docs.present,
        docs.failed.len()
    );
    if docs.failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    for (name, why) in &docs.failed {
        eprintln!("flightclaim: document {name} not restored: {why}");
    }
    fail(
        format!(
            "{} document(s) could not be restored (listed above). Fix: once the replica is reachable or repaired, run `flightclaim restore --documents-only -o {}` (with the same --replica) to retry them; documents already restored are kept",
            docs.failed.len(),
            output.display()
        ),
        1,
    )
}

/// `flightclaim eligibility [FILE|-]`: all or nothing. When every request is understood, each
/// response is printed on its own line (exit 0); otherwise nothing goes to stdout and every
/// refused request is reported on stderr with its index and JSON path (exit 2), so that the
/// output lines always match the input requests one to one.
fn eligibility(file: Option<&std::path::Path>, lang: &str) -> ExitCode {
    use crate::domain::eligibility::{self, RequestError};
    let mut input = Vec::new();
    let read = match file {
        None => std::io::stdin().read_to_end(&mut input),
        Some(p) if p.as_os_str() == "-" => std::io::stdin().read_to_end(&mut input),
        Some(p) => std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut input)),
    };
    if let Err(e) = read {
        let name = file.map_or_else(|| "-".into(), |p| p.display().to_string());
        return fail(format!("cannot read {name}: {e}"), 2);
    }
    let show = |prefix: &str, e: &RequestError| {
        let at = if e.field.is_empty() {
            String::new()
        } else {
            format!(" at {}", e.field)
        };
        eprintln!("flightclaim: {prefix}{}{at}: {}", e.code, e.message(lang));
    };
    // An array is split here; each element goes through the same strict parser as the API.
    let (documents, is_array): (Vec<Vec<u8>>, bool) =
        match serde_json::from_slice::<serde_json::Value>(&input) {
            Ok(serde_json::Value::Array(items)) => (
                items
                    .iter()
                    .map(|v| serde_json::to_vec(v).unwrap_or_default())
                    .collect(),
                true,
            ),
            Ok(_) => (vec![input], false),
            Err(e) => {
                show("", &RequestError::invalid_json(e.to_string()));
                return ExitCode::from(2);
            }
        };
    let today = crate::web::eligibility_api::today();
    let data = crate::refdata::RefData::embedded();
    let mut lines = Vec::with_capacity(documents.len());
    let mut refused = 0usize;
    for (i, doc) in documents.iter().enumerate() {
        let result = eligibility::parse_request(doc)
            .and_then(|req| eligibility::evaluate(&req, data, lang, today));
        match result {
            Ok(resp) => lines.push(serde_json::to_string(&resp).unwrap_or_default()),
            Err(e) => {
                refused += 1;
                let prefix = if is_array {
                    format!("request {i}: ")
                } else {
                    String::new()
                };
                show(&prefix, &e);
            }
        }
    }
    if refused > 0 {
        return ExitCode::from(2);
    }
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
