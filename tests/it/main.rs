//! Every integration test in one binary: one link instead of thirty (issue 17). Each module
//! is one former `tests/<name>.rs`; the shared harness (`common`) and the support modules are
//! declared once here. `tests/backup_replication.rs` stays a binary of its own: it drives
//! external processes (litestream, moto) on timers that should not share two cores with the
//! rest of the suite.

mod common;
#[path = "claim_documents/flow.rs"]
mod flow;
mod mail_smtp;
#[path = "admin_claims_support/mod.rs"]
mod support;

mod accounts;
mod admin;
mod admin_airlines;
mod admin_analytics;
mod admin_assignment;
mod admin_bulk_status;
mod admin_claims;
mod admin_claims_queue;
mod admin_signals;
mod admin_totp;
mod admin_users;
mod airports_api;
mod architecture;
mod bcbp_images;
mod bcbp_peer;
mod bcbp_upload;
mod binary;
mod check_page;
mod claim_documents;
mod claim_documents_access;
mod claim_page;
mod claims_wizard;
mod eligibility_api;
mod eligibility_cli;
mod escalation;
mod escalation_docs;
mod exports;
mod flight_status;
mod i18n_and_templates;
mod invoices;
mod mail_delivery;
mod mail_outbox;
mod money;
mod operated_by;
mod passenger_access;
mod passenger_conversation;
mod payouts;
mod security;
mod security_regressions;
mod security_regressions_auth;
mod security_regressions_infra;
mod sepa;
mod web_shell;
