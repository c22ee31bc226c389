//! `FlightClaim`: EU261/UK261 flight compensation claims, as one self-hosted binary.
//!
//! `app::build` assembles the web application from an [`config::AppConfig`]; `cli` holds the
//! subcommands. See `docs/ARCHITECTURE.md` for the module map and the request path.

rust_i18n::i18n!("locales", fallback = "en");

pub mod accounts;
pub mod app;
pub mod backup;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod flights;
pub mod fsperm;
pub mod gate;
pub mod i18n;
pub mod jobs;
pub mod logging;
pub mod mail;
pub mod mandate;
pub mod metrics;
pub mod pdf;
pub mod ratelimit;
pub mod refdata;
pub mod search;
pub mod services;
pub mod systemd;
pub mod web;
