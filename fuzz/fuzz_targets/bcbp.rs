//! Arbitrary bytes → the boarding-pass reader → its dates: must never panic, and what it reads
//! must write back to a pass that reads the same.
#![no_main]

use chrono::NaiveDate;
use flightclaim_fuzz::domain::bcbp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(pass) = bcbp::parse(text) {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("constant date");
        for leg in &pass.legs {
            let _ = bcbp::resolve_date(leg.day_of_year, pass.issue_date, today);
        }
        let again = bcbp::parse(&bcbp::encode(&pass)).expect("what we write reads back");
        assert_eq!(again.legs, pass.legs);
        assert_eq!(again.name, pass.name);
    }
});
