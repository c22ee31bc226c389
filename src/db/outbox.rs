//! The `outbox` table: mail rendered at enqueue time, sent later by `mail::worker`.
//!
//! Life of a row: `queued` → (claimed) `sending` → `sent`, or back to `queued` with a later
//! `next_attempt_at` after a temporary failure, or `failed` after a permanent one. While a row
//! is `sending`, `next_attempt_at` is the end of the worker's lease: a row whose lease expired
//! (its worker died) is due again. Callers insert through `mail::queue`, which renders the
//! message; this module only stores rows.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _, Row, Transaction, params};

use super::DbError;

/// Whether a message of `kind` was enqueued after `since`.
pub fn has_kind_since(
    conn: &Connection,
    kind: &str,
    since: DateTime<Utc>,
) -> Result<bool, DbError> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM outbox WHERE kind = ?1 AND created_at > ?2 LIMIT 1",
            params![kind, timestamp(since)],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

/// The most recent error of a message still waiting (`queued` or `sending`).
pub fn latest_pending_error(conn: &Connection) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row(
            "SELECT last_error FROM outbox WHERE status IN ('queued', 'sending')
             AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Timestamp format of this table: UTC with milliseconds, sortable as text.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// `time` as the text stored in the outbox.
pub fn timestamp(time: DateTime<Utc>) -> String {
    time.format(TIME_FORMAT).to_string()
}

fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Queued,
    Sending,
    Sent,
    Failed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Queued,
        Status::Sending,
        Status::Sent,
        Status::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A rendered message to store.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub message_id: &'a str,
    pub kind: &'a str,
    pub to_addr: &'a str,
    pub to_name: &'a str,
    pub locale: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub auto_submitted: bool,
    /// The one-time links taken out of the bodies, sealed (see `mail::sealed`).
    pub secrets: Option<&'a str>,
}

/// One stored message with its delivery state (the admin preview shows the bodies).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: String,
    pub kind: String,
    pub to_addr: String,
    pub to_name: String,
    pub locale: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub auto_submitted: bool,
    pub status: Status,
    pub attempts: u32,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub eml_path: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
    /// Sealed one-time links; never serialized (pages show the bodies with their markers).
    #[serde(skip)]
    pub secrets: Option<String>,
}

const ROW_COLUMNS: &str = "id, message_id, kind, to_addr, to_name, locale, subject, body_text, \
    body_html, auto_submitted, status, attempts, next_attempt_at, last_error, eml_path, \
    created_at, updated_at, sent_at, secrets";

impl TryFrom<&Row<'_>> for OutboxRow {
    type Error = rusqlite::Error;

    fn try_from(row: &Row<'_>) -> Result<Self, Self::Error> {
        let status: String = row.get(10)?;
        Ok(OutboxRow {
            id: row.get(0)?,
            message_id: row.get(1)?,
            kind: row.get(2)?,
            to_addr: row.get(3)?,
            to_name: row.get(4)?,
            locale: row.get(5)?,
            subject: row.get(6)?,
            body_text: row.get(7)?,
            body_html: row.get(8)?,
            auto_submitted: row.get(9)?,
            status: Status::parse(&status).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    10,
                    rusqlite::types::Type::Text,
                    format!("unknown outbox status `{status}`").into(),
                )
            })?,
            attempts: row.get(11)?,
            next_attempt_at: row.get(12)?,
            last_error: row.get(13)?,
            eml_path: row.get(14)?,
            created_at: row.get(15)?,
            updated_at: row.get(16)?,
            sent_at: row.get(17)?,
            secrets: row.get(18)?,
        })
    }
}

/// One line of the admin list (no bodies).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxSummary {
    pub id: i64,
    pub kind: String,
    pub to_addr: String,
    pub subject: String,
    pub locale: String,
    pub status: Status,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub next_attempt_at: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// Numbers for `/ready` and `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct OutboxStats {
    /// Waiting to be sent (`queued` or `sending`).
    pub queued: u64,
    pub failed: u64,
    pub sent: u64,
    /// Age of the oldest waiting message, 0 when none waits.
    pub oldest_pending_secs: f64,
}

/// Stores a rendered message, due now. Call it inside the transaction of the change that
/// causes the mail, so that both commit or neither does.
pub fn insert(
    tx: &Transaction<'_>,
    mail: &NewMail<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = timestamp(now);
    tx.execute(
        "INSERT INTO outbox (message_id, kind, to_addr, to_name, locale, subject, body_text,
             body_html, auto_submitted, status, attempts, next_attempt_at, created_at, updated_at,
             secrets)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', 0, ?10, ?10, ?10, ?11)",
        params![
            mail.message_id,
            mail.kind,
            mail.to_addr,
            mail.to_name,
            mail.locale,
            mail.subject,
            mail.body_text,
            mail.body_html,
            mail.auto_submitted,
            now,
            mail.secrets,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Claims the next due message: marks it `sending` until `lease_until`, counts the attempt and
/// returns it. `None` when nothing is due.
pub fn claim_next_due(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<OutboxRow>, DbError> {
    let sql = format!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1,
             next_attempt_at = ?2, updated_at = ?1
         WHERE id = (SELECT id FROM outbox
                     WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at, id LIMIT 1)
         RETURNING {ROW_COLUMNS}"
    );
    Ok(tx
        .query_row(&sql, params![timestamp(now), timestamp(lease_until)], |r| {
            OutboxRow::try_from(r)
        })
        .optional()?)
}

/// When the next message becomes due (for the worker's sleep), if any waits.
pub fn next_due_at(conn: &Connection) -> Result<Option<DateTime<Utc>>, DbError> {
    let next: Option<String> = conn.query_row(
        "SELECT min(next_attempt_at) FROM outbox WHERE status IN ('queued', 'sending')",
        [],
        |r| r.get(0),
    )?;
    Ok(next.as_deref().and_then(parse_timestamp))
}

/// The SMTP server accepted the message. Its sealed one-time links are dropped: from now on
/// only the recipient's copy carries them.
pub fn mark_sent(tx: &Transaction<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let now = timestamp(now);
    tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?2, updated_at = ?2, last_error = NULL,
             secrets = NULL
         WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// A temporary failure: back to `queued`, due again at `next_attempt_at`.
pub fn mark_retry(
    tx: &Transaction<'_>,
    id: i64,
    next_attempt_at: DateTime<Utc>,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, last_error = ?3, updated_at = ?4
         WHERE id = ?1",
        params![id, timestamp(next_attempt_at), error, timestamp(now)],
    )?;
    Ok(())
}

/// A permanent failure, or too many temporary ones: given up, with the reason.
pub fn mark_failed(
    tx: &Transaction<'_>,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, error, timestamp(now)],
    )?;
    Ok(())
}

/// Gives a claimed but unsent message back (shutdown before its turn), not counting the attempt.
pub fn release(tx: &Transaction<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let now = timestamp(now);
    tx.execute(
        "UPDATE outbox SET status = 'queued', attempts = max(attempts - 1, 0),
             next_attempt_at = ?2, updated_at = ?2
         WHERE id = ?1 AND status = 'sending'",
        params![id, now],
    )?;
    Ok(())
}

/// At start-up: messages left `sending` by a previous process (crash, `kill -9`) are due now.
/// Some of them may already have been accepted by the SMTP server: they will be sent again.
/// Returns how many there were.
pub fn recover_interrupted(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<usize, DbError> {
    let now = timestamp(now);
    Ok(tx.execute(
        "UPDATE outbox SET status = 'queued', next_attempt_at = ?1, updated_at = ?1,
             last_error = coalesce(last_error, 'interrupted while sending; sent again')
         WHERE status = 'sending'",
        params![now],
    )?)
}

/// Admin action: send a `failed` (or waiting) message again, now, with a fresh retry budget.
/// `NotFound` when the id does not exist, `Conflict` when the message was already sent.
pub fn retry(tx: &Transaction<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let status: String = tx.query_row("SELECT status FROM outbox WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    if status == Status::Sent.as_str() {
        return Err(DbError::Conflict(format!("message {id} was already sent")));
    }
    let now = timestamp(now);
    tx.execute(
        "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?2, updated_at = ?2
         WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// One message with its bodies (admin preview).
pub fn find_by_id(conn: &Connection, id: i64) -> Result<OutboxRow, DbError> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM outbox WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], |r| OutboxRow::try_from(r))?)
}

/// One message by its `Message-ID` header value.
pub fn find_by_message_id(conn: &Connection, message_id: &str) -> Result<OutboxRow, DbError> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM outbox WHERE message_id = ?1");
    Ok(conn.query_row(&sql, [message_id], |r| OutboxRow::try_from(r))?)
}

/// Newest first, optionally only one status. Keyset pagination: `before` is the smallest id
/// of the previous page (never `OFFSET`, which reads and skips every earlier row).
pub fn list_for_admin(
    conn: &Connection,
    status: Option<Status>,
    limit: u32,
    before: Option<i64>,
) -> Result<Vec<OutboxSummary>, DbError> {
    // Two statements rather than `?1 IS NULL OR …`, so each uses its index (`outbox_status_id`
    // or the primary key) and stops after `limit` rows.
    let filter = if status.is_some() {
        "status = ?1 AND"
    } else {
        "?1 IS NULL AND"
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, kind, to_addr, subject, locale, status, attempts, last_error,
                next_attempt_at, created_at, sent_at
         FROM outbox WHERE {filter} id < ?3
         ORDER BY id DESC LIMIT ?2"
    ))?;
    let before = before.unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![status.map(Status::as_str), limit, before], |r| {
        let status: String = r.get(5)?;
        Ok(OutboxSummary {
            id: r.get(0)?,
            kind: r.get(1)?,
            to_addr: r.get(2)?,
            subject: r.get(3)?,
            locale: r.get(4)?,
            status: Status::parse(&status).unwrap_or(Status::Failed),
            attempts: r.get(6)?,
            last_error: r.get(7)?,
            next_attempt_at: r.get(8)?,
            created_at: r.get(9)?,
            sent_at: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Waiting messages that have no `.eml` copy yet (development without SMTP), oldest first.
pub fn list_without_eml(conn: &Connection, limit: u32) -> Result<Vec<OutboxRow>, DbError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM outbox WHERE status = 'queued' AND eml_path IS NULL
         ORDER BY id LIMIT ?1"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([limit], |r| OutboxRow::try_from(r))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Messages stored before one-time links were sealed (no `secrets`, a kind that carries such
/// links): `(id, status, subject, text, html)`, for `mail::sealed::seal_legacy_rows`.
pub fn list_unsealed(
    conn: &Connection,
    kinds: &[&str],
) -> Result<Vec<(i64, Status, [String; 3])>, DbError> {
    let placeholders = vec!["?"; kinds.len()].join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT id, status, subject, body_text, body_html FROM outbox
         WHERE secrets IS NULL AND kind IN ({placeholders})"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(kinds), |r| {
        let status: String = r.get(1)?;
        Ok((
            r.get(0)?,
            Status::parse(&status).unwrap_or(Status::Failed),
            [r.get(2)?, r.get(3)?, r.get(4)?],
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces a message's subject and bodies and its sealed links (legacy rows being sealed).
pub fn replace_bodies(
    tx: &Transaction<'_>,
    id: i64,
    parts: &[String; 3],
    secrets: Option<&str>,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE outbox SET subject = ?2, body_text = ?3, body_html = ?4, secrets = ?5
         WHERE id = ?1",
        params![id, parts[0], parts[1], parts[2], secrets],
    )?;
    Ok(())
}

pub fn set_eml_path(tx: &Transaction<'_>, id: i64, path: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE outbox SET eml_path = ?2 WHERE id = ?1",
        params![id, path],
    )?;
    Ok(())
}

/// Backlog numbers at `now`.
pub fn stats(conn: &Connection, now: DateTime<Utc>) -> Result<OutboxStats, DbError> {
    // Counted from the `outbox_status_id` index alone: the rows themselves carry whole message
    // bodies, and a scan of them costs tens of milliseconds at 100,000 messages.
    let (mut queued, mut failed, mut sent) = (0i64, 0i64, 0i64);
    let mut stmt = conn.prepare_cached("SELECT status, count(*) FROM outbox GROUP BY status")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (status, n) = row?;
        match status.as_str() {
            "queued" | "sending" => queued += n,
            "failed" => failed += n,
            "sent" => sent += n,
            _ => {}
        }
    }
    let oldest: Option<String> = conn.query_row(
        "SELECT min(created_at) FROM outbox WHERE status IN ('queued', 'sending')",
        [],
        |r| r.get(0),
    )?;
    let oldest_pending_secs = oldest
        .as_deref()
        .and_then(parse_timestamp)
        .map_or(0.0, |t| {
            #[allow(clippy::cast_precision_loss)]
            let ms = (now - t).num_milliseconds().max(0) as f64;
            ms / 1000.0
        });
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(OutboxStats {
        queued: count(queued),
        failed: count(failed),
        sent: count(sent),
        oldest_pending_secs,
    })
}

/// `(id, secrets)` of every message still holding sealed one-time links.
pub fn sealed_secrets(conn: &Connection) -> Result<Vec<(i64, String)>, DbError> {
    let mut stmt = conn.prepare("SELECT id, secrets FROM outbox WHERE secrets IS NOT NULL")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Replaces the sealed links of message `id` (sealed again under a new key).
pub fn set_secrets(conn: &Connection, id: i64, secrets: &str) -> Result<(), DbError> {
    conn.execute(
        "UPDATE outbox SET secrets = ?2 WHERE id = ?1",
        params![id, secrets],
    )?;
    Ok(())
}
