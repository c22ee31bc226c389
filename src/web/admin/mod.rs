//! The staff dashboard under `/admin`. Every handler names its role in its signature:
//! `StaffSession` (agents and admins) or `AdminSession` (admins only).

pub mod analytics;
pub mod audit;
pub mod auth;
pub mod charts;
pub mod emails;
pub mod overview;
pub mod stats_cache;
pub mod system;
pub mod users;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        auth::get_admin_login,
        auth::post_admin_login,
        auth::post_admin_logout,
        overview::get_admin,
        analytics::get_admin_analytics,
        system::get_admin_system,
        system::post_admin_test_email,
        emails::get_admin_emails,
        emails::get_admin_email,
        emails::get_admin_email_html,
        emails::post_admin_email_retry,
        users::get_admin_users,
        users::post_admin_user_role,
        users::post_admin_user_disabled,
        audit::get_admin_audit,
    ]
}
