//! `documents`: metadata of the files passengers upload. The bytes are in
//! [`crate::documents::DocumentStore`] under their SHA-256; a row says whose they are.
//!
//! A row belongs either to a draft (while the wizard runs) or to a claim; [`Owner`] names which.
//! Every lookup takes the owner, so a handler that resolved the owner from the session can never
//! reach another passenger's row by guessing an id.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};

/// Whose document: a draft's (wizard) or a claim's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Draft(i64),
    Claim(i64),
}

impl Owner {
    fn column(self) -> &'static str {
        match self {
            Owner::Draft(_) => "draft_id",
            Owner::Claim(_) => "claim_id",
        }
    }

    fn id(self) -> i64 {
        match self {
            Owner::Draft(id) | Owner::Claim(id) => id,
        }
    }
}

/// The kinds of document a passenger can upload.
pub const KINDS: [&str; 4] = ["boarding_pass", "booking", "id", "other"];

/// One document's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: i64,
    pub claim_id: Option<i64>,
    pub kind: String,
    /// For an identity document: whose (passenger position, 0 = lead).
    pub passenger_position: Option<i64>,
    pub sha256: String,
    pub size_bytes: i64,
    pub content_type: String,
    pub original_name: String,
    pub uploaded_at: String,
    pub uploaded_by: Option<i64>,
}

/// What an upload adds.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub kind: String,
    pub passenger_position: Option<i64>,
    pub sha256: String,
    pub size_bytes: i64,
    pub content_type: String,
    pub original_name: String,
    pub uploaded_by: Option<i64>,
}

const COLUMNS: &str = "id, claim_id, kind, passenger_position, sha256, size_bytes, content_type,
    original_name, uploaded_at, uploaded_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        claim_id: r.get(1)?,
        kind: r.get(2)?,
        passenger_position: r.get(3)?,
        sha256: r.get(4)?,
        size_bytes: r.get(5)?,
        content_type: r.get(6)?,
        original_name: r.get(7)?,
        uploaded_at: r.get(8)?,
        uploaded_by: r.get(9)?,
    })
}

/// Adds a document; the same file (same SHA-256) twice for one owner stays one row, whose id is
/// returned with `false`.
pub fn insert(
    tx: &Transaction<'_>,
    owner: Owner,
    doc: &NewDocument,
) -> Result<(i64, bool), DbError> {
    let col = owner.column();
    if let Some(id) = tx
        .query_row(
            &format!("SELECT id FROM documents WHERE {col} = ?1 AND sha256 = ?2"),
            params![owner.id(), doc.sha256],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    {
        return Ok((id, false));
    }
    tx.execute(
        &format!(
            "INSERT INTO documents ({col}, kind, passenger_position, sha256, size_bytes,
             content_type, original_name, uploaded_at, uploaded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ),
        params![
            owner.id(),
            doc.kind,
            doc.passenger_position,
            doc.sha256,
            doc.size_bytes,
            doc.content_type,
            doc.original_name,
            now_text(),
            doc.uploaded_by,
        ],
    )?;
    Ok((tx.last_insert_rowid(), true))
}

/// How many documents `owner` holds and their total size in bytes.
pub fn usage(conn: &Connection, owner: Owner) -> Result<(i64, i64), DbError> {
    Ok(conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(size_bytes), 0) FROM documents WHERE {} = ?1",
            owner.column()
        ),
        [owner.id()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// An owner's documents, oldest first.
pub fn list(conn: &Connection, owner: Owner) -> Result<Vec<Document>, DbError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM documents WHERE {} = ?1 ORDER BY uploaded_at, id",
        owner.column()
    ))?;
    let rows = stmt.query_map(params![owner.id()], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A claim's documents, oldest first (passenger page, admin claim detail).
pub fn list_for_claim(conn: &Connection, claim_id: i64) -> Result<Vec<Document>, DbError> {
    list(conn, Owner::Claim(claim_id))
}

/// One document, only if it belongs to `owner`.
pub fn find(conn: &Connection, owner: Owner, id: i64) -> Result<Option<Document>, DbError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM documents WHERE id = ?1 AND {} = ?2",
                owner.column()
            ),
            params![id, owner.id()],
            row,
        )
        .optional()?)
}

/// One document of a claim by `(claim_id, id)`; `None` when the id is another claim's.
pub fn find_for_claim(
    conn: &Connection,
    claim_id: i64,
    id: i64,
) -> Result<Option<Document>, DbError> {
    find(conn, Owner::Claim(claim_id), id)
}

/// Removes a document of `owner`. Returns the removed row and whether any other row still uses
/// the same file (when none does, the caller may delete the file).
pub fn delete(
    tx: &Transaction<'_>,
    owner: Owner,
    id: i64,
) -> Result<Option<(Document, bool)>, DbError> {
    let Some(doc) = find(tx, owner, id)? else {
        return Ok(None);
    };
    tx.execute("DELETE FROM documents WHERE id = ?1", params![doc.id])?;
    let shared = tx
        .query_row(
            "SELECT 1 FROM documents WHERE sha256 = ?1 LIMIT 1",
            params![doc.sha256],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    Ok(Some((doc, shared)))
}

/// At submission: the draft's documents become the claim's (same transaction as the claim).
pub fn attach_draft_to_claim(
    tx: &Transaction<'_>,
    draft_id: i64,
    claim_id: i64,
) -> Result<usize, DbError> {
    Ok(tx.execute(
        "UPDATE documents SET claim_id = ?2, draft_id = NULL WHERE draft_id = ?1",
        params![draft_id, claim_id],
    )?)
}

/// Every stored file some row still points at (drafts' and claims' uploads, and the generated
/// escalation documents).
pub fn referenced_hashes(conn: &Connection) -> Result<std::collections::HashSet<String>, DbError> {
    let mut stmt =
        conn.prepare("SELECT sha256 FROM documents UNION SELECT sha256 FROM escalation_documents")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, drafts, migrate};

    fn doc(sha: &str, name: &str) -> NewDocument {
        NewDocument {
            kind: "other".into(),
            passenger_position: None,
            sha256: sha.into(),
            size_bytes: 10,
            content_type: "application/pdf".into(),
            original_name: name.into(),
            uploaded_by: None,
        }
    }

    #[test]
    fn owners_are_kept_apart_and_drafts_move_to_claims() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        migrate::run(&db).unwrap();
        let (a, b) = db
            .write_blocking(|tx| {
                Ok((
                    drafts::insert(tx, "ta", None, "{}", "documents")?,
                    drafts::insert(tx, "tb", None, "{}", "documents")?,
                ))
            })
            .unwrap();
        let evil = "x'); DROP TABLE documents; --.pdf";
        let (id, added) = db
            .write_blocking(move |tx| insert(tx, Owner::Draft(a), &doc(&"a".repeat(64), evil)))
            .unwrap();
        assert!(added);
        let (again, added) = db
            .write_blocking(move |tx| insert(tx, Owner::Draft(a), &doc(&"a".repeat(64), "x")))
            .unwrap();
        assert_eq!((again, added), (id, false), "same file, same row");
        // The same file for another draft is that draft's own row.
        db.write_blocking(move |tx| insert(tx, Owner::Draft(b), &doc(&"a".repeat(64), "y")))
            .unwrap();
        assert!(
            db.read_blocking(move |c| find(c, Owner::Draft(b), id))
                .unwrap()
                .is_none()
        );
        let found = db
            .read_blocking(move |c| find(c, Owner::Draft(a), id))
            .unwrap()
            .unwrap();
        assert_eq!(found.original_name, evil);
        // Removing A's row: B still uses the file.
        let (_, shared) = db
            .write_blocking(move |tx| delete(tx, Owner::Draft(a), id))
            .unwrap()
            .unwrap();
        assert!(shared);
        assert!(
            db.write_blocking(move |tx| delete(tx, Owner::Draft(a), id))
                .unwrap()
                .is_none()
        );
        // A draft deleted without submission takes its rows with it.
        db.write_blocking(move |tx| drafts::delete(tx, b)).unwrap();
        let left: i64 = db
            .read_blocking(|c| Ok(c.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(left, 0);
    }
}
