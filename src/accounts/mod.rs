//! Accounts: password hashing and validation rules shared by passengers and staff.

pub mod password;
