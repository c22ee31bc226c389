//! `/admin/users/<id>`: one account with its claims, and the support actions — resend the
//! verification email, force a password reset. Agents may act on passengers only; admins on
//! everyone. Every action is audited in the same transaction as its effect.

use std::sync::Arc;

use chrono::{Duration, Utc};
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, get, post};

use super::auth::StaffSession;
use crate::accounts::token;
use crate::db::claims::{self, ClaimRow};
use crate::db::tokens::{self, Purpose};
use crate::db::users::{self, UserDetail};
use crate::db::{Db, DbError, audit, sessions, time_text};
use crate::mail::Mailer;
use crate::web::AppError;
use crate::web::account::notify;
use crate::web::account::password::RESET_TTL_MINUTES;
use crate::web::account::register::VERIFY_TTL_DAYS;
use crate::web::flash;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;

/// Whether this staff member may act on an account with `role`.
pub fn may_act_on(staff: &StaffSession, role: &str) -> bool {
    staff.is_admin() || role == "passenger"
}

#[get("/admin/users/<id>")]
pub async fn get_admin_user(
    staff: StaffSession,
    id: i64,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let (user, claims): (UserDetail, Vec<ClaimRow>) = db
        .read(move |c| Ok((users::find_detail(c, id)?, claims::list_for_user(c, id)?)))
        .await?;
    let may_act = may_act_on(&staff, &user.role);
    Ok(Page::new("admin/user.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("is_self", &(staff.user.user_id == id))
        .with("may_act", &may_act)
        .with("user", &user)
        .with("claims", &claims))
}

/// Checks the target exists and the staff member may act on it; returns its role.
fn target_role(
    tx: &rusqlite::Transaction<'_>,
    staff: &StaffSession,
    id: i64,
) -> Result<String, DbError> {
    let role = users::find_role(tx, id)?;
    if may_act_on(staff, &role) {
        Ok(role)
    } else {
        Err(DbError::Conflict("forbidden".into()))
    }
}

fn forbidden_or(e: DbError) -> AppError {
    match e {
        DbError::Conflict(m) if m == "forbidden" => AppError::Forbidden,
        other => other.into(),
    }
}

#[post("/admin/users/<id>/resend-verification", data = "<_form>")]
pub async fn post_admin_user_resend_verification(
    staff: StaffSession,
    id: i64,
    _form: CsrfForm<CsrfOnly>,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let m = Arc::clone(mailer);
    let (link, digest) = token::generate();
    let expires = time_text(Utc::now() + Duration::days(VERIFY_TTL_DAYS));
    let actor = staff.clone();
    let sent = db
        .write(move |tx| {
            target_role(tx, &actor, id)?;
            if users::find_account(tx, id)?.verified {
                return Ok(false);
            }
            tokens::insert(tx, &digest, id, Purpose::VerifyEmail, None, &expires)?;
            notify::verification(tx, &m, id, &link)?;
            audit::record(
                tx,
                Some(actor.user.user_id),
                &actor.user.email,
                "user.resend_verification",
                &format!("user:{id}"),
                None,
                None,
            )?;
            Ok(true)
        })
        .await
        .map_err(forbidden_or)?;
    flash::set(
        cookies,
        if sent {
            "admin.user.flash.verification_sent"
        } else {
            "admin.user.flash.already_verified"
        },
    );
    mailer.wake();
    Ok(Redirect::to(format!("/admin/users/{id}")))
}

#[post("/admin/users/<id>/password-reset", data = "<_form>")]
pub async fn post_admin_user_password_reset(
    staff: StaffSession,
    id: i64,
    _form: CsrfForm<CsrfOnly>,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    if id == staff.user.user_id {
        return Err(AppError::Forbidden);
    }
    let m = Arc::clone(mailer);
    let (link, digest) = token::generate();
    let expires = time_text(Utc::now() + Duration::minutes(RESET_TTL_MINUTES));
    let actor = staff.clone();
    db.write(move |tx| {
        target_role(tx, &actor, id)?;
        // The current password stops working at once; the reset link sets a new one.
        users::clear_password(tx, id)?;
        let ended = sessions::delete_for_user(tx, id)?;
        tokens::insert(tx, &digest, id, Purpose::ResetPassword, None, &expires)?;
        notify::password_reset(tx, &m, id, &link)?;
        audit::record(
            tx,
            Some(actor.user.user_id),
            &actor.user.email,
            "user.force_password_reset",
            &format!("user:{id}"),
            Some(&format!("{ended} sessions")),
            Some("password cleared, reset link sent"),
        )
    })
    .await
    .map_err(forbidden_or)?;
    mailer.wake();
    flash::set(cookies, "admin.user.flash.reset_sent");
    Ok(Redirect::to(format!("/admin/users/{id}")))
}
