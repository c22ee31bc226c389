//! Accounts: password rules and hashing, email syntax, secret tokens and sessions.

pub mod email;
pub mod password;
pub mod throttle;
pub mod token;
