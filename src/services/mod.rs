//! Use cases that span several repositories and the web layer's guards, kept out of handlers.

pub mod accounts;
