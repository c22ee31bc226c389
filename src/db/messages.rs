//! The conversation on a claim: messages from the passenger (`passenger_messages`) and from the
//! team (`claim_events` of kind `message`), read as one thread.

use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};

/// One message of the thread, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadEntry {
    pub at: String,
    /// Written by the passenger (else by the team).
    pub from_passenger: bool,
    /// The team member's first name (never their address); `None` when they gave no name, or
    /// for the passenger's own messages.
    pub staff_first_name: Option<String>,
    pub body: String,
    /// For a passenger's message: not answered yet.
    pub unanswered: bool,
}

pub fn add_passenger_message(
    tx: &Transaction<'_>,
    claim_id: i64,
    author_id: i64,
    body: &str,
) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO passenger_messages (claim_id, author_id, body, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![claim_id, author_id, body, now_text()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The team wrote to the claim (or handled its messages): every open message is answered.
pub fn mark_answered(tx: &Transaction<'_>, claim_id: i64) -> Result<usize, DbError> {
    Ok(tx.execute(
        "UPDATE passenger_messages SET answered_at = ?1 WHERE claim_id = ?2 AND answered_at IS NULL",
        params![now_text(), claim_id],
    )?)
}

/// The whole conversation of a claim, oldest first.
pub fn thread(conn: &Connection, claim_id: i64) -> Result<Vec<ThreadEntry>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT at, from_passenger, first_name, body, unanswered FROM (
             SELECT m.created_at AS at, 1 AS from_passenger, NULL AS first_name, m.body AS body,
                    m.answered_at IS NULL AS unanswered, m.id AS seq
             FROM passenger_messages m WHERE m.claim_id = ?1
             UNION ALL
             SELECT e.at, 0, nullif(trim(substr(trim(u.name), 1,
                        instr(trim(u.name) || ' ', ' ') - 1)), ''),
                    e.body, 0, e.id
             FROM claim_events e LEFT JOIN users u ON u.id = e.actor_id
             WHERE e.claim_id = ?1 AND e.kind = 'message'
         ) ORDER BY at, seq",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| {
        Ok(ThreadEntry {
            at: r.get(0)?,
            from_passenger: r.get(1)?,
            staff_first_name: r.get(2)?,
            body: r.get(3)?,
            unanswered: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many claims have a passenger message nobody answered yet (the overview's count).
pub fn claims_awaiting_answer(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT count(DISTINCT claim_id) FROM passenger_messages WHERE answered_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

/// Who hears of a passenger's message: the claim's assignee, or every enabled agent and admin
/// when nobody is assigned. `(email, name, locale)`.
pub fn message_recipients(
    conn: &Connection,
    claim_id: i64,
) -> Result<Vec<(String, String, String)>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT u.email, u.name, u.locale FROM claims c JOIN users u ON u.id = c.assignee_id
         WHERE c.id = ?1 AND u.disabled_at IS NULL AND u.role <> 'passenger'
         UNION ALL
         SELECT u.email, u.name, u.locale FROM users u
         WHERE u.role IN ('agent', 'admin') AND u.disabled_at IS NULL
           AND NOT EXISTS (
               SELECT 1 FROM claims c JOIN users a ON a.id = c.assignee_id
               WHERE c.id = ?1 AND a.disabled_at IS NULL AND a.role <> 'passenger')
         ORDER BY 1",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
