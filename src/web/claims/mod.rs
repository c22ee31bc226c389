//! Claims, passenger side: the wizard at `/claims/new/…` ([`wizard`], [`submit`]) and one
//! claim's page with its timeline and the Withdraw button ([`view`]).

pub mod draft;
pub mod prefill;
pub mod submit;
pub mod view;
pub mod wizard;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        wizard::get_claim_new,
        wizard::get_claim_step,
        wizard::post_claim_flights,
        wizard::post_claim_disruption,
        wizard::post_claim_result,
        wizard::post_claim_passengers,
        wizard::post_claim_seen,
        wizard::post_claim_payout,
        submit::post_claim_review,
        view::get_claim,
        view::post_claim_withdraw,
    ]
}
