//! Use cases: what the application does, between the web layer and the database.
//!
//! A use case is a plain function over a `rusqlite::Transaction` plus what it needs besides the
//! database (the [`crate::mail::Mailer`] to queue emails, a renderer, a clock), taking one input
//! struct and returning a typed outcome: `Result<Done, SomethingError>` whose business variants
//! (a duplicate, the last admin…) the handler turns into a page, and whose `Db` variant is an
//! internal error. Run it through [`crate::db::Db::transact`], which rolls the transaction back
//! on any `Err`, so a refused use case leaves nothing behind.
//!
//! What belongs here: the rules of an action that touches several tables or sends mail (find or
//! create the user, tokens, notifications, the claim, the outbox). What does not: Rocket types
//! (guards, cookies, forms, responses stay in `web/`), SQL (stays in `db/`, one function per
//! statement family), pure rules without I/O (stay in `domain/`).

pub mod accounts;
pub mod assignment;
pub mod claim_status;
pub mod claims;
pub mod contact;
pub mod corrections;
pub mod daily_jobs;
pub mod escalation_docs;
pub mod exports;
pub mod invoices;
pub mod letters;
pub mod messages;
pub mod money;
pub mod payout;
pub mod payout_batches;
pub mod sign_in_links;
pub mod staff;
