//! `/admin/emails`: the outbox — every message with its status, attempts and last error, a
//! preview, and a retry button. Admins only: the outbox holds every passenger's and staff
//! member's mail. One-time links never appear here: stored bodies carry `[hidden-link-N]`
//! markers instead (`mail::sealed`).

use std::sync::Arc;

use rocket::http::{ContentType, Header};
use rocket::response::Redirect;
use rocket::{Responder, State, get, post};

use super::auth::AdminSession;
use crate::db::outbox::{self, Status};
use crate::db::{Db, DbError, audit};
use crate::mail::{Mailer, sealed};
use crate::web::AppError;
use crate::web::guards::{CsrfForm, CsrfOnly};
use crate::web::render::Page;

const PAGE_SIZE: u32 = 50;

/// Keyset pagination: `before` is the last id of the previous page. Junk (text, negative,
/// huge) means "from the newest".
#[get("/admin/emails?<status>&<before>")]
pub async fn get_admin_emails(
    admin: AdminSession,
    status: Option<&str>,
    before: Option<&str>,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let staff = admin.0;
    let status = status.and_then(Status::parse);
    let before = before
        .and_then(|b| b.parse::<i64>().ok())
        .filter(|b| *b > 0);
    let rows = db
        .read(move |c| {
            let totals = outbox::stats(c, chrono::Utc::now())?;
            Ok((
                outbox::list_for_admin(c, status, PAGE_SIZE, before)?,
                totals,
            ))
        })
        .await?;
    let (messages, totals) = rows;
    let next = (messages.len() == PAGE_SIZE as usize)
        .then(|| messages.last().map(|m| m.id))
        .flatten();
    Ok(Page::new("admin/emails.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("messages", &messages)
        .with("stats", &totals)
        .with("status", &status.map_or("", Status::as_str))
        .with("next_before", &next))
}

#[get("/admin/emails/<id>")]
pub async fn get_admin_email(
    admin: AdminSession,
    id: i64,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let staff = admin.0;
    let message = db.read(move |c| outbox::find_by_id(c, id)).await?;
    Ok(Page::new("admin/email.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with(
            "hidden_links",
            &message.body_text.contains(&sealed::marker(1)),
        )
        .with("message", &message))
}

/// The HTML part, for the preview frame: its own strict policy (no script, no network; the
/// inline styles the email carries are allowed), framable only by our own pages.
#[derive(Responder)]
#[response(content_type = "html")]
pub struct EmailHtml {
    body: String,
    csp: Header<'static>,
}

#[get("/admin/emails/<id>/html")]
pub async fn get_admin_email_html(
    _admin: AdminSession,
    id: i64,
    db: &State<Db>,
) -> Result<EmailHtml, AppError> {
    let message = db.read(move |c| outbox::find_by_id(c, id)).await?;
    let _ = ContentType::HTML;
    Ok(EmailHtml {
        body: message.body_html,
        csp: Header::new(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
        ),
    })
}

#[post("/admin/emails/<id>/retry", data = "<_form>")]
pub async fn post_admin_email_retry(
    admin: AdminSession,
    id: i64,
    _form: CsrfForm<CsrfOnly>,
    db: &State<Db>,
    mailer: &State<Arc<Mailer>>,
) -> Result<Redirect, AppError> {
    let actor = admin.0.user.email.clone();
    let actor_id = admin.0.user.user_id;
    let result = db
        .write(move |tx| {
            outbox::retry(tx, id, chrono::Utc::now())?;
            audit::record(
                tx,
                Some(actor_id),
                &actor,
                "email.retry",
                &format!("email:{id}"),
                None,
                None,
            )
        })
        .await;
    match result {
        Ok(()) => {
            mailer.wake();
            Ok(Redirect::to(format!("/admin/emails/{id}")))
        }
        Err(DbError::Conflict(_)) => Ok(Redirect::to(format!("/admin/emails/{id}"))),
        Err(e) => Err(e.into()),
    }
}
