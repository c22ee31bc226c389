//! Assembles the application: the one place where state is managed and routes are mounted.

use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use rocket::data::{Limits, ToByteUnit};
use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

use crate::config::{AppConfig, Secret, decode_secret_key};
use crate::db::migrate::{self, SchemaState};
use crate::db::{Db, DbError};
use crate::flights::FlightStatusService;
use crate::metrics::Metrics;
use crate::ratelimit::{Quota, RateClass, RateLimits};
use crate::refdata::RefData;
use crate::search::airports::AirportIndex;
use crate::web::airports::SearchCache;
use crate::web::assets::AssetStore;
use crate::web::guards::TrustedProxies;
use crate::web::render::Templates;
use crate::web::security::{RequestTracker, SecurityHeaders};
use crate::{jobs, systemd, web};

/// Name of the generated secret key file inside the data directory.
pub const SECRET_KEY_FILE: &str = "secret.key";
/// Lock file of the data directory, held by `serve` for its whole life (replication on or off).
pub const DATA_DIR_LOCK: &str = "flightclaim.lock";

/// Why the application could not start, phrased for the operator.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error(
        "cannot use the data directory {path}: {source}. Fix: create it and make it writable by the service user, or set FLIGHTCLAIM_DATA_DIR"
    )]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Db(#[from] DbError),
    #[error(
        "the database schema is at version {current} but this binary needs {latest}. Fix: back up the database, then run `flightclaim migrate` (or start with `flightclaim serve --migrate`)"
    )]
    SchemaBehind { current: i64, latest: i64 },
    #[error(
        "the database schema (version {current}) is newer than this binary (version {latest}). Fix: install the newer flightclaim release again"
    )]
    SchemaAhead { current: i64, latest: i64 },
    #[error("{0}")]
    Templates(#[from] crate::web::render::TemplateError),
    #[error("{0}")]
    Mail(#[from] crate::mail::MailError),
    #[error(
        "cannot start replication: {0}. Fix: check FLIGHTCLAIM_REPLICA_URL and the AWS_* variables"
    )]
    Replication(String),
    #[error(
        "another flightclaim server is already running on the data directory {dir} (it holds {lock}{holder}). Two servers must never share one database. Fix: stop the other one first (`systemctl stop flightclaim`); to run a second server (a restore drill, a test), restore the database into its own FLIGHTCLAIM_DATA_DIR and leave FLIGHTCLAIM_REPLICA_URL unset there"
    )]
    DataDirInUse {
        dir: String,
        lock: String,
        holder: String,
    },
    #[error("{0}")]
    ReplicaOwned(String),
}

/// Options of `serve` that are not configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Apply pending migrations to an existing database (`serve --migrate`).
    pub migrate: bool,
}

/// Creates the data directory and returns the database, migrated as `options` allow.
pub fn open_database(cfg: &AppConfig, options: ServeOptions) -> Result<Db, StartError> {
    ensure_data_dir(&cfg.data_dir)?;
    let db = Db::open(&cfg.database_path())?;
    match migrate::state(&db)? {
        SchemaState::UpToDate => {}
        SchemaState::Fresh => {
            migrate::run(&db)?;
        }
        SchemaState::Behind { current, latest } => {
            if options.migrate {
                migrate::run(&db)?;
            } else {
                return Err(StartError::SchemaBehind { current, latest });
            }
        }
        SchemaState::Ahead { current, latest } => {
            return Err(StartError::SchemaAhead { current, latest });
        }
    }
    Ok(db)
}

/// Whether this user can use the data directory (or create it) — without creating anything:
/// `check-config` runs it; `serve` finds the same problems creating the directory.
pub fn check_data_dir(dir: &Path) -> Result<(), StartError> {
    let fail = |source: std::io::Error| StartError::DataDir {
        path: dir.display().to_string(),
        source,
    };
    let mut probe = dir;
    loop {
        match std::fs::metadata(probe) {
            Ok(m) if m.is_dir() => {
                return rustix::fs::access(
                    probe,
                    rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK,
                )
                .map_err(|e| {
                    fail(std::io::Error::new(
                        std::io::Error::from(e).kind(),
                        format!("{} is not writable by this user", probe.display()),
                    ))
                });
            }
            Ok(_) => {
                return Err(fail(std::io::Error::other(format!(
                    "{} is not a directory",
                    probe.display()
                ))));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                probe = match probe.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
            }
            Err(e) => return Err(fail(e)),
        }
    }
}

/// Takes the data directory's exclusive lock ([`DATA_DIR_LOCK`]), creating the directory if
/// needed; the lock lasts as long as the returned file is open. A second `serve` on the same
/// directory gets [`StartError::DataDirInUse`].
pub fn lock_data_dir(dir: &Path) -> Result<std::fs::File, StartError> {
    ensure_data_dir(dir)?;
    let path = dir.join(DATA_DIR_LOCK);
    let io_err = |source| StartError::DataDir {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err)?;
    match file.try_lock() {
        Ok(()) => {
            // Who holds it, for the message a second server prints.
            let _ = file
                .set_len(0)
                .and_then(|()| writeln!(file, "{}", std::process::id()));
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let pid = std::fs::read_to_string(&path).unwrap_or_default();
            let holder = match pid.trim() {
                "" => String::new(),
                pid => format!(", pid {pid}"),
            };
            Err(StartError::DataDirInUse {
                dir: dir.display().to_string(),
                lock: DATA_DIR_LOCK.to_string(),
                holder,
            })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io_err(e)),
    }
}

fn ensure_data_dir(dir: &Path) -> Result<(), StartError> {
    crate::fsperm::create_private_dir(dir).map_err(|source| StartError::DataDir {
        path: dir.display().to_string(),
        source,
    })
}

/// The configured secret key, or the one stored in the data directory, generated (mode 0600)
/// on first start.
pub fn secret_key(cfg: &AppConfig) -> Result<Secret, StartError> {
    if let Some(key) = &cfg.secret_key {
        return Ok(key.clone());
    }
    ensure_data_dir(&cfg.data_dir)?;
    let path = cfg.data_dir.join(SECRET_KEY_FILE);
    let data_err = |source| StartError::DataDir {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) if decode_secret_key(&text).is_some() => return Ok(Secret::new(text.trim())),
        Ok(_) => {
            return Err(StartError::Config(crate::config::ConfigError(format!(
                "the secret key file {} is corrupt. Fix: restore it from backup (sessions depend on it) or delete it to generate a new one",
                path.display()
            ))));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(data_err(e)),
    }
    let key = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 64]>());
    let mut file = {
        use std::os::unix::fs::OpenOptionsExt as _;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(data_err)?
    };
    file.write_all(key.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(data_err)?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(Secret::new(key))
}

fn rocket_figment(cfg: &AppConfig, key: &Secret) -> Figment {
    let limits = Limits::default()
        .limit("form", 64.kibibytes())
        .limit("data-form", 12.mebibytes())
        .limit("json", 256.kibibytes())
        .limit("string", 64.kibibytes())
        .limit("bytes", 64.kibibytes())
        .limit("file", 12.mebibytes());
    Figment::from(rocket::Config::release_default())
        .merge(("address", cfg.address))
        .merge(("port", cfg.port))
        .merge(("secret_key", key.expose()))
        .merge(("limits", limits))
        .merge(("ident", false))
        .merge(("ip_header", false))
        .merge(("log_level", rocket::config::LogLevel::Off))
        .merge(("cli_colors", false))
        .merge(("shutdown.grace", cfg.shutdown_grace_secs))
        .merge(("shutdown.mercy", cfg.shutdown_grace_secs.min(5)))
}

/// The airport index, built once per process from the embedded data (a quarter of a second in
/// release) and shared by every application instance, e.g. the many built by the test suite.
pub fn airport_index() -> Arc<AirportIndex> {
    static INDEX: OnceLock<Arc<AirportIndex>> = OnceLock::new();
    INDEX
        .get_or_init(|| Arc::new(AirportIndex::build(RefData::embedded())))
        .clone()
}

/// The rate limiters of every class, from the configured quotas.
fn rate_limits(cfg: &AppConfig) -> Result<Arc<RateLimits>, StartError> {
    let mut quotas = Vec::new();
    for class in RateClass::ALL {
        let quota = Quota::parse(cfg.rate_limit(class))
            .map_err(|e| crate::config::ConfigError(format!("{}: {e}", class.config_key())))?;
        quotas.push((class, quota));
    }
    let account_quota = Quota::parse(&cfg.rate_limit_account)
        .map_err(|e| crate::config::ConfigError(format!("rate_limit_account: {e}")))?;
    Ok(RateLimits::with_account_quota(quotas, account_quota))
}

/// The mailer and the sealers of values kept encrypted at rest, both under the secret key;
/// values stored in clear by older versions are sealed here, once.
fn mailer_and_sealers(
    cfg: &AppConfig,
    key: &Secret,
    db: &Db,
) -> Result<(std::sync::Arc<crate::mail::Mailer>, crate::crypto::Sealers), StartError> {
    let mailer = std::sync::Arc::new(crate::mail::Mailer::from_config(cfg, key)?);
    mailer.seal_legacy_rows(db)?;
    let sealers = crate::crypto::Sealers::new(key, cfg.secret_key_previous.as_ref());
    crate::web::admin::totp::seal_legacy_secrets(db, &sealers.totp)?;
    if cfg.secret_key_previous.is_some() {
        let links = mailer.reseal_rotated_rows(db)?;
        let factors = crate::web::admin::totp::reseal_rotated_secrets(db, &sealers.totp)?;
        tracing::warn!(
            queued_links = links,
            second_factors = factors,
            "secret key rotation: values sealed under the previous key are sealed under the new one; remove FLIGHTCLAIM_SECRET_KEY_PREVIOUS now"
        );
    }
    Ok((mailer, sealers))
}

/// The replicator when replication is on, with the replica's lease taken: a second server
/// shipping to the same replica does not start.
fn replicator(cfg: &AppConfig, db: &Db) -> Result<Option<crate::backup::Replicator>, StartError> {
    let Some(settings) = crate::backup::Settings::from_config(cfg) else {
        return Ok(None);
    };
    db.with_writer(|c| Ok(crate::backup::prepare_writer(c)?))?;
    let mut r = crate::backup::Replicator::new(settings, &cfg.data_dir)
        .map_err(|e| StartError::Replication(e.to_string()))?
        .with_writer_gate(db.clone());
    match r.claim_replica_blocking() {
        Ok(()) => {}
        Err(crate::backup::BackupError::Owned(o)) => {
            return Err(StartError::ReplicaOwned(o.to_string()));
        }
        // The store is unreachable: start anyway, the replicator retries.
        Err(e) => tracing::warn!(error = %e, "could not take the replica's lease yet"),
    }
    Ok(Some(r))
}

/// Builds the application from a configuration: opens (and, for a fresh database, migrates)
/// the database, loads templates and assets, and mounts every area.
pub fn build(cfg: AppConfig) -> Result<Rocket<Build>, StartError> {
    build_with(cfg, ServeOptions::default())
}

pub fn build_with(cfg: AppConfig, options: ServeOptions) -> Result<Rocket<Build>, StartError> {
    cfg.validate()?;
    let key = secret_key(&cfg)?;
    let db = open_database(&cfg, options)?;
    let replicator = replicator(&cfg, &db)?;
    let replication_status = replicator
        .as_ref()
        .map(crate::backup::Replicator::status)
        .unwrap_or_default();
    let assets = AssetStore::load();
    let templates = Templates::load(assets.clone())?;
    let limits = rate_limits(&cfg)?;
    let trusted = TrustedProxies(cfg.trusted_proxy_nets()?);
    let flight_status = FlightStatusService::from_config(&cfg)?;
    let figment = rocket_figment(&cfg, &key);
    let hsts = cfg.is_https();
    let (mailer, sealers) = mailer_and_sealers(&cfg, &key, &db)?;
    let replicator = replicator.map(|r| r.with_lag_alerts(mailer.clone()));
    let background_mailer = mailer.clone();

    let replication_task = crate::backup::TaskSlot::default();
    let replication_stop = replication_task.clone();
    let background_db = db.clone();
    let background_limits = limits.clone();
    let background_documents = crate::documents::DocumentStore::new(&cfg.data_dir);
    let chaser_settings = (cfg.deadline_rules(), cfg.chaser_mode());
    let rocket = rocket::custom(figment)
        .manage(cfg)
        .manage(db)
        .manage(assets)
        .manage(templates)
        .manage(limits)
        .manage(trusted)
        .manage(Metrics::default())
        .manage(airport_index())
        .manage(SearchCache::new())
        .manage(crate::documents::quota::DailyUploads::default())
        .manage(crate::web::admin::stats_cache::StatsCache::new())
        .manage(mailer)
        .manage(sealers)
        .manage(replication_status)
        .manage(flight_status)
        .attach(RequestTracker)
        .attach(SecurityHeaders { hsts })
        .attach(AdHoc::on_liftoff("background jobs", move |rocket| {
            Box::pin(async move {
                let shutdown = rocket.shutdown();
                tokio::spawn(jobs::sweep_rate_limits(background_limits, shutdown.clone()));
                jobs::spawn_housekeeping(
                    &background_db,
                    &background_mailer,
                    background_documents,
                    chaser_settings,
                    &shutdown,
                );
                if let Some(replicator) = replicator {
                    replication_task.spawn(replicator, shutdown.clone());
                }
                if let Some(interval) = systemd::watchdog_interval() {
                    tokio::spawn(systemd::run_watchdog(background_db, interval, shutdown));
                }
                systemd::notify_ready();
            })
        }))
        .attach(AdHoc::on_shutdown("mail worker", |rocket| {
            Box::pin(async move {
                if let Some(mailer) = rocket.state::<std::sync::Arc<crate::mail::Mailer>>() {
                    mailer.join_worker(std::time::Duration::from_secs(30)).await;
                }
            })
        }))
        .attach(AdHoc::on_shutdown("replication final sync", move |_| {
            Box::pin(async move {
                replication_stop
                    .finish(std::time::Duration::from_secs(20))
                    .await;
            })
        }))
        .attach(AdHoc::on_shutdown("systemd stopping", |_| {
            Box::pin(async {
                systemd::notify_stopping();
            })
        }))
        .mount("/", web::routes())
        .mount("/", web::account::routes())
        .mount("/", web::claims::routes())
        .mount("/", web::admin::routes())
        .register("/", web::errors::catchers());
    Ok(rocket)
}
