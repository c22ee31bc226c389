//! Email: a durable outbox in `SQLite`, sent over SMTP by a background worker.
//!
//! # Sending a message
//!
//! Queue it **in the same transaction** as the change that causes it, with [`queue`]:
//! `mail::queue(tx, &mailer, &to, &messages::ClaimSubmitted {…})?` renders it in the
//! recipient's stored language (passed explicitly in [`Recipient`]), seals its one-time links
//! ([`Mailer::compose`], [`sealed`]) and stores it in the outbox ([`enqueue`]). If the
//! transaction rolls back, no mail exists; if it commits, the mail will be sent. Subject and
//! bodies are stored as rendered, so what was promised is what is sent.
//!
//! Rendering happens inside the transaction, so the single writer is held while Tera and the
//! CSS inliner run (a few milliseconds per message, at a few submissions per second at most).
//! That is the price of one obvious way to do it: the message can use what the transaction
//! has just written (the claim reference, the account's language). [`Mailer::compose`] and
//! [`enqueue`] stay public for the rare caller that renders without storing (the test email,
//! the constant-time "no such account" reset answer).
//!
//! # Delivery
//!
//! [`worker::run`] (spawned on liftoff, stopped on shutdown) is woken by [`enqueue`] and also
//! polls every few seconds. For each due row it: claims it (`sending`, attempt counted, lease)
//! in one short transaction; sends it with no database connection held; records the outcome in
//! another transaction: `sent`; or, on a temporary failure (4xx, refused, timeout, TLS or
//! authentication trouble), `queued` again after an exponential backoff with jitter
//! ([`worker::RetryPolicy`]: 30 s doubling to 1 h, ~24 h in all); or `failed` with the reason on a
//! permanent one (5xx, invalid address) or when the retries are exhausted.
//!
//! **At least once, not exactly once.** A message is never sent twice in normal operation.
//! The one way to duplicate it is a crash (power loss, `kill -9`, OOM) after the SMTP server
//! accepted the DATA and before the `sent` mark committed: on the next start the row is still
//! `sending`, it is re-queued and sent again. The `Message-ID` is the same both times, so mail
//! clients usually collapse the two. Losing a message would need the database to lose a commit.
//!
//! Without `FLIGHTCLAIM_SMTP_URL`, messages stay `queued` (visible in `/admin/emails`) and the
//! worker also writes each as `<data_dir>/outbox/<id>-<kind>.eml` for development.
//!
//! SMTP errors become an operator hint ([`smtp::classify`]) stored in `last_error` and logged.

pub mod messages;
pub mod render;
pub mod sealed;
pub mod smtp;
pub mod watchdog;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use rusqlite::Transaction;
use tokio::sync::Notify;

pub use messages::Email;
pub use render::Rendered;
pub use smtp::{SendError, SmtpSettings};
pub use worker::RetryPolicy;

use crate::config::{AppConfig, Secret};
use crate::crypto::{Purpose, Sealer};
use crate::db::outbox::{self, NewMail, OutboxRow};
use crate::db::{Db, DbError};
use crate::i18n::Locale;

/// Mail set-up problems.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("{0}")]
    Config(String),
    #[error("email template error: {0}")]
    Template(String),
    #[error("database: {0}")]
    Db(#[from] DbError),
}

/// Who receives a message, and in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    /// Display name (may be empty).
    pub name: String,
    pub locale: Locale,
}

impl Recipient {
    pub fn new(email: impl Into<String>, name: impl Into<String>, locale: Locale) -> Recipient {
        Recipient {
            email: email.into(),
            name: name.into(),
            locale,
        }
    }
}

/// A rendered message, ready for [`enqueue`]. Its `Message-ID` is fixed here: enqueuing the
/// same value twice is refused by the database (`DbError::Conflict`).
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub message_id: String,
    pub kind: &'static str,
    pub to: Recipient,
    pub auto_submitted: bool,
    pub rendered: Rendered,
    /// The one-time links taken out of `rendered`, sealed ([`sealed`]).
    pub sealed_secrets: Option<String>,
    wake: Option<Arc<Notify>>,
}

/// Stores `mail` in the outbox inside `tx` (the transaction of the change that causes it) and
/// wakes the worker. Returns the outbox id.
pub fn enqueue(tx: &Transaction<'_>, mail: &OutgoingMail) -> Result<i64, DbError> {
    let id = outbox::insert(
        tx,
        &NewMail {
            message_id: &mail.message_id,
            kind: mail.kind,
            to_addr: &mail.to.email,
            to_name: &mail.to.name,
            locale: mail.to.locale.as_str(),
            subject: &mail.rendered.subject,
            body_text: &mail.rendered.text,
            body_html: &mail.rendered.html,
            auto_submitted: mail.auto_submitted,
            secrets: mail.sealed_secrets.as_deref(),
        },
        chrono::Utc::now(),
    )?;
    // The worker claims rows through the same single writer, so it cannot see this row before
    // the transaction commits; if it rolls back, the worker wakes for nothing.
    if let Some(wake) = &mail.wake {
        wake.notify_one();
    }
    Ok(id)
}

/// Renders `message` for `to` ([`Mailer::compose`], which seals one-time links) and stores it
/// in the outbox inside `tx` ([`enqueue`]): the one way to queue an email from a transaction.
/// Returns the outbox id.
pub fn queue<E: Email>(
    tx: &Transaction<'_>,
    mailer: &Mailer,
    to: &Recipient,
    message: &E,
) -> Result<i64, DbError> {
    let composed = mailer
        .compose(to, message)
        .map_err(|e| DbError::Mail(e.to_string()))?;
    enqueue(tx, &composed)
}

/// Everything mail needs: templates, sender, SMTP settings, retry policy, the worker's bell.
pub struct Mailer {
    renderer: render::Renderer,
    from: Mailbox,
    domain: String,
    smtp: Option<SmtpSettings>,
    retry: RetryPolicy,
    eml_dir: Option<PathBuf>,
    sealer: Sealer,
    wake: Arc<Notify>,
    worker: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("smtp", &self.smtp)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Builds the mailer from the configuration: parses `mail_from` and `smtp_url`, loads the
    /// templates; `secret_key` seals one-time links ([`sealed`]). Does not connect (the worker
    /// and [`send_test`] do).
    pub fn from_config(cfg: &AppConfig, secret_key: &Secret) -> Result<Mailer, MailError> {
        let from: Mailbox = cfg.mail_from.trim().parse().map_err(|e| {
            MailError::Config(format!(
                "configuration error in `mail_from` (TOML key `mail_from`, environment variable FLIGHTCLAIM_MAIL_FROM): `{}` is not a valid sender ({e}). Fix: use `Name <address@example.com>` or a bare address",
                cfg.mail_from
            ))
        })?;
        let domain = from.email.domain().to_string();
        let smtp = cfg
            .smtp_url
            .as_ref()
            .filter(|u| !u.is_empty())
            .map(|url| {
                SmtpSettings::from_url(url).map_err(|problem| {
                    MailError::Config(format!(
                        "configuration error in `smtp_url` (TOML key `smtp_url`, environment variable FLIGHTCLAIM_SMTP_URL): {problem}. Fix: e.g. smtp://127.0.0.1:2525, smtp://user:pass@host:587?tls=required or smtps://user:pass@host:465"
                    ))
                })
            })
            .transpose()?;
        let eml_dir = smtp.is_none().then(|| cfg.data_dir.join("outbox"));
        Ok(Mailer {
            renderer: render::Renderer::load(&cfg.base_url)?,
            from,
            domain,
            smtp,
            retry: RetryPolicy::with_base(Duration::from_secs(u64::from(
                cfg.mail_retry_base_secs.max(1),
            ))),
            eml_dir,
            sealer: Sealer::rotating(
                secret_key,
                cfg.secret_key_previous.as_ref(),
                Purpose::MailSecrets,
            ),
            wake: Arc::new(Notify::new()),
            worker: std::sync::Mutex::new(None),
        })
    }

    /// Renders `email` for `to` and gives it a fresh `Message-ID`; see the module doc.
    pub fn compose<E: Email>(&self, to: &Recipient, email: &E) -> Result<OutgoingMail, MailError> {
        let mut rendered = self.renderer.render(to, email)?;
        let sealed_secrets = sealed::seal(&mut rendered, &email.secrets(), &self.sealer);
        Ok(OutgoingMail {
            message_id: self.new_message_id(),
            kind: E::KIND,
            to: to.clone(),
            auto_submitted: E::AUTO_SUBMITTED,
            rendered,
            sealed_secrets,
            wake: Some(self.wake.clone()),
        })
    }

    /// The row as it goes out, one-time links restored ([`sealed::reveal`]).
    pub fn reveal(&self, row: &OutboxRow) -> OutboxRow {
        sealed::reveal(row, &self.sealer)
    }

    /// What the recipient of a composed message will read (one-time links restored).
    pub fn as_received(&self, mail: &OutgoingMail) -> Rendered {
        match &mail.sealed_secrets {
            Some(sealed) => sealed::reveal_rendered(mail.rendered.clone(), sealed, &self.sealer)
                .unwrap_or_else(|stored| stored),
            None => mail.rendered.clone(),
        }
    }

    /// Seals again under the current key the links of queued messages that only the former key
    /// opens (a secret-key rotation).
    pub fn reseal_rotated_rows(&self, db: &Db) -> Result<usize, DbError> {
        sealed::reseal_rotated_rows(db, &self.sealer)
    }

    /// Seals the links of messages stored by older versions ([`sealed::seal_legacy_rows`]).
    pub fn seal_legacy_rows(&self, db: &Db) -> Result<usize, DbError> {
        sealed::seal_legacy_rows(db, &self.sealer)
    }

    /// `<32 hex digits@domain of mail_from>`.
    pub fn new_message_id(&self) -> String {
        format!(
            "<{}@{}>",
            hex::encode(rand::random::<[u8; 16]>()),
            self.domain
        )
    }

    /// Whether an SMTP server is configured (otherwise mail stays in the outbox).
    pub fn smtp_enabled(&self) -> bool {
        self.smtp.is_some()
    }

    /// `host:port` of the configured SMTP server.
    pub fn smtp_server(&self) -> Option<&str> {
        self.smtp.as_ref().map(|s| s.server.as_str())
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    pub fn renderer(&self) -> &render::Renderer {
        &self.renderer
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Where development `.eml` copies go (only without SMTP).
    pub fn eml_dir(&self) -> Option<&std::path::Path> {
        self.eml_dir.as_deref()
    }

    /// Spawns the outbox worker (once per process; the app does it on liftoff). It stops when
    /// `shutdown` completes, after finishing the message it is sending.
    pub fn spawn_worker<S>(self: &Arc<Self>, db: Db, shutdown: S)
    where
        S: std::future::Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(worker::run(self.clone(), db, shutdown));
        *self
            .worker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(handle);
    }

    /// Waits (at most `timeout`) for the worker to stop after shutdown was triggered, so that a
    /// message being sent is marked `sent` before the process exits instead of being sent
    /// again at the next start.
    pub async fn join_worker(&self, timeout: Duration) {
        let handle = self
            .worker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(handle) = handle
            && tokio::time::timeout(timeout, handle).await.is_err()
        {
            tracing::warn!("outbox worker did not stop in time; a message may be sent again");
        }
    }

    /// Wakes the worker (after an admin retry, for instance).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn bell(&self) -> &Notify {
        &self.wake
    }

    pub(crate) fn smtp(&self) -> Option<&SmtpSettings> {
        self.smtp.as_ref()
    }

    /// The MIME message exactly as it would be sent (for `.eml` files and previews).
    pub fn raw_message(&self, row: &OutboxRow) -> Result<Vec<u8>, String> {
        smtp::build_message(&self.from, &self.reveal(row))
            .map(|m| m.formatted())
            .map_err(|c| format!("{c:?}"))
    }
}

/// Sends a test message to `to` now, bypassing the outbox. `Ok` carries the server's
/// `host:port`; `Err` the operator hint.
pub async fn send_test(mailer: &Mailer, to: &str, locale: Locale) -> Result<String, SendError> {
    let Some(settings) = mailer.smtp() else {
        return Err(SendError {
            permanent: true,
            hint: "SMTP is not configured: set FLIGHTCLAIM_SMTP_URL (e.g. smtps://user:pass@mail.example.com:465); until then mail stays in the outbox".into(),
        });
    };
    let recipient = Recipient::new(to.trim(), "", locale);
    let mail = mailer
        .compose(
            &recipient,
            &messages::SmtpTest {
                server: settings.server.clone(),
            },
        )
        .map_err(|e| SendError {
            permanent: true,
            hint: e.to_string(),
        })?;
    let now = outbox::timestamp(chrono::Utc::now());
    let row = OutboxRow {
        id: 0,
        message_id: mail.message_id,
        kind: mail.kind.to_string(),
        to_addr: recipient.email,
        to_name: String::new(),
        locale: locale.as_str().to_string(),
        subject: mail.rendered.subject,
        body_text: mail.rendered.text,
        body_html: mail.rendered.html,
        auto_submitted: true,
        status: outbox::Status::Sending,
        attempts: 1,
        next_attempt_at: now.clone(),
        last_error: None,
        eml_path: None,
        created_at: now.clone(),
        updated_at: now,
        sent_at: None,
        secrets: None,
    };
    let transport = settings.transport();
    let result = smtp::send_row(&transport, settings, &mailer.from, &row).await;
    let to = crate::logging::mask_email(&row.to_addr);
    match &result {
        Ok(()) => tracing::info!(%to, server = %settings.server, "test email sent"),
        Err(e) => {
            let hint = crate::logging::mask_emails_in(&e.hint);
            tracing::warn!(%to, %hint, "test email failed");
        }
    }
    result.map(|()| settings.server.clone())
}

/// Outbox numbers for `/ready` and `/metrics`.
pub async fn stats(db: &Db) -> Result<outbox::OutboxStats, DbError> {
    db.read(|conn| outbox::stats(conn, chrono::Utc::now()))
        .await
}
