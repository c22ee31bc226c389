//! Staff invitations: an admin invites an agent or a finance officer by email; the single-use
//! link (`/admin/invitation/<token>`, valid [`INVITE_TTL_HOURS`]) lets the invitee choose a
//! name and a password (the passenger password rules) and join with the role invited for.

use std::sync::Arc;

use chrono::{Duration, Utc};
use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{State, get, post};

use super::auth::{AdminSession, start_staff_session};
use crate::accounts::{email, password, token};
use crate::config::AppConfig;
use crate::db::users::{self, Role};
use crate::db::{Db, DbError, audit, invitations, time_text};
use crate::i18n::Locale;
use crate::mail::messages::{StaffInvitation, StaffRole};
use crate::mail::{self, Mailer, Recipient};
use crate::ratelimit::{Auth, RateLimit};
use crate::web::AppError;
use crate::web::account::hash_password;
use crate::web::flash;
use crate::web::forms::FormState;
use crate::web::guards::{ClientIp, CsrfForm, UserAgent};
use crate::web::render::Page;

/// How long an invitation link works.
pub const INVITE_TTL_HOURS: i64 = 72;

#[derive(Debug, FromForm)]
pub struct InviteForm {
    #[field(default = String::new())]
    pub email: String,
    /// `agent` (the default) or `finance`; admins are made from the user page.
    #[field(default = String::new())]
    pub role: String,
}

/// The roles an invitation can grant: anything else is a 400.
fn invited_role(text: &str) -> Result<(Role, StaffRole), AppError> {
    match text {
        "" | "agent" => Ok((Role::Agent, StaffRole::Agent)),
        "finance" => Ok((Role::Finance, StaffRole::Finance)),
        _ => Err(AppError::BadRequest),
    }
}

#[post("/admin/invitations", data = "<form>")]
pub async fn post_admin_invitation_new(
    admin: AdminSession,
    form: CsrfForm<InviteForm>,
    locale: Locale,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, AppError> {
    let (role, mail_role) = invited_role(&form.0.role)?;
    let Some(address) = email::normalize(&form.0.email) else {
        flash::set(cookies, "admin.invite.flash.invalid_email");
        return Ok(Redirect::to("/admin/users"));
    };
    let staff = admin.0;
    let inviter = staff.user.name_or_email();
    let (link, digest) = token::generate();
    let expires = time_text(Utc::now() + Duration::hours(INVITE_TTL_HOURS));
    let m = Arc::clone(mailer);
    let sent = db
        .write(move |tx| {
            if users::find_login(tx, &address)?.is_some() {
                return Ok(false);
            }
            invitations::insert(tx, &digest, &address, role, staff.user.user_id, &expires)?;
            mail::queue(
                tx,
                &m,
                &Recipient::new(&address, "", locale),
                &StaffInvitation {
                    inviter,
                    role: mail_role,
                    token: link,
                    valid_hours: u32::try_from(INVITE_TTL_HOURS).unwrap_or(72),
                },
            )?;
            audit::record(
                tx,
                Some(staff.user.user_id),
                &staff.user.email,
                "staff.invite",
                &format!("email:{address}"),
                None,
                Some(role.as_str()),
            )?;
            Ok(true)
        })
        .await?;
    mailer.wake();
    flash::set(
        cookies,
        if sent {
            "admin.invite.flash.sent"
        } else {
            "admin.invite.flash.exists"
        },
    );
    Ok(Redirect::to("/admin/users"))
}

fn invitation_page(invited: Option<&(String, Role)>, state: &FormState) -> Page {
    match invited {
        Some((address, role)) => Page::new("admin/invitation.html")
            .with("invited", address)
            .with("role", role.as_str())
            .with("form", state),
        None => Page::new("admin/invitation.html")
            .with("invited", &Option::<String>::None)
            .with("form", state)
            .status(Status::NotFound),
    }
}

#[get("/admin/invitation/<link>")]
pub async fn get_admin_invitation(link: &str, db: &State<Db>) -> Result<Page, AppError> {
    let invited = if token::looks_valid(link) {
        let digest = token::digest(link);
        db.read(move |c| invitations::find_valid(c, &digest))
            .await?
    } else {
        None
    };
    Ok(invitation_page(
        invited.as_ref(),
        &FormState::with_values(&[("name", "")]),
    ))
}

#[derive(Debug, FromForm)]
pub struct AcceptForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub password_confirm: String,
}

/// Accepting an invitation signs the new member in: the single-use link emailed to the
/// address and the password they just chose prove as much as a password sign-in. A new
/// account has no second factor yet, so with `staff_totp_required` the session only opens the
/// profile page, where they enrol (the `StaffSession` guard enforces it), and they land there.
#[post("/admin/invitation/<link>", data = "<form>")]
#[allow(clippy::too_many_arguments)]
pub async fn post_admin_invitation(
    link: &str,
    form: CsrfForm<AcceptForm>,
    _quota: RateLimit<Auth>,
    client: ClientIp,
    agent: UserAgent,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<Result<Redirect, Page>, AppError> {
    let lang = locale.as_str();
    let form = form.0;
    if !token::looks_valid(link) {
        return Ok(Err(invitation_page(None, &FormState::default())));
    }
    let digest = token::digest(link);
    let lookup = digest.clone();
    let Some(invited) = db
        .read(move |c| invitations::find_valid(c, &lookup))
        .await?
    else {
        return Ok(Err(invitation_page(None, &FormState::default())));
    };
    let name = form.name.trim().to_string();
    let mut state = FormState::with_values(&[("name", &name)]);
    if name.is_empty() || name.chars().count() > 100 {
        state.error("name", lang, "admin.invite.error.name");
    }
    if let Err(problem) = password::check_strength(&form.password, &[&invited.0, &name]) {
        state.error("password", lang, problem.message_key());
    }
    if form.password != form.password_confirm {
        state.error("password_confirm", lang, "account.password.error.mismatch");
    }
    if !state.is_valid() {
        return Ok(Err(invitation_page(Some(&invited), &state)));
    }
    let hash = hash_password(form.password).await?;
    let locale_code = lang.to_string();
    let created = db
        .write(move |tx| {
            let Some((address, role)) = invitations::consume(tx, &digest)? else {
                return Ok(None);
            };
            let id = users::insert_verified_staff(tx, &address, &name, &hash, role, &locale_code)?;
            audit::record(
                tx,
                Some(id),
                &address,
                "staff.invitation_accepted",
                &format!("user:{id}"),
                None,
                Some(role.as_str()),
            )?;
            Ok(Some((id, address)))
        })
        .await;
    match created {
        Ok(Some((id, address))) => {
            start_staff_session(db, cfg, cookies, id, address, agent.0, Some(client.0)).await?;
            flash::set(cookies, "admin.invite.flash.welcome");
            let to = if cfg.staff_totp_required {
                "/admin/profile"
            } else {
                "/admin"
            };
            Ok(Ok(Redirect::to(to)))
        }
        // Used meanwhile, or the address got an account since the invitation.
        Ok(None) | Err(DbError::Conflict(_)) => {
            Ok(Err(invitation_page(None, &FormState::default())))
        }
        Err(e) => Err(e.into()),
    }
}
