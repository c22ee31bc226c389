//! The staff dashboard under `/admin`. Every handler names its role in its signature:
//! `StaffSession` (agents and admins) or `AdminSession` (admins only).

pub mod airlines;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod charts;
pub mod claims;
pub mod emails;
pub mod exports;
pub mod finance;
pub mod invitations;
pub mod invoices;
pub mod overview;
pub mod payouts;
pub mod stats_cache;
pub mod system;
pub mod totp;
pub mod user_detail;
pub mod users;

use rocket::{Route, routes};

pub fn routes() -> Vec<Route> {
    routes![
        auth::get_admin_login,
        auth::post_admin_login,
        auth::post_admin_logout,
        totp::get_admin_login_totp,
        totp::post_admin_login_totp,
        totp::get_admin_profile,
        totp::post_admin_totp_start,
        totp::post_admin_totp_confirm,
        totp::post_admin_totp_disable,
        overview::get_admin,
        analytics::get_admin_analytics,
        airlines::get_admin_airlines,
        airlines::get_admin_airline,
        finance::get_admin_finance,
        payouts::pages::get_admin_payouts,
        payouts::pages::post_admin_payouts,
        payouts::pages::get_admin_payout,
        payouts::files::get_admin_payout_file,
        payouts::files::get_admin_payout_manual_csv,
        payouts::actions::post_admin_payout_export,
        payouts::actions::post_admin_payout_sent,
        payouts::actions::post_admin_payout_cancel,
        invoices::get_admin_invoices,
        invoices::get_admin_invoices_csv,
        invoices::get_admin_invoice_pdf,
        invoices::get_admin_credit_note_pdf,
        invoices::post_admin_invoice_cancel,
        invoices::post_admin_invoice_correct,
        system::get_admin_system,
        system::post_admin_test_email,
        emails::get_admin_emails,
        emails::get_admin_email,
        emails::get_admin_email_html,
        emails::post_admin_email_retry,
        users::get_admin_users,
        user_detail::get_admin_user,
        user_detail::post_admin_user_resend_verification,
        user_detail::post_admin_user_password_reset,
        invitations::post_admin_invitation_new,
        invitations::get_admin_invitation,
        invitations::post_admin_invitation,
        users::post_admin_user_role,
        users::post_admin_user_disabled,
        audit::get_admin_audit,
        claims::queue::get_admin_claims,
        exports::get_admin_claims_csv,
        exports::get_admin_ledger_csv,
        claims::queue::post_admin_claims_assign,
        claims::bulk::post_admin_claims_status,
        claims::detail::get_admin_claim,
        claims::detail::post_admin_claim_rerun,
        claims::status::post_admin_claim_status,
        claims::status::post_admin_claim_chasers,
        claims::money::post_airline_payment,
        claims::money::post_direct_payment,
        claims::money::post_payout,
        claims::money::post_offer,
        claims::actions::post_admin_claim_assign,
        claims::actions::post_admin_claim_documents,
        claims::actions::post_admin_claim_documents_clear,
        claims::actions::post_admin_claim_message,
        claims::actions::post_admin_claim_note,
        claims::corrections::post_admin_passenger_correction,
        claims::letter::get_admin_claim_letter,
        claims::escalation::post_admin_claim_escalation,
        claims::escalation::get_admin_claim_escalation_pdf,
    ]
}
