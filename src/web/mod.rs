//! The passenger-facing web layer: pages, assets, guards, error pages and ops endpoints.

pub mod account;
pub mod admin;
pub mod airports;
pub mod api_error;
pub mod assets;
pub mod check;
pub mod claims;
pub mod contact;
pub mod csv;
pub mod eligibility_api;
pub mod error;
pub mod errors;
pub mod flash;
pub mod flights;
pub mod forms;
pub mod guards;
pub mod ops;
pub mod pages;
pub mod render;
pub mod security;
pub mod session;
pub mod when;

pub use error::AppError;

use rocket::{Route, routes};

/// Routes of the public site.
pub fn routes() -> Vec<Route> {
    routes![
        pages::get_home,
        pages::get_faq,
        pages::get_privacy,
        pages::get_terms,
        pages::get_legal,
        contact::get_contact,
        contact::post_contact,
        airports::get_airport_search_json,
        airports::get_airport_json,
        eligibility_api::post_eligibility_json,
        eligibility_api::options_eligibility,
        check::get_check,
        check::post_check,
        check::get_check_result,
        flights::get_flight_status_json,
        flights::get_flight_number_json,
        assets::get_asset,
        assets::get_favicon,
        ops::get_health,
        ops::get_ready,
        ops::get_metrics,
    ]
}
