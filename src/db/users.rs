//! The `users` table: passengers and staff.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{DbError, now_text};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Passenger,
    Agent,
    /// Records money (ledger, settlements, payouts) besides what an agent does.
    Finance,
    Admin,
}

impl Role {
    /// `passenger`, `agent`, `finance` or `admin`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "passenger" => Some(Role::Passenger),
            "agent" => Some(Role::Agent),
            "finance" => Some(Role::Finance),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Passenger => "passenger",
            Role::Agent => "agent",
            Role::Finance => "finance",
            Role::Admin => "admin",
        }
    }

    /// May sign in to the back office.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Passenger)
    }

    /// May record money: finance staff and admins.
    pub fn records_money(self) -> bool {
        matches!(self, Role::Finance | Role::Admin)
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
    Ok((Role::parse(&role).unwrap_or(Role::Passenger), hash))
}

/// Number of accounts per role.
pub fn count_by_role(conn: &rusqlite::Connection, role: Role) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = ?1",
        params![role.as_str()],
        |r| r.get(0),
    )?)
}

/// An account as the account pages show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub locale: String,
    pub verified: bool,
    pub created_at: String,
    /// Accounts made by a claim filed while signed out have none until the passenger chooses
    /// one: they sign in with emailed links.
    pub has_password: bool,
}

/// What login needs: the id, the hash and whether the account is disabled.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub id: i64,
    pub password_hash: Option<String>,
    pub disabled: bool,
    /// The address was confirmed (by a verification, reset or invitation link).
    pub verified: bool,
}

/// Creates a passenger account; `Conflict` when the email is taken (case-insensitive).
pub fn insert_passenger(
    tx: &Transaction<'_>,
    email: &str,
    name: &str,
    password_hash: &str,
    locale: &str,
) -> Result<i64, DbError> {
    let now = now_text();
    tx.execute(
        "INSERT INTO users (email, name, password_hash, role, locale, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'passenger', ?4, ?5, ?5)",
        params![email, name, password_hash, locale, now],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn find_login(
    conn: &rusqlite::Connection,
    email: &str,
) -> Result<Option<LoginRecord>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id, password_hash, disabled_at IS NOT NULL, email_verified_at IS NOT NULL
             FROM users WHERE email = ?1",
            params![email],
            |r| {
                Ok(LoginRecord {
                    id: r.get(0)?,
                    password_hash: r.get(1)?,
                    disabled: r.get(2)?,
                    verified: r.get(3)?,
                })
            },
        )
        .optional()?)
}

pub fn find_id_by_email(conn: &rusqlite::Connection, email: &str) -> Result<Option<i64>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id FROM users WHERE email = ?1 AND disabled_at IS NULL",
            params![email],
            |r| r.get(0),
        )
        .optional()?)
}

/// Maps `id, email, name, role, locale, verified, created_at, has_password`, in that order.
fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        locale: r.get(4)?,
        verified: r.get(5)?,
        created_at: r.get(6)?,
        has_password: r.get(7)?,
    })
}

pub fn find_account(conn: &rusqlite::Connection, id: i64) -> Result<Account, DbError> {
    Ok(conn.query_row(
        "SELECT id, email, name, role, locale, email_verified_at IS NOT NULL, created_at, password_hash IS NOT NULL FROM users WHERE id = ?1",
        params![id],
        account_from_row,
    )?)
}

pub fn password_hash(conn: &rusqlite::Connection, id: i64) -> Result<Option<String>, DbError> {
    Ok(conn.query_row(
        "SELECT password_hash FROM users WHERE id = ?1",
        params![id],
        |r| r.get(0),
    )?)
}

pub fn set_password(tx: &Transaction<'_>, id: i64, password_hash: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE users SET password_hash = ?1, updated_at = ?2 WHERE id = ?3",
        params![password_hash, now_text(), id],
    )?;
    Ok(())
}

/// Changes the email (already verified by the token that carried it).
pub fn set_email(tx: &Transaction<'_>, id: i64, email: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE users SET email = ?1, email_verified_at = ?2, updated_at = ?2 WHERE id = ?3",
        params![email, now_text(), id],
    )?;
    Ok(())
}

pub fn set_locale(tx: &Transaction<'_>, id: i64, locale: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE users SET locale = ?1, updated_at = ?2 WHERE id = ?3",
        params![locale, now_text(), id],
    )?;
    Ok(())
}

pub fn set_name(tx: &Transaction<'_>, id: i64, name: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE users SET name = ?1, updated_at = ?2 WHERE id = ?3",
        params![name, now_text(), id],
    )?;
    Ok(())
}

pub fn mark_verified(tx: &Transaction<'_>, id: i64) -> Result<(), DbError> {
    tx.execute(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?1), updated_at = ?1 WHERE id = ?2",
        params![now_text(), id],
    )?;
    Ok(())
}

/// Deletes the account; sessions and tokens go with it (foreign keys cascade).
pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<(), DbError> {
    tx.execute("DELETE FROM users WHERE id = ?1", params![id])?;
    Ok(())
}

/// Removes what identifies the account but keeps its row, for an account whose claims must be
/// kept (they refer to it): no address, name or password, disabled; sessions and tokens go.
pub fn anonymize(tx: &Transaction<'_>, id: i64) -> Result<(), DbError> {
    let now = now_text();
    tx.execute(
        "UPDATE users SET email = ?1, name = '', password_hash = NULL,
                disabled_at = ?2, updated_at = ?2 WHERE id = ?3",
        params![format!("deleted-account-{id}@deleted.invalid"), now, id],
    )?;
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
    tx.execute("DELETE FROM account_tokens WHERE user_id = ?1", params![id])?;
    Ok(())
}

/// Enabled agents and admins: who reads what passengers send through the contact form.
pub fn list_staff(conn: &rusqlite::Connection) -> Result<Vec<Account>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, email, name, role, locale, email_verified_at IS NOT NULL, created_at, password_hash IS NOT NULL FROM users
         WHERE role IN ('agent', 'admin') AND disabled_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([], account_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Enabled admins, who receive operational alerts.
pub fn list_admins(conn: &rusqlite::Connection) -> Result<Vec<Account>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, email, name, role, locale, email_verified_at IS NOT NULL, created_at, password_hash IS NOT NULL FROM users
         WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([], account_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Creates a passenger account without a password (a claim submitted while signed out); the
/// verification link lets its owner set one. `Conflict` when the email is taken.
pub fn insert_passenger_without_password(
    tx: &Transaction<'_>,
    email: &str,
    name: &str,
    locale: &str,
) -> Result<i64, DbError> {
    let now = now_text();
    tx.execute(
        "INSERT INTO users (email, name, password_hash, role, locale, created_at, updated_at)
         VALUES (?1, ?2, NULL, 'passenger', ?3, ?4, ?4)",
        params![email, name, locale, now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Creates a staff account whose address is already verified (an accepted invitation).
pub fn insert_verified_staff(
    tx: &Transaction<'_>,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
    locale: &str,
) -> Result<i64, DbError> {
    let now = now_text();
    tx.execute(
        "INSERT INTO users (email, name, password_hash, role, locale, email_verified_at,
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)",
        params![email, name, password_hash, role.as_str(), locale, now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The stored role of a user (as text: `passenger`, `agent`, `admin`). `NotFound` if no such user.
pub fn find_role(conn: &rusqlite::Connection, id: i64) -> Result<String, DbError> {
    Ok(
        conn.query_row("SELECT role FROM users WHERE id = ?1", params![id], |r| {
            r.get(0)
        })?,
    )
}

/// How many enabled admins there are besides user `id`.
pub fn count_other_enabled_admins(conn: &rusqlite::Connection, id: i64) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?1",
        params![id],
        |r| r.get(0),
    )?)
}

pub fn set_role(tx: &Transaction<'_>, id: i64, role: Role) -> Result<(), DbError> {
    tx.execute(
        "UPDATE users SET role = ?1, updated_at = ?2 WHERE id = ?3",
        params![role.as_str(), now_text(), id],
    )?;
    Ok(())
}

/// Disables (now) or re-enables an account. `NotFound` if no such user.
pub fn set_disabled(tx: &Transaction<'_>, id: i64, disabled: bool) -> Result<(), DbError> {
    let changed = tx.execute(
        "UPDATE users SET disabled_at = CASE WHEN ?1 THEN ?2 ELSE NULL END, updated_at = ?2 WHERE id = ?3",
        params![disabled, now_text(), id],
    )?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Removes the password: it stops working at once (a reset link sets a new one).
pub fn clear_password(tx: &Transaction<'_>, id: i64) -> Result<(), DbError> {
    tx.execute(
        "UPDATE users SET password_hash = NULL, updated_at = ?2 WHERE id = ?1",
        params![id, now_text()],
    )?;
    Ok(())
}

/// An account as the staff detail page shows it.
#[derive(Debug, serde::Serialize)]
pub struct UserDetail {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub locale: String,
    pub verified: bool,
    pub disabled: bool,
    pub created_at: String,
    pub sessions: i64,
    pub has_password: bool,
}

pub fn find_detail(conn: &rusqlite::Connection, id: i64) -> Result<UserDetail, DbError> {
    Ok(conn.query_row(
        "SELECT id, email, name, role, locale, email_verified_at IS NOT NULL,
                disabled_at IS NOT NULL, created_at,
                (SELECT count(*) FROM sessions s WHERE s.user_id = users.id),
                password_hash IS NOT NULL
         FROM users WHERE id = ?1",
        params![id],
        |r| {
            Ok(UserDetail {
                id: r.get(0)?,
                email: r.get(1)?,
                name: r.get(2)?,
                role: r.get(3)?,
                locale: r.get(4)?,
                verified: r.get(5)?,
                disabled: r.get(6)?,
                created_at: r.get(7)?,
                sessions: r.get(8)?,
                has_password: r.get(9)?,
            })
        },
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
