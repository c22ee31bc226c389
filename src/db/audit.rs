//! The audit log: who changed what, when, with the values before and after.

use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};

/// One recorded staff action.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Records an action in the caller's transaction, so the change and its trace commit together.
pub fn record(
    tx: &Transaction<'_>,
    actor_id: Option<i64>,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO audit_log (at, actor_id, actor, action, target, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![now_text(), actor_id, actor, action, target, before, after],
    )?;
    Ok(())
}

/// Filters for the audit page; empty strings mean "any".
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: String,
    pub action: String,
    pub target: String,
    /// Keyset pagination: entries with an id below this one.
    pub before_id: Option<i64>,
}

/// The newest entries matching the filter, at most `limit`.
pub fn list(
    conn: &Connection,
    filter: &AuditFilter,
    limit: u32,
) -> Result<Vec<AuditEntry>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, target, before, after FROM audit_log
         WHERE (?1 = '' OR actor LIKE ?6 ESCAPE '\\')
           AND (?2 = '' OR action = ?2)
           AND (?3 = '' OR target = ?3)
           AND (?4 IS NULL OR id < ?4)
         ORDER BY id DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        params![
            filter.actor,
            filter.action,
            filter.target,
            filter.before_id,
            limit,
            super::like_contains(&filter.actor)
        ],
        |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                target: r.get(4)?,
                before: r.get(5)?,
                after: r.get(6)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
