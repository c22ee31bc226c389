//! Arbitrary bytes → `parse_request` → `evaluate` (fr and en): must never panic.
#![no_main]

use chrono::NaiveDate;
use flightclaim_fuzz::domain::eligibility::{evaluate, parse_request};
use flightclaim_fuzz::refdata::RefData;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = parse_request(data) {
        let today = NaiveDate::from_ymd_opt(2025, 10, 15).expect("constant date");
        for lang in ["fr", "en"] {
            if let Ok(resp) = evaluate(&req, RefData::embedded(), lang, today) {
                let _ = serde_json::to_string(&resp).expect("response serializes");
            }
        }
    }
});
