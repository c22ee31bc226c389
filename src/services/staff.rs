//! Staff administration use cases.

use rusqlite::Transaction;

use crate::db::users::{self, Role};
use crate::db::{DbError, audit, sessions};

/// Who acts, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub email: String,
}

/// Why a role was not changed.
#[derive(Debug, thiserror::Error)]
pub enum SetRoleError {
    /// The last enabled admin cannot stop being one: nobody could manage the team any more.
    #[error("the last enabled admin keeps the role")]
    LastAdmin,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Gives user `id` the role `role`. Steps: nothing to do when the role is already `role`;
/// refuse to demote the last enabled admin ([`SetRoleError::LastAdmin`]); store the role; end
/// the account's staff sessions (a changed role must be picked up at the next sign-in); audit
/// `user.role` with the role before and after.
pub fn set_role(
    tx: &Transaction<'_>,
    actor: &Actor,
    id: i64,
    role: Role,
) -> Result<(), SetRoleError> {
    let before = users::find_role(tx, id)?;
    if before == role.as_str() {
        return Ok(());
    }
    if before == Role::Admin.as_str() && users::count_other_enabled_admins(tx, id)? == 0 {
        return Err(SetRoleError::LastAdmin);
    }
    users::set_role(tx, id, role)?;
    sessions::delete_staff_for_user(tx, id)?;
    audit::record(
        tx,
        Some(actor.user_id),
        &actor.email,
        "user.role",
        &format!("user:{id}"),
        Some(&before),
        Some(role.as_str()),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, migrate};

    #[test]
    fn the_last_enabled_admin_keeps_the_role_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        migrate::run(&db).unwrap();
        db.write_blocking(|tx| users::upsert_admin(tx, "boss@example.com", "h"))
            .unwrap();
        let id = db
            .read_blocking(|c| users::find_login(c, "boss@example.com"))
            .unwrap()
            .unwrap()
            .id;
        let actor = Actor {
            user_id: id,
            email: "boss@example.com".into(),
        };
        let refused = db.transact_blocking(|tx| set_role(tx, &actor, id, Role::Agent));
        assert!(matches!(refused, Err(SetRoleError::LastAdmin)));
        assert_eq!(
            db.read_blocking(|c| users::find_role(c, id)).unwrap(),
            "admin"
        );
        // Unchanged role: nothing to do, no error.
        db.transact_blocking(|tx| set_role(tx, &actor, id, Role::Admin))
            .unwrap();
    }
}
