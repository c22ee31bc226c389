//! The staff's search over accounts (`/admin/users`): by email or name, by role, newest first.

use rusqlite::Connection;
use serde::Serialize;

use super::DbError;

/// One account in the staff list.
#[derive(Debug, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub verified: bool,
    pub disabled: bool,
    pub created_at: String,
}

/// Accounts whose email or name contains `q` (literally: `%`, `_` and `\` are no wildcards),
/// with role `role` (`""` for any), with an id below `before` (keyset pagination); at most
/// `limit`, newest first.
pub fn search(
    conn: &Connection,
    q: &str,
    role: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<UserRow>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, email, name, role, email_verified_at IS NOT NULL, disabled_at IS NOT NULL, created_at FROM users
         WHERE (?1 = '' OR email LIKE ?5 ESCAPE '\\' OR name LIKE ?5 ESCAPE '\\')
           AND (?2 = '' OR role = ?2)
           AND (?3 IS NULL OR id < ?3)
         ORDER BY id DESC LIMIT ?4",
    )?;
    let pattern = super::like_contains(q);
    let rows = stmt.query_map(rusqlite::params![q, role, before, limit, pattern], |r| {
        Ok(UserRow {
            id: r.get(0)?,
            email: r.get(1)?,
            name: r.get(2)?,
            role: r.get(3)?,
            verified: r.get(4)?,
            disabled: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
