//! `escalation_documents`: the PDFs generated to pursue a claim (second notice, NEB complaint,
//! court papers), stored as generated. The bytes are in [`crate::documents::DocumentStore`].

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};

/// One generated document, with who generated it (name or email; `None` = a job).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationDocument {
    pub id: i64,
    pub claim_id: i64,
    pub kind: String,
    pub variant: String,
    pub language: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub created_at: String,
    pub created_by: Option<String>,
}

/// What a generation adds.
#[derive(Debug, Clone)]
pub struct NewEscalationDocument<'a> {
    pub claim_id: i64,
    pub kind: &'a str,
    pub variant: &'a str,
    pub language: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub created_by: Option<i64>,
}

/// Adds a row; returns its id.
pub fn insert(tx: &Transaction<'_>, doc: &NewEscalationDocument<'_>) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO escalation_documents (claim_id, kind, variant, language, sha256, size_bytes,
             created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            doc.claim_id,
            doc.kind,
            doc.variant,
            doc.language,
            doc.sha256,
            doc.size_bytes,
            now_text(),
            doc.created_by
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

const SELECT: &str = "SELECT d.id, d.claim_id, d.kind, d.variant, d.language, d.sha256,
        d.size_bytes, d.created_at, coalesce(nullif(u.name, ''), u.email)
     FROM escalation_documents d LEFT JOIN users u ON u.id = d.created_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EscalationDocument> {
    Ok(EscalationDocument {
        id: r.get(0)?,
        claim_id: r.get(1)?,
        kind: r.get(2)?,
        variant: r.get(3)?,
        language: r.get(4)?,
        sha256: r.get(5)?,
        size_bytes: r.get(6)?,
        created_at: r.get(7)?,
        created_by: r.get(8)?,
    })
}

/// A claim's generated documents, newest first.
pub fn list_for_claim(
    conn: &Connection,
    claim_id: i64,
) -> Result<Vec<EscalationDocument>, DbError> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE d.claim_id = ?1 ORDER BY d.id DESC"
    ))?;
    let rows = stmt.query_map(params![claim_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One document of a claim (the claim is part of the key: no reaching another claim's).
pub fn find(
    conn: &Connection,
    claim_id: i64,
    id: i64,
) -> Result<Option<EscalationDocument>, DbError> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE d.claim_id = ?1 AND d.id = ?2"),
            params![claim_id, id],
            row,
        )
        .optional()?)
}

/// When the claim was first sent to the airline (the first letter), if it was.
pub fn first_sent_to_airline(conn: &Connection, claim_id: i64) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row(
            "SELECT min(at) FROM claim_events
             WHERE claim_id = ?1 AND kind = 'status' AND to_status = 'sent_to_airline'",
            params![claim_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// The airline's answer as an agent recorded it (the internal note written with the latest
/// "airline answered" status: `"<label>: <summary>"`), if any.
pub fn airline_answer(conn: &Connection, claim_id: i64) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row(
            "SELECT body FROM claim_events
             WHERE claim_id = ?1 AND kind = 'note' AND id > (
                 SELECT max(id) FROM claim_events
                 WHERE claim_id = ?1 AND kind = 'status' AND to_status = 'airline_answered')
             ORDER BY id LIMIT 1",
            params![claim_id],
            |r| r.get(0),
        )
        .optional()?)
}
