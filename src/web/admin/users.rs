//! `/admin/users`: passengers and staff; admins change roles and disable accounts.

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use super::auth::{AdminSession, StaffSession};
use crate::db::users::{self, Role};
use crate::db::{Db, audit, sessions, user_search};
use crate::services::staff::{self, Actor, SetRoleError};
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
        Some(r @ ("passenger" | "agent" | "finance" | "admin")) => r.to_string(),
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
    let role = Role::parse(&form.0.role).ok_or(AppError::BadRequest)?;
    let actor_id = admin.0.user.user_id;
    let actor = Actor {
        user_id: actor_id,
        email: admin.0.user.email.clone(),
    };
    match db
        .transact(move |tx| staff::set_role(tx, &actor, id, role))
        .await
    {
        Ok(()) => {}
        Err(SetRoleError::LastAdmin) => flash::set(cookies, "admin.user.flash.last_admin"),
        Err(SetRoleError::Db(e)) => return Err(e.into()),
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
    cfg: &State<crate::config::AppConfig>,
) -> Result<Redirect, AppError> {
    if id == admin.0.user.user_id {
        return Err(AppError::Forbidden);
    }
    let disabled = form.0.disabled;
    let mode = cfg.auto_assign();
    let actor = admin.0.user.email.clone();
    let actor_id = admin.0.user.user_id;
    db.write(move |tx| {
        users::set_disabled(tx, id, disabled)?;
        if disabled {
            sessions::delete_for_user(tx, id)?;
            // Its open claims do not wait for someone who will not come back.
            crate::services::assignment::release_claims_of(tx, mode, id, (actor_id, &actor))?;
        }
        let (before, after) = if disabled {
            ("enabled", "disabled")
        } else {
            ("disabled", "enabled")
        };
        audit::record(
            tx,
            Some(actor_id),
            &actor,
            "user.disabled",
            &format!("user:{id}"),
            Some(before),
            Some(after),
        )
    })
    .await?;
    Ok(Redirect::to(format!("/admin/users/{id}")))
}
