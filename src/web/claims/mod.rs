//! Claims, passenger side: the wizard at `/claims/new/…` ([`wizard`], [`submit`]) and one
//! claim's page with its timeline, documents and the Withdraw button ([`view`]), document and
//! signed-mandate downloads for the owner and staff ([`downloads`]).

pub mod downloads;
pub mod draft;
pub mod invoices;
pub mod messages;
pub mod payout_change;
pub mod prefill;
pub mod progress;
pub mod receipt;
pub mod submit;
pub mod uploads;
pub mod view;
pub mod wizard;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        wizard::get_claim_new,
        wizard::get_claim_step,
        wizard::post_claim_flights,
        wizard::post_claim_boarding_pass,
        wizard::post_claim_disruption,
        wizard::post_claim_result,
        wizard::post_claim_passengers,
        wizard::post_claim_documents,
        wizard::post_claim_document_remove,
        wizard::get_claim_draft_document,
        wizard::post_claim_documents_seen,
        wizard::post_claim_mandate,
        wizard::post_claim_payout,
        submit::post_claim_review,
        view::get_claim,
        view::post_claim_withdraw,
        view::post_claim_settlement,
        view::post_claim_document,
        messages::post_claim_message,
        payout_change::post_payout_change,
        payout_change::get_payout_confirm,
        payout_change::post_payout_confirm,
        downloads::get_claim_document,
        downloads::get_claim_mandate_pdf,
        downloads::get_admin_claim_document,
        downloads::get_admin_claim_mandate_pdf,
        invoices::get_claim_invoice,
        invoices::get_claim_credit_note,
    ]
}
