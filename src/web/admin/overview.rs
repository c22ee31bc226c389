//! `/admin`: the overview.

use rocket::{State, get};
use serde::Serialize;

use super::auth::StaffSession;
use crate::db::Db;
use crate::db::users::{self, Role};
use crate::web::AppError;
use crate::web::render::Page;

#[derive(Serialize)]
struct Overview {
    passengers: i64,
    agents: i64,
    admins: i64,
}

#[get("/admin")]
pub async fn get_admin(staff: StaffSession, db: &State<Db>) -> Result<Page, AppError> {
    let overview = db
        .read(|c| {
            Ok(Overview {
                passengers: users::count_by_role(c, Role::Passenger)?,
                agents: users::count_by_role(c, Role::Agent)?,
                admins: users::count_by_role(c, Role::Admin)?,
            })
        })
        .await?;
    Ok(Page::new("admin/overview.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("overview", &overview))
}
