//! Command-line interface: `serve` (default), `migrate`, `create-admin`, `check-config`,
//! `healthcheck`, `eligibility`. Exit codes: 0 success, 1 failure, 2 bad input or configuration.

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

#[derive(Debug, Parser)]
#[command(
    name = "flightclaim",
    version,
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
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
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
        Command::CheckConfig => {
            print!("{}", cfg.redacted());
            println!("# configuration OK");
            ExitCode::SUCCESS
        }
        Command::Healthcheck => healthcheck(&cfg),
        Command::Eligibility { file, lang } => eligibility(file.as_deref(), &lang),
    }
}

fn fail(message: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("flightclaim: {message}");
    ExitCode::from(code)
}

fn serve(cfg: AppConfig, options: ServeOptions) -> ExitCode {
    let log_dir = cfg.log_to_file.then(|| cfg.data_dir.join("logs"));
    let _guard = crate::logging::init(&cfg.log, log_dir.as_deref());
    let (address, port) = (cfg.address, cfg.port);
    let rocket = match app::build_with(cfg, options) {
        Ok(rocket) => rocket,
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            return fail(e, 1);
        }
    };
    tracing::info!(%address, port, version = env!("CARGO_PKG_VERSION"), "starting FlightClaim");
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
            password::PasswordProblem::TooLong => {
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
    let db = match app::open_database(cfg, ServeOptions { migrate: true }) {
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
