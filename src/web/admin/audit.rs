//! `/admin/audit`: the audit log, read-only, filterable by staff member, target and action.

use rocket::{State, get};

use super::auth::AdminSession;
use crate::db::Db;
use crate::db::audit::{self, AuditFilter};
use crate::web::AppError;
use crate::web::render::Page;

const PAGE_SIZE: u32 = 100;

#[get("/admin/audit?<actor>&<action>&<target>&<before>")]
pub async fn get_admin_audit(
    admin: AdminSession,
    actor: Option<&str>,
    action: Option<&str>,
    target: Option<&str>,
    before: Option<&str>,
    db: &State<Db>,
) -> Result<Page, AppError> {
    let clean = |s: Option<&str>| s.unwrap_or("").trim().chars().take(100).collect::<String>();
    let filter = AuditFilter {
        actor: clean(actor),
        action: clean(action),
        target: clean(target),
        before_id: before.and_then(|b| b.parse().ok()).filter(|b: &i64| *b > 0),
    };
    let query = filter.clone();
    let entries = db.read(move |c| audit::list(c, &query, PAGE_SIZE)).await?;
    let next = (entries.len() == PAGE_SIZE as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Page::new("admin/audit.html")
        .with("staff", &admin.0.user.name_or_email())
        .with("is_admin", &true)
        .with("entries", &entries)
        .with("actor", &filter.actor)
        .with("action", &filter.action)
        .with("target", &filter.target)
        .with("next_before", &next))
}
