//! Configuration: defaults < TOML file < `FLIGHTCLAIM_*` environment variables.
//!
//! Every key has an environment variable `FLIGHTCLAIM_<KEY>` (upper case). Secrets also accept a
//! `<key>_file` / `FLIGHTCLAIM_<KEY>_FILE` path, read at start-up, so that systemd's
//! `LoadCredential=` works. Unknown keys are rejected; errors name the TOML key, the variable and
//! the fix. `Debug` and [`AppConfig::redacted`] never print a secret.

use std::fmt;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::ratelimit::{Quota, RateClass};

/// Prefix of every environment variable the application reads.
pub const ENV_PREFIX: &str = "FLIGHTCLAIM_";

/// `TimeoutStopSec=` of `systemd/flightclaim.service` (a test keeps them equal): systemd kills
/// the process this long after SIGTERM.
pub const UNIT_TIMEOUT_STOP_SECS: u32 = 60;
/// What the process needs after the grace period: background jobs, the last replication sync.
pub const SHUTDOWN_MARGIN_SECS: u32 = 10;

/// A secret string whose `Debug`/`Display` never show the value.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The value itself: call only where the secret is used, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// The whole configuration, built once and passed by value to `app::build`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppConfig {
    pub address: IpAddr,
    pub port: u16,
    pub data_dir: PathBuf,
    pub base_url: String,
    pub secret_key: Option<Secret>,
    pub secret_key_file: Option<PathBuf>,
    /// The key `secret_key` replaced, during a rotation: values sealed under it (queued
    /// one-time links, staff TOTP secrets) still open, and are sealed again under the new key
    /// at start-up. Remove it once the server has started with it.
    pub secret_key_previous: Option<Secret>,
    pub secret_key_previous_file: Option<PathBuf>,
    pub smtp_url: Option<Secret>,
    pub smtp_url_file: Option<PathBuf>,
    pub mail_from: String,
    pub replica_url: Option<String>,
    /// How often WAL changes are shipped to the replica, in milliseconds.
    pub replica_sync_interval_ms: u64,
    /// Days of snapshots (and so of point-in-time restores) kept in the replica.
    pub replica_retention_days: u32,
    /// Replication lag (seconds) above which an error is logged and the admins alerted.
    pub replica_lag_alert_secs: u64,
    /// Hours between two full snapshots in the replica.
    pub replica_snapshot_interval_hours: u32,
    /// Seconds between two compactions of level 0 into level 1 (levels 2 and 3 follow at 10×
    /// and 120× that, at least every 5 minutes and every hour).
    pub replica_compaction_secs: u64,
    /// Seconds between two full verifications of the replica (restore into a temporary file
    /// and `PRAGMA integrity_check`); the chain of files is checked every minute (or at this
    /// interval when shorter).
    pub replica_verify_interval_secs: u64,
    /// Free space (MiB) on the data directory's file system below which `/ready` answers 503.
    pub disk_min_free_mb: u64,
    /// Comma-separated IPs or CIDR ranges whose `X-Forwarded-For` is believed.
    pub trusted_proxies: String,
    pub log: String,
    /// Bearer token that opens `/metrics` to non-loopback clients.
    pub metrics_token: Option<Secret>,
    pub metrics_token_file: Option<PathBuf>,
    /// Our success fee in percent of the compensation.
    pub fee_percent: u8,
    pub rate_limit_auth: String,
    pub rate_limit_api: String,
    pub rate_limit_typing: String,
    pub rate_limit_upload: String,
    pub rate_limit_form: String,
    /// Sign-in attempts per account (any IP).
    pub rate_limit_account: String,
    /// Seconds in-flight requests get to finish on SIGTERM.
    pub shutdown_grace_secs: u32,
    /// Write daily-rotated log files under `<data_dir>/logs` besides stdout.
    pub log_to_file: bool,
    /// Daily log files kept; older ones are deleted at rotation.
    pub log_retention_days: u32,
    /// Megabytes written to one day's log file at most; past it, that day's lines go to stdout
    /// (the journal) only, and the file says so once.
    pub log_max_mb_per_day: u32,
    /// First retry delay of a temporarily failed mail, in seconds; doubles up to 120× this.
    pub mail_retry_base_secs: u32,
    /// Flight-status provider used to pre-fill times (`aerodatabox`); unset: passengers type them.
    pub flight_status_provider: Option<String>,
    pub flight_status_api_key: Option<Secret>,
    pub flight_status_api_key_file: Option<PathBuf>,
    /// Provider endpoint; unset: the provider's public one (tests point it at a local fake).
    pub flight_status_base_url: Option<String>,
    /// How long one provider request may take before the passenger types the times instead.
    pub flight_status_timeout_ms: u64,
    /// Staff must enrol a TOTP second factor before opening any admin page.
    pub staff_totp_required: bool,
    /// Who gets a new claim, and a disabled staff member's open claims: `off` (nobody: they
    /// wait in the queue), `least_loaded` or `round_robin` (agents and admins).
    pub auto_assign: String,
    /// Connections that may wait for their request head, and requests served at once
    /// (`serve`'s connection gate, `src/gate.rs`).
    pub max_connections: usize,
    /// Seconds a client has to send a complete request head.
    pub request_header_timeout_secs: u64,
    /// Seconds a client has to send a whole request body (forms, uploads, JSON).
    pub request_body_timeout_secs: u64,
    /// Who runs this instance (shown on `/legal`, in the footer, and as the agent in the
    /// mandate). All optional; `check-config` warns when they are missing in production.
    pub operator_legal_name: String,
    /// VAT on our fee invoices, in basis points (2000 = 20 %); 0 when VAT does not apply, and
    /// then `vat_mention` says why.
    pub vat_rate_bp: u32,
    /// The mention printed on invoices instead of VAT when `vat_rate_bp` is 0, e.g. `TVA non
    /// applicable, art. 293 B du CGI`.
    pub vat_mention: String,
    /// E.g. `SAS`, `GmbH`, `sole trader`.
    pub operator_legal_form: String,
    pub operator_address: String,
    /// Company register entry, e.g. `RCS Paris 123 456 789`.
    pub operator_registration_number: String,
    pub operator_vat_number: String,
    pub operator_email: String,
    pub operator_phone: String,
    /// The person who signs for the operator (director, manager).
    pub operator_representative: String,
    /// The agency's bank account: the debtor of the payout batches' SEPA files. Checked at
    /// load (a SEPA country's IBAN); `check-config` warns when missing in production.
    pub operator_iban: String,
    /// Its bank's BIC (optional in SEPA: the file then says `NOTPROVIDED`).
    pub operator_bic: String,
    /// Days the airline has to answer our letter (then the second notice) before the next step.
    pub airline_reply_days: u32,
    /// What the daily job does with chasers that are due: `propose` (writes them on the claim
    /// for staff) or `send` (sends the second notice and the passengers' reminders).
    pub chasers: String,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            address: IpAddr::from([127, 0, 0, 1]),
            port: 8000,
            data_dir: PathBuf::from("./var"),
            base_url: "http://127.0.0.1:8000".into(),
            secret_key: None,
            secret_key_file: None,
            secret_key_previous: None,
            secret_key_previous_file: None,
            smtp_url: None,
            smtp_url_file: None,
            mail_from: "FlightClaim <noreply@localhost>".into(),
            replica_url: None,
            replica_sync_interval_ms: 500,
            replica_retention_days: 30,
            replica_lag_alert_secs: 60,
            replica_snapshot_interval_hours: 24,
            replica_compaction_secs: 30,
            replica_verify_interval_secs: 21_600,
            disk_min_free_mb: 512,
            trusted_proxies: String::new(),
            log: "info".into(),
            metrics_token: None,
            metrics_token_file: None,
            fee_percent: 25,
            rate_limit_auth: "10/min".into(),
            rate_limit_api: "120/min".into(),
            rate_limit_typing: "600/min".into(),
            rate_limit_upload: "30/min".into(),
            rate_limit_form: "120/min".into(),
            rate_limit_account: "20/hour".into(),
            shutdown_grace_secs: 10,
            log_to_file: true,
            log_retention_days: 14,
            log_max_mb_per_day: 100,
            mail_retry_base_secs: 30,
            flight_status_provider: None,
            vat_rate_bp: 2000,
            vat_mention: String::new(),
            flight_status_api_key: None,
            flight_status_api_key_file: None,
            flight_status_base_url: None,
            flight_status_timeout_ms: 3000,
            staff_totp_required: false,
            airline_reply_days: crate::domain::deadlines::DEFAULT_AIRLINE_REPLY_DAYS,
            chasers: "propose".into(),
            auto_assign: "off".into(),
            max_connections: 256,
            request_header_timeout_secs: 10,
            request_body_timeout_secs: 120,
            operator_legal_name: String::new(),
            operator_legal_form: String::new(),
            operator_address: String::new(),
            operator_registration_number: String::new(),
            operator_vat_number: String::new(),
            operator_email: String::new(),
            operator_phone: String::new(),
            operator_representative: String::new(),
            operator_iban: String::new(),
            operator_bic: String::new(),
        }
    }
}

/// A configuration problem, phrased for the operator.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn env_var_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}

fn key_error(key: &str, problem: &str, fix: &str) -> ConfigError {
    ConfigError(format!(
        "configuration error in `{key}` (TOML key `{key}`, environment variable {}): {problem}. Fix: {fix}",
        env_var_name(key)
    ))
}

impl AppConfig {
    /// Loads defaults, then the TOML file (`path` or `FLIGHTCLAIM_CONFIG`), then the environment.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let env_path = std::env::var_os(format!("{ENV_PREFIX}CONFIG")).map(PathBuf::from);
        let toml_path = path.map(Path::to_path_buf).or(env_path);
        let mut figment = Figment::from(Serialized::defaults(AppConfig::default()));
        if let Some(p) = &toml_path {
            if !p.is_file() {
                return Err(ConfigError(format!(
                    "configuration file {} does not exist or is not a file. Fix: pass an existing file with --config or FLIGHTCLAIM_CONFIG, or remove the option",
                    p.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(p));
        }
        figment = figment.merge(Env::prefixed(ENV_PREFIX).ignore(&["config"]));
        Self::from_figment(&figment)
    }

    /// Builds a configuration from an explicit figment (tests use this with `Serialized`).
    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        let mut cfg: AppConfig = figment.extract().map_err(|e| figment_error(&e))?;
        cfg.read_secret_files()?;
        cfg.validate()?;
        Ok(cfg)
    }

    fn read_secret_files(&mut self) -> Result<(), ConfigError> {
        for (key, file, target) in [
            ("secret_key", &self.secret_key_file, &mut self.secret_key),
            (
                "secret_key_previous",
                &self.secret_key_previous_file,
                &mut self.secret_key_previous,
            ),
            ("smtp_url", &self.smtp_url_file, &mut self.smtp_url),
            (
                "metrics_token",
                &self.metrics_token_file,
                &mut self.metrics_token,
            ),
            (
                "flight_status_api_key",
                &self.flight_status_api_key_file,
                &mut self.flight_status_api_key,
            ),
        ] {
            if let Some(path) = file {
                let value = std::fs::read_to_string(path).map_err(|e| {
                    key_error(
                        &format!("{key}_file"),
                        &format!("cannot read {}: {e}", path.display()),
                        "point it at a readable file containing only the secret",
                    )
                })?;
                *target = Some(Secret::new(value.trim_end_matches(['\n', '\r'])));
            }
        }
        Ok(())
    }

    /// Semantic checks that serde cannot express.
    /// The deadline settings (`airline_reply_days`).
    pub fn deadline_rules(&self) -> crate::domain::deadlines::Rules {
        crate::domain::deadlines::Rules {
            airline_reply_days: self.airline_reply_days,
        }
    }

    /// `chasers` (validated at load: `propose` when unreadable).
    pub fn chaser_mode(&self) -> crate::domain::deadlines::ChaserMode {
        crate::domain::deadlines::ChaserMode::parse(&self.chasers).unwrap_or_default()
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.port == 0 {
            return Err(key_error(
                "port",
                "0 is not a usable port",
                "choose a port between 1 and 65535, e.g. 8000",
            ));
        }
        let base = self.base_url.trim();
        if !(base.starts_with("http://") || base.starts_with("https://")) || base.len() < 10 {
            return Err(key_error(
                "base_url",
                &format!("`{base}` is not an http(s) URL"),
                "set the public address passengers use, e.g. https://claims.example.com",
            ));
        }
        self.trusted_proxy_nets()?;
        if self.fee_percent > 50 {
            return Err(key_error(
                "fee_percent",
                "a fee above 50 % is refused",
                "set a percentage between 0 and 50",
            ));
        }
        self.validate_services()?;
        if let Some(secret) = &self.secret_key
            && decode_secret_key(secret.expose()).is_none()
        {
            {
                return Err(key_error(
                    "secret_key",
                    "must be 64 random bytes, base64-encoded (88 characters)",
                    "remove it to let FlightClaim generate one, or create one with `openssl rand -base64 64 | tr -d '\\n'`",
                ));
            }
        }
        if let Some(previous) = &self.secret_key_previous
            && decode_secret_key(previous.expose()).is_none()
        {
            return Err(key_error(
                "secret_key_previous",
                "must be the former secret key: 64 bytes, base64-encoded (88 characters)",
                "copy the old FLIGHTCLAIM_SECRET_KEY or the old secret.key file's content (or point FLIGHTCLAIM_SECRET_KEY_PREVIOUS_FILE at it)",
            ));
        }
        if !(1..=365).contains(&self.airline_reply_days) {
            return Err(key_error(
                "airline_reply_days",
                "must be between 1 and 365 days",
                "leave it unset (14) or set the days the airline has to answer a letter",
            ));
        }
        if crate::domain::deadlines::ChaserMode::parse(&self.chasers).is_none() {
            return Err(key_error(
                "chasers",
                &format!("`{}` is neither `propose` nor `send`", self.chasers),
                "set `propose` (the team sends what is due) or `send` (the daily job sends it)",
            ));
        }
        if !(1..=3600).contains(&self.mail_retry_base_secs) {
            return Err(key_error(
                "mail_retry_base_secs",
                "must be between 1 and 3600 seconds",
                "leave it unset (30) unless a test needs short retries",
            ));
        }
        self.validate_flight_status()?;
        self.validate_operator_bank()?;
        self.validate_vat()?;
        self.validate_auto_assign()?;
        self.validate_connections()?;
        for class in RateClass::ALL {
            let key = class.config_key();
            Quota::parse(self.rate_limit(class)).map_err(|problem| {
                key_error(
                    key,
                    &problem,
                    "write a quota such as 10/min, 600/min or 5/s",
                )
            })?;
        }
        Quota::parse(&self.rate_limit_account).map_err(|problem| {
            key_error(
                "rate_limit_account",
                &problem,
                "write a quota such as 20/hour",
            )
        })?;
        check_log_filter(&self.log).map_err(|problem| {
            key_error(
                "log",
                &problem,
                "use a level (error, warn, info, debug, trace) or target=level pairs after it, e.g. info or info,flightclaim=debug",
            )
        })?;
        Ok(())
    }

    /// The mail server, the sender, the replica and the shutdown grace: what `serve` would
    /// otherwise only find out when it first uses them.
    fn validate_services(&self) -> Result<(), ConfigError> {
        if let Some(smtp) = self.smtp_url.as_ref().filter(|u| !u.is_empty()) {
            check_smtp_url(smtp.expose()).map_err(|problem| {
                key_error(
                    "smtp_url",
                    &problem,
                    "e.g. smtp://127.0.0.1:2525, smtp://user:pass@host:587?tls=required or smtps://user:pass@mail.example.com:465",
                )
            })?;
        }
        if let Err(e) = self.mail_from.trim().parse::<lettre::message::Mailbox>() {
            return Err(key_error(
                "mail_from",
                &format!("`{}` is not a valid sender ({e})", self.mail_from),
                "use `Name <address@example.com>` or a bare address",
            ));
        }
        if let Some(replica) = &self.replica_url {
            crate::backup::store::check_url(replica).map_err(|problem| {
                key_error(
                    "replica_url",
                    &problem,
                    "e.g. file:///var/backups/flightclaim or s3://bucket/prefix",
                )
            })?;
        }
        if self.shutdown_grace_secs + SHUTDOWN_MARGIN_SECS > UNIT_TIMEOUT_STOP_SECS {
            return Err(key_error(
                "shutdown_grace_secs",
                &format!(
                    "{} s leaves less than {SHUTDOWN_MARGIN_SECS} s before systemd kills the process (the unit's TimeoutStopSec={UNIT_TIMEOUT_STOP_SECS}s), cutting the last replication sync",
                    self.shutdown_grace_secs
                ),
                &format!(
                    "keep it at most {} (default 10), or raise TimeoutStopSec= in a drop-in and keep this {SHUTDOWN_MARGIN_SECS} s below it",
                    UNIT_TIMEOUT_STOP_SECS - SHUTDOWN_MARGIN_SECS
                ),
            ));
        }
        Ok(())
    }

    fn validate_connections(&self) -> Result<(), ConfigError> {
        if !(16..=16_384).contains(&self.max_connections) {
            return Err(key_error(
                "max_connections",
                "must be between 16 and 16384",
                "keep the default 256; the process needs about three file descriptors per connection (raise LimitNOFILE= with it)",
            ));
        }
        if !(1..=3650).contains(&self.log_retention_days) {
            return Err(key_error(
                "log_retention_days",
                "must be between 1 and 3650 days",
                "keep the default 14, or turn files off with FLIGHTCLAIM_LOG_TO_FILE=false",
            ));
        }
        if !(1..=100_000).contains(&self.log_max_mb_per_day) {
            return Err(key_error(
                "log_max_mb_per_day",
                "must be between 1 and 100000 MB",
                "keep the default 100",
            ));
        }
        if !(1..=300).contains(&self.request_header_timeout_secs) {
            return Err(key_error(
                "request_header_timeout_secs",
                "must be between 1 and 300 seconds",
                "keep the default 10",
            ));
        }
        if !(1..=3600).contains(&self.request_body_timeout_secs) {
            return Err(key_error(
                "request_body_timeout_secs",
                "must be between 1 and 3600 seconds",
                "keep the default 120 (a 12 MiB upload over a slow mobile link)",
            ));
        }
        Ok(())
    }

    /// The `auto_assign` setting, once [`AppConfig::validate`] accepted it.
    pub fn auto_assign(&self) -> crate::services::assignment::AutoAssign {
        crate::services::assignment::AutoAssign::parse(&self.auto_assign).unwrap_or_default()
    }

    fn validate_auto_assign(&self) -> Result<(), ConfigError> {
        if crate::services::assignment::AutoAssign::parse(&self.auto_assign).is_none() {
            return Err(key_error(
                "auto_assign",
                &format!("unknown value `{}`", self.auto_assign),
                "use off, least_loaded or round_robin",
            ));
        }
        Ok(())
    }

    fn validate_flight_status(&self) -> Result<(), ConfigError> {
        let has_key = self
            .flight_status_api_key
            .as_ref()
            .is_some_and(|k| !k.is_empty());
        match self.flight_status_provider.as_deref() {
            None | Some("") if has_key => {
                return Err(key_error(
                    "flight_status_provider",
                    "an API key is set but no provider",
                    "set it to aerodatabox, or remove flight_status_api_key",
                ));
            }
            None | Some("") => {}
            Some(crate::flights::AERODATABOX) if has_key => {}
            Some(crate::flights::AERODATABOX) => {
                return Err(key_error(
                    "flight_status_api_key",
                    "the flight-status provider needs an API key",
                    "set FLIGHTCLAIM_FLIGHT_STATUS_API_KEY (or _FILE), or unset flight_status_provider to let passengers type times themselves",
                ));
            }
            Some(other) => {
                return Err(key_error(
                    "flight_status_provider",
                    &format!("unknown provider `{other}`"),
                    "use aerodatabox (the only provider implemented), or leave it unset",
                ));
            }
        }
        if let Some(url) = &self.flight_status_base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(key_error(
                "flight_status_base_url",
                &format!("`{url}` is not an http(s) URL"),
                "leave it unset for the provider's public endpoint, e.g. https://aerodatabox.p.rapidapi.com",
            ));
        }
        if !(100..=60_000).contains(&self.flight_status_timeout_ms) {
            return Err(key_error(
                "flight_status_timeout_ms",
                "must be between 100 and 60000 milliseconds",
                "keep the default 3000: passengers wait for it",
            ));
        }
        Ok(())
    }

    /// The quota string of a rate-limit class.
    pub fn rate_limit(&self, class: RateClass) -> &str {
        match class {
            RateClass::Auth => &self.rate_limit_auth,
            RateClass::Api => &self.rate_limit_api,
            RateClass::Typing => &self.rate_limit_typing,
            RateClass::Upload => &self.rate_limit_upload,
            RateClass::Form => &self.rate_limit_form,
        }
    }

    /// Parsed `trusted_proxies`.
    pub fn trusted_proxy_nets(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        self.trusted_proxies
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|item| {
                item.parse::<ipnet::IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        key_error(
                            "trusted_proxies",
                            &format!("`{item}` is not an IP address or CIDR range"),
                            "list addresses separated by commas, e.g. 127.0.0.1,10.0.0.0/8",
                        )
                    })
            })
            .collect()
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("flightclaim.sqlite3")
    }

    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// The operator identity keys (TOML key, value), in the order the legal notice shows them.
    pub fn operator_fields(&self) -> [(&'static str, &str); 8] {
        [
            ("operator_legal_name", &self.operator_legal_name),
            ("operator_legal_form", &self.operator_legal_form),
            ("operator_address", &self.operator_address),
            (
                "operator_registration_number",
                &self.operator_registration_number,
            ),
            ("operator_vat_number", &self.operator_vat_number),
            ("operator_email", &self.operator_email),
            ("operator_phone", &self.operator_phone),
            ("operator_representative", &self.operator_representative),
        ]
    }

    /// `operator_iban` and `operator_bic`, when set, must be usable in a SEPA file.
    fn validate_operator_bank(&self) -> Result<(), ConfigError> {
        if !self.operator_iban.trim().is_empty()
            && let Err(e) = crate::domain::iban::parse_iban(&self.operator_iban)
        {
            let problem = match e {
                crate::domain::iban::IbanError::Empty => "empty",
                crate::domain::iban::IbanError::Country => "not the IBAN of a SEPA country",
                crate::domain::iban::IbanError::Length => "wrong length for its country",
                crate::domain::iban::IbanError::Checksum => "its check digits do not match",
            };
            return Err(key_error(
                "operator_iban",
                &format!("`{}` is not a valid IBAN ({problem})", self.operator_iban),
                "copy the agency's IBAN from the bank (spaces allowed), e.g. FR76 3000 6000 0112 3456 7890 189, or leave it unset",
            ));
        }
        if !self.operator_bic.trim().is_empty() && !is_bic(self.operator_bic.trim()) {
            return Err(key_error(
                "operator_bic",
                &format!("`{}` is not a BIC", self.operator_bic),
                "8 or 11 characters: bank (4 letters), country (2 letters), location (2), optional branch (3), e.g. AGRIFRPP or AGRIFRPPXXX; or leave it unset",
            ));
        }
        Ok(())
    }

    /// The debtor of the payout batches' SEPA files: the operator's name (or the application's)
    /// and bank account; `None` when `operator_iban` is not set.
    pub fn sepa_debtor(&self) -> Option<crate::domain::sepa::Debtor> {
        let iban = crate::domain::iban::parse_iban(&self.operator_iban).ok()?;
        let name = self.operator_legal_name.trim();
        let bic = self.operator_bic.trim().to_ascii_uppercase();
        Some(crate::domain::sepa::Debtor {
            name: if name.is_empty() { "FlightClaim" } else { name }.to_string(),
            iban,
            bic: Some(bic).filter(|b| !b.is_empty()),
        })
    }

    /// Warnings for `check-config` in production (`https://` base URL): the agency's bank
    /// account, without which payout batches cannot be exported as SEPA files.
    pub fn bank_warnings(&self) -> Vec<String> {
        if !self.is_https() {
            return Vec::new();
        }
        [
            ("operator_iban", &self.operator_iban, "payout batches cannot be exported as SEPA files"),
            ("operator_bic", &self.operator_bic, "SEPA files say NOTPROVIDED for the agency's bank, which some banks refuse"),
        ]
        .iter()
        .filter(|(_, v, _)| v.trim().is_empty())
        .map(|(key, _, effect)| {
            format!(
                "warning: `{key}` ({}) is not set: {effect}. Fix: set it to the agency's bank account",
                env_var_name(key)
            )
        })
        .collect()
    }

    /// The VAT our fee invoices carry (validated at load).
    pub fn invoice_tax(&self) -> crate::domain::invoice::Tax {
        if self.vat_rate_bp == 0 {
            crate::domain::invoice::Tax::NotApplicable {
                mention: self.vat_mention.trim().to_string(),
            }
        } else {
            crate::domain::invoice::Tax::Vat {
                rate_bp: self.vat_rate_bp,
            }
        }
    }

    /// `vat_rate_bp` and `vat_mention`: a rate up to 30 %, or 0 with a mention; not both.
    fn validate_vat(&self) -> Result<(), ConfigError> {
        if self.vat_rate_bp > 3000 {
            return Err(key_error(
                "vat_rate_bp",
                &format!(
                    "{} basis points is {} %: no VAT rate in the EU or the UK is above 27 %",
                    self.vat_rate_bp,
                    self.vat_rate_bp / 100
                ),
                "write the rate in basis points (hundredths of a percent): 2000 for 20 %, 550 for 5.5 %, 0 when VAT does not apply",
            ));
        }
        let mention = self.vat_mention.trim();
        if self.vat_rate_bp == 0 && mention.is_empty() {
            return Err(key_error(
                "vat_mention",
                "VAT is 0 (`vat_rate_bp` = 0) but no mention says why, and an invoice without VAT must",
                "set it to the legal mention, e.g. `TVA non applicable, art. 293 B du CGI` or `VAT reverse charge`, or set `vat_rate_bp`",
            ));
        }
        if self.vat_rate_bp > 0 && !mention.is_empty() {
            return Err(key_error(
                "vat_mention",
                "a VAT rate and a \"VAT not applicable\" mention are both set",
                "remove `vat_mention`, or set `vat_rate_bp` to 0 when VAT does not apply",
            ));
        }
        if mention.chars().count() > 200 {
            return Err(key_error(
                "vat_mention",
                "longer than 200 characters",
                "keep the legal mention short, e.g. `TVA non applicable, art. 293 B du CGI`",
            ));
        }
        Ok(())
    }

    /// Warnings for `check-config` about fee invoices: in production (`https://` base URL), the
    /// operator identity an invoice must carry (legal name, address, registration number, and
    /// the VAT number when VAT is charged).
    pub fn invoice_warnings(&self) -> Vec<String> {
        if !self.is_https() {
            return Vec::new();
        }
        let mut needed = vec![
            ("operator_legal_name", &self.operator_legal_name),
            ("operator_address", &self.operator_address),
            (
                "operator_registration_number",
                &self.operator_registration_number,
            ),
        ];
        if self.vat_rate_bp > 0 {
            needed.push(("operator_vat_number", &self.operator_vat_number));
        }
        needed
            .into_iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(key, _)| {
                format!(
                    "warning: `{key}` ({}) is not set: fee invoices are issued without it, and an invoice must name it. Fix: set it before the first payout",
                    env_var_name(key)
                )
            })
            .collect()
    }

    /// Warnings (not errors) for `check-config`: in production (`https://` base URL) the
    /// operator identity the legal notice and the mandate need.
    pub fn warnings(&self) -> Vec<String> {
        if !self.is_https() {
            return Vec::new();
        }
        self.operator_fields()
            .iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(key, _)| {
                format!(
                    "warning: `{key}` ({}) is not set: the legal notice (/legal) says the operator has not configured it. Fix: set it to the operator's details",
                    env_var_name(key)
                )
            })
            .collect()
    }

    /// A human-readable dump with every secret replaced by `***`.
    pub fn redacted(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            for key in [
                "secret_key",
                "secret_key_previous",
                "smtp_url",
                "metrics_token",
                "flight_status_api_key",
            ] {
                if map.get(key).is_some_and(|v| !v.is_null()) {
                    map.insert(key.into(), serde_json::Value::String("***".into()));
                }
            }
        }
        let mut out = String::new();
        if let Some(map) = value.as_object() {
            for (k, v) in map {
                let shown = match v {
                    serde_json::Value::Null => "(unset)".to_string(),
                    serde_json::Value::String(s) => format!("\"{s}\""),
                    other => other.to_string(),
                };
                let _ = writeln!(out, "{k} = {shown}    # {}", env_var_name(k));
            }
        }
        out
    }
}

/// A BIC (ISO 9362): 4 letters (bank), 2 letters (country), 2 letters or digits (location),
/// optionally 3 letters or digits (branch).
fn is_bic(text: &str) -> bool {
    let b = text.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_alphabetic)
        && b[6..].iter().all(u8::is_ascii_alphanumeric)
}

/// An SMTP URL that lettre accepts and that names a host and a usable port.
fn check_smtp_url(text: &str) -> Result<(), String> {
    let text = text.trim();
    let Some(rest) = text
        .strip_prefix("smtp://")
        .or_else(|| text.strip_prefix("smtps://"))
    else {
        return Err("the URL must start with smtp:// or smtps://".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if host_port.starts_with('[') {
        let end = host_port.find(']').unwrap_or(host_port.len());
        let port = host_port[end..].strip_prefix("]:");
        (&host_port[..end], port)
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.trim_start_matches('[').is_empty() {
        return Err("the URL names no mail server host".into());
    }
    if let Some(port) = port
        && !port.parse::<u16>().is_ok_and(|p| p > 0)
    {
        return Err(format!("`{port}` is not a port (1 to 65535)"));
    }
    crate::mail::smtp::SmtpSettings::from_url(&Secret::new(text)).map(|_| ())
}

/// A tracing filter whose every directive is a level or `target=level`: a bare word such as
/// `verbose` is a target name to tracing, and would silently switch every other log off.
fn check_log_filter(filter: &str) -> Result<(), String> {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    for directive in filter.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        if !directive.contains('=') && !LEVELS.contains(&directive.to_ascii_lowercase().as_str()) {
            return Err(format!(
                "`{directive}` is not a log level (it would be read as a module name and switch every other log off)"
            ));
        }
    }
    tracing_subscriber::EnvFilter::try_new(filter)
        .map(|_| ())
        .map_err(|e| format!("invalid filter: {e}"))
}

/// Decodes a base64 secret key of exactly 64 bytes.
pub fn decode_secret_key(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    (bytes.len() == 64).then_some(bytes)
}

fn figment_error(err: &figment::Error) -> ConfigError {
    let key = err.path.join(".");
    if key.is_empty() {
        return ConfigError(format!(
            "configuration error: {err}. Fix: check the TOML file syntax"
        ));
    }
    let problem = match &err.kind {
        figment::error::Kind::UnknownField(field, _) => {
            return ConfigError(format!(
                "unknown configuration key `{field}` (environment variable {}). Fix: remove it or correct its spelling; see docs/DEPLOYMENT.md for the list of keys",
                env_var_name(field)
            ));
        }
        other => other.to_string(),
    };
    key_error(
        &key,
        &problem,
        "correct the value; `flightclaim check-config` shows the current configuration",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<AppConfig, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(AppConfig::default()));
        for (k, v) in pairs {
            fig = fig.merge(Toml::string(&format!("{k} = {v}")));
        }
        AppConfig::from_figment(&fig)
    }

    #[test]
    fn defaults_are_valid() {
        let cfg = with(&[]).unwrap();
        assert_eq!(cfg.port, 8000);
        assert_eq!(cfg.address.to_string(), "127.0.0.1");
        assert_eq!(cfg.data_dir, PathBuf::from("./var"));
    }

    #[test]
    fn bad_port_names_the_variable() {
        let err = with(&[("port", "\"abc\"")]).unwrap_err().0;
        assert!(err.contains("FLIGHTCLAIM_PORT"), "{err}");
        assert!(err.contains("Fix"), "{err}");
    }

    #[test]
    fn unknown_key_is_rejected() {
        let err = with(&[("prot", "8000")]).unwrap_err().0;
        assert!(err.contains("unknown configuration key `prot`"), "{err}");
    }

    #[test]
    fn bad_values_are_explained() {
        for (k, v, var) in [
            ("base_url", "\"ftp://x\"", "FLIGHTCLAIM_BASE_URL"),
            (
                "trusted_proxies",
                "\"10.0.0.0/99\"",
                "FLIGHTCLAIM_TRUSTED_PROXIES",
            ),
            ("rate_limit_auth", "\"ten\"", "FLIGHTCLAIM_RATE_LIMIT_AUTH"),
            ("smtp_url", "\"http://x\"", "FLIGHTCLAIM_SMTP_URL"),
            ("secret_key", "\"short\"", "FLIGHTCLAIM_SECRET_KEY"),
            ("log", "\"info,,=[\"", "FLIGHTCLAIM_LOG"),
            ("log", "\"verbose\"", "FLIGHTCLAIM_LOG"),
            ("smtp_url", "\"smtp://\"", "FLIGHTCLAIM_SMTP_URL"),
            ("smtp_url", "\"smtp://user:pw@:25\"", "FLIGHTCLAIM_SMTP_URL"),
            (
                "smtp_url",
                "\"smtp://mail.example.com:99999\"",
                "FLIGHTCLAIM_SMTP_URL",
            ),
            ("mail_from", "\"not an address\"", "FLIGHTCLAIM_MAIL_FROM"),
            (
                "replica_url",
                "\"file://backups\"",
                "FLIGHTCLAIM_REPLICA_URL",
            ),
            ("replica_url", "\"s3://\"", "FLIGHTCLAIM_REPLICA_URL"),
            ("replica_url", "\"s3:///prefix\"", "FLIGHTCLAIM_REPLICA_URL"),
            (
                "shutdown_grace_secs",
                "55",
                "FLIGHTCLAIM_SHUTDOWN_GRACE_SECS",
            ),
        ] {
            let err = with(&[(k, v)]).unwrap_err().0;
            assert!(err.contains(var), "{k}: {err}");
        }
    }

    #[test]
    fn usual_values_stay_valid() {
        for (k, v) in [
            ("log", "\"info,flightclaim=debug\""),
            ("log", "\"WARN\""),
            ("smtp_url", "\"smtp://127.0.0.1:2525\""),
            ("smtp_url", "\"smtps://u:p@mail.example.com:465\""),
            ("smtp_url", "\"smtp://u:p@mail.example.com?tls=required\""),
            ("smtp_url", "\"smtp://[::1]:2525\""),
            ("mail_from", "\"claims@example.com\""),
            ("replica_url", "\"file:///var/backups/flightclaim\""),
            (
                "replica_url",
                "\"s3://bucket/prefix?region=eu-west-3&credentials=instance\"",
            ),
            ("shutdown_grace_secs", "50"),
        ] {
            assert!(with(&[(k, v)]).is_ok(), "{k} = {v}");
        }
    }

    /// The grace check reads the unit's stop timeout from this constant.
    #[test]
    fn the_stop_timeout_matches_the_unit() {
        let unit = include_str!("../systemd/flightclaim.service");
        assert!(
            unit.lines()
                .any(|l| l.trim() == format!("TimeoutStopSec={UNIT_TIMEOUT_STOP_SECS}s")),
            "systemd/flightclaim.service must say TimeoutStopSec={UNIT_TIMEOUT_STOP_SECS}s"
        );
    }

    #[test]
    fn secrets_are_redacted() {
        let cfg = with(&[("smtp_url", "\"smtps://bob:hunter2@mail.example:465\"")]).unwrap();
        assert!(!cfg.redacted().contains("hunter2"));
        assert!(!format!("{cfg:?}").contains("hunter2"));
        assert!(cfg.redacted().contains("smtp_url = \"***\""));
    }

    #[test]
    fn secret_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("tok");
        std::fs::write(&f, "s3cret\n").unwrap();
        let cfg = with(&[("metrics_token_file", &format!("\"{}\"", f.display()))]).unwrap();
        assert_eq!(cfg.metrics_token.unwrap().expose(), "s3cret");
    }

    #[test]
    fn auto_assign_is_checked() {
        use crate::services::assignment::AutoAssign;
        assert_eq!(with(&[]).unwrap().auto_assign(), AutoAssign::Off);
        let cfg = with(&[("auto_assign", "\"round_robin\"")]).unwrap();
        assert_eq!(cfg.auto_assign(), AutoAssign::RoundRobin);
        let err = with(&[("auto_assign", "\"random\"")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("auto_assign") && err.contains("least_loaded"),
            "{err}"
        );
    }

    #[test]
    fn flight_status_keys_are_checked_and_redacted() {
        assert!(with(&[]).unwrap().flight_status_provider.is_none());
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("key");
        std::fs::write(&f, "adb-key\n").unwrap();
        let cfg = with(&[
            ("flight_status_provider", "\"aerodatabox\""),
            (
                "flight_status_api_key_file",
                &format!("\"{}\"", f.display()),
            ),
        ])
        .unwrap();
        assert_eq!(
            cfg.flight_status_api_key.as_ref().unwrap().expose(),
            "adb-key"
        );
        assert!(!cfg.redacted().contains("adb-key"));
        for (pairs, var) in [
            (
                vec![("flight_status_provider", "\"aerodatabox\"")],
                "FLIGHTCLAIM_FLIGHT_STATUS_API_KEY",
            ),
            (
                vec![("flight_status_api_key", "\"k\"")],
                "FLIGHTCLAIM_FLIGHT_STATUS_PROVIDER",
            ),
            (
                vec![
                    ("flight_status_provider", "\"flightaware\""),
                    ("flight_status_api_key", "\"k\""),
                ],
                "FLIGHTCLAIM_FLIGHT_STATUS_PROVIDER",
            ),
            (
                vec![("flight_status_base_url", "\"ftp://x\"")],
                "FLIGHTCLAIM_FLIGHT_STATUS_BASE_URL",
            ),
            (
                vec![("flight_status_timeout_ms", "0")],
                "FLIGHTCLAIM_FLIGHT_STATUS_TIMEOUT_MS",
            ),
        ] {
            let err = with(&pairs).unwrap_err().0;
            assert!(err.contains(var), "{pairs:?}: {err}");
        }
    }

    #[test]
    fn missing_operator_identity_warns_in_production_only() {
        let dev = AppConfig::default();
        assert!(dev.warnings().is_empty());
        let prod = AppConfig {
            base_url: "https://claims.example.com".into(),
            ..AppConfig::default()
        };
        let warnings = prod.warnings();
        assert_eq!(warnings.len(), 8, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("FLIGHTCLAIM_OPERATOR_LEGAL_NAME")),
            "{warnings:?}"
        );
        let named = with(&[
            ("base_url", "\"https://claims.example.com\""),
            ("operator_legal_name", "\"Vols Retardés SAS\""),
            ("operator_email", "\"contact@example.com\""),
        ])
        .unwrap();
        assert_eq!(named.warnings().len(), 6);
        assert_eq!(named.operator_legal_name, "Vols Retardés SAS");
    }

    #[test]
    fn the_agency_bank_account_is_checked_at_load() {
        let ok = with(&[
            ("operator_iban", "\"fr76 3000 6000 0112 3456 7890 189\""),
            ("operator_bic", "\"AGRIFRPP\""),
            ("operator_legal_name", "\"Vols Retardés SAS\""),
        ])
        .unwrap();
        let debtor = ok.sepa_debtor().unwrap();
        assert_eq!(debtor.iban, "FR7630006000011234567890189");
        assert_eq!(debtor.bic.as_deref(), Some("AGRIFRPP"));
        assert_eq!(debtor.name, "Vols Retardés SAS");
        assert!(AppConfig::default().sepa_debtor().is_none());
        for (pairs, var, words) in [
            (
                vec![("operator_iban", "\"FR76 3000 6000 0112 3456 7890 188\"")],
                "FLIGHTCLAIM_OPERATOR_IBAN",
                "check digits",
            ),
            (
                vec![("operator_iban", "\"US12 3456 7890\"")],
                "FLIGHTCLAIM_OPERATOR_IBAN",
                "SEPA country",
            ),
            (
                vec![("operator_bic", "\"AGRI-FR\"")],
                "FLIGHTCLAIM_OPERATOR_BIC",
                "not a BIC",
            ),
        ] {
            let err = with(&pairs).unwrap_err().0;
            assert!(err.contains(var) && err.contains(words), "{pairs:?}: {err}");
        }
        let prod = AppConfig {
            base_url: "https://claims.example.com".into(),
            ..AppConfig::default()
        };
        let warnings = prod.bank_warnings();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("FLIGHTCLAIM_OPERATOR_IBAN"));
        assert!(AppConfig::default().bank_warnings().is_empty());
        assert!(ok.bank_warnings().is_empty());
    }

    #[test]
    fn vat_settings_are_checked() {
        use crate::domain::invoice::Tax;
        assert_eq!(with(&[]).unwrap().invoice_tax(), Tax::Vat { rate_bp: 2000 });
        let exempt = with(&[
            ("vat_rate_bp", "0"),
            ("vat_mention", "\"TVA non applicable, art. 293 B du CGI\""),
        ])
        .unwrap();
        assert_eq!(
            exempt.invoice_tax(),
            Tax::NotApplicable {
                mention: "TVA non applicable, art. 293 B du CGI".into()
            }
        );
        assert_eq!(
            with(&[("vat_rate_bp", "550")]).unwrap().invoice_tax(),
            Tax::Vat { rate_bp: 550 }
        );
        for (pairs, var, says) in [
            (
                vec![("vat_rate_bp", "5000")],
                "FLIGHTCLAIM_VAT_RATE_BP",
                "basis points",
            ),
            (
                vec![("vat_rate_bp", "-1")],
                "FLIGHTCLAIM_VAT_RATE_BP",
                "Fix",
            ),
            (
                vec![("vat_rate_bp", "0")],
                "FLIGHTCLAIM_VAT_MENTION",
                "mention",
            ),
            (
                vec![("vat_mention", "\"VAT exempt\"")],
                "FLIGHTCLAIM_VAT_MENTION",
                "both set",
            ),
        ] {
            let err = with(&pairs).unwrap_err().0;
            assert!(err.contains(var) && err.contains(says), "{pairs:?}: {err}");
        }
    }

    #[test]
    fn missing_invoice_identity_warns_in_production_only() {
        assert!(AppConfig::default().invoice_warnings().is_empty());
        let prod = AppConfig {
            base_url: "https://claims.example.com".into(),
            ..AppConfig::default()
        };
        let warnings = prod.invoice_warnings();
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings.iter().all(|w| w.contains("invoice")));
        let exempt = AppConfig {
            vat_rate_bp: 0,
            vat_mention: "VAT exempt".into(),
            operator_legal_name: "Vols Retardés SAS".into(),
            ..prod
        };
        let warnings = exempt.invoice_warnings();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(!warnings.iter().any(|w| w.contains("VAT_NUMBER")));
    }

    /// The example environment file documents every configuration key, so an operator never
    /// has to read the source to find one.
    #[test]
    fn the_example_environment_file_lists_every_key() {
        let example = include_str!("../systemd/flightclaim.env.example");
        let listed: std::collections::BTreeSet<String> = example
            .lines()
            .filter_map(|l| l.trim_start_matches('#').split_once('='))
            .map(|(name, _)| name.trim().to_string())
            .filter(|name| name.starts_with("FLIGHTCLAIM_"))
            .collect();
        let serde_json::Value::Object(keys) = serde_json::to_value(AppConfig::default()).unwrap()
        else {
            panic!("the configuration serializes as a map");
        };
        let missing: Vec<String> = keys
            .keys()
            .map(|k| env_var_name(k))
            .filter(|name| !listed.contains(name))
            .collect();
        assert!(
            missing.is_empty(),
            "missing from flightclaim.env.example: {missing:?}"
        );
        let unknown: Vec<&String> = listed
            .iter()
            .filter(|name| {
                *name != "FLIGHTCLAIM_CONFIG"
                    && !keys.contains_key(&name["FLIGHTCLAIM_".len()..].to_ascii_lowercase())
            })
            .collect();
        assert!(unknown.is_empty(), "not configuration keys: {unknown:?}");
    }
}
