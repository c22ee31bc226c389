//! `/admin/users`: passengers and staff; admins change roles and disable accounts.

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use super::auth::{AdminSession, StaffSession};
use crate::db::{Db, DbError, audit, now_text, user_search};
use crate::web::AppError;
use crate::web::flash;
use crate::web::guards::CsrfForm;
use crate::web::render::Page;

/// Rows per page.
const PAGE_SIZE: u32 = 50;

#[get("/admin/users?<q>&<role>&<before>")]
pub async fn get_admin_users(
    staff: StaffSession,
    q: Option<&str>,
    role: Option<&str>,
    before: Option<&str>,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let q: String = q.unwrap_or("").trim().chars().take(100).collect();
    let role = match role {
        Some(r @ ("passenger" | "agent" | "admin")) => r.to_string(),
        _ => String::new(),
    };
    // Junk in `before` (negative, huge, text) just means "from the start".
    let before = before
        .and_then(|b| b.parse::<i64>().ok())
        .filter(|b| *b > 0);
    let (q2, role2) = (q.clone(), role.clone());
    let rows = db
        .read(move |c| user_search::search(c, &q2, &role2, before, PAGE_SIZE))
        .await?;
    let next = (rows.len() == PAGE_SIZE as usize)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(Page::new("admin/users.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("rows", &rows)
        .with("q", &q)
        .with("role", &role)
        .with("next_before", &next))
}

#[derive(Debug, FromForm)]
pub struct RoleForm {
    #[field(default = String::new())]
    pub role: String,
}

#[post("/admin/users/<id>/role", data = "<form>")]
pub async fn post_admin_user_role(
    admin: AdminSession,
    id: i64,
    form: CsrfForm<RoleForm>,
    db: &State<Db>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let role = form.0.role;
    if !matches!(role.as_str(), "passenger" | "agent" | "admin") {
        return Err(AppError::BadRequest);
    }
    let actor = admin.0.user.email.clone();
    let actor_id = admin.0.user.user_id;
    let changed = db.write(move |tx| {
        let before: String =
            tx.query_row("SELECT role FROM users WHERE id = ?1", [id], |r| r.get(0))?;
        if before == role {
            return Ok(true);
        }
        // The last enabled admin cannot stop being one: nobody could manage the team any more.
        if before == "admin" {
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?1",
                [id],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Ok(false);
            }
        }
        tx.execute(
            "UPDATE users SET role = ?1, updated_at = ?2 WHERE id = ?3",
            rusqlite::params![role, now_text(), id],
        )?;
        // A changed role ends the account's staff sessions.
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND staff = 1",
            [id],
        )?;
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "user.role",
            &format!("user:{id}"),
            Some(&before),
            Some(&role),
        )?;
        Ok(true)
    })
    .await?;
    if !changed {
        flash::set(cookies, "admin.user.flash.last_admin");
    }
    if id == actor_id {
        // Demoted themself: their staff session ended with the change.
        return Ok(Redirect::to("/admin/login"));
    }
    Ok(Redirect::to(format!("/admin/users/{id}")))
}

#[derive(Debug, FromForm)]
pub struct DisabledForm {
    #[field(default = false)]
    pub disabled: bool,
}

#[post("/admin/users/<id>/disabled", data = "<form>")]
pub async fn post_admin_user_disabled(
    admin: AdminSession,
    id: i64,
    form: CsrfForm<DisabledForm>,
    db: &State<Db>,
) -> Result<Redirect, AppError> {
    if id == admin.0.user.user_id {
        return Err(AppError::Forbidden);
    }
    let disabled = form.0.disabled;
    let actor = admin.0.user.email.clone();
    let actor_id = admin.0.user.user_id;
    db.write(move |tx| {
        let changed = tx.execute(
            "UPDATE users SET disabled_at = CASE WHEN ?1 THEN ?2 ELSE NULL END, updated_at = ?2 WHERE id = ?3",
            rusqlite::params![disabled, now_text(), id],
        )?;
        if changed == 0 {
            return Err(DbError::NotFound);
        }
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        }
        let (before, after) = if disabled { ("enabled", "disabled") } else { ("disabled", "enabled") };
        audit::record(tx, Some(actor_id), &actor, "user.disabled", &format!("user:{id}"), Some(before), Some(after))
    })
    .await?;
    Ok(Redirect::to(format!("/admin/users/{id}")))
}
