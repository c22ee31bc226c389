//! The `users` table: passengers and staff.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{DbError, now_text};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Passenger,
    Agent,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Passenger => "passenger",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }
}

/// Whether `create-admin` created a new account or promoted an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminUpsert {
    Created,
    Promoted,
}

/// Creates an admin, or promotes the existing account with that email and sets its password.
pub fn upsert_admin(
    tx: &Transaction<'_>,
    email: &str,
    password_hash: &str,
) -> Result<AdminUpsert, DbError> {
    let now = now_text();
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM users WHERE email = ?1",
            params![email],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        tx.execute(
            "UPDATE users SET role = 'admin', password_hash = ?1, disabled_at = NULL, updated_at = ?2 WHERE id = ?3",
            params![password_hash, now, id],
        )?;
        Ok(AdminUpsert::Promoted)
    } else {
        tx.execute(
            "INSERT INTO users (email, password_hash, role, email_verified_at, created_at, updated_at)
             VALUES (?1, ?2, 'admin', ?3, ?3, ?3)",
            params![email, password_hash, now],
        )?;
        Ok(AdminUpsert::Created)
    }
}

/// The role and password hash of the account with this email.
pub fn find_credentials(
    conn: &rusqlite::Connection,
    email: &str,
) -> Result<(Role, Option<String>), DbError> {
    let (role, hash): (String, Option<String>) = conn.query_row(
        "SELECT role, password_hash FROM users WHERE email = ?1",
        params![email],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let role = match role.as_str() {
        "admin" => Role::Admin,
        "agent" => Role::Agent,
        _ => Role::Passenger,
    };
    Ok((role, hash))
}

/// Number of accounts per role.
pub fn count_by_role(conn: &rusqlite::Connection, role: Role) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = ?1",
        params![role.as_str()],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, migrate};

    #[test]
    fn create_then_promote_is_idempotent_and_case_insensitive() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        migrate::run(&db).unwrap();
        assert_eq!(
            db.write_blocking(|tx| upsert_admin(tx, "Boss@Example.com", "h1"))
                .unwrap(),
            AdminUpsert::Created
        );
        assert_eq!(
            db.write_blocking(|tx| upsert_admin(tx, "boss@example.com", "h2"))
                .unwrap(),
            AdminUpsert::Promoted
        );
        let (role, hash) = db
            .read_blocking(|c| find_credentials(c, "BOSS@example.com"))
            .unwrap();
        assert_eq!(role, Role::Admin);
        assert_eq!(hash.as_deref(), Some("h2"));
        assert_eq!(
            db.read_blocking(|c| count_by_role(c, Role::Admin)).unwrap(),
            1
        );
    }

    #[test]
    fn hostile_email_is_just_data() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        migrate::run(&db).unwrap();
        let evil = "x'); DROP TABLE users; --@example.com";
        db.write_blocking(|tx| upsert_admin(tx, evil, "h")).unwrap();
        assert!(db.read_blocking(|c| find_credentials(c, evil)).is_ok());
    }
}
