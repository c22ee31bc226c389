//! Eligibility engine throughput, one core, reference-data lookups included.
//!
//! * `decide`: the decision alone (scope, distance, bands, rules, limitation) — the hot path,
//!   allocation-free.
//! * `evaluate_en`: decision + explanation text + response struct (allocates strings).
//! * `parse_and_evaluate`: JSON bytes in → response out, as the HTTP handler does.
//!
//! Run: `cargo bench --bench eligibility`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flightclaim::domain::eligibility::{EligibilityRequest, decide, evaluate, parse_request};
use flightclaim::refdata::RefData;

const CASES: &str = include_str!("../tests/data/eu261-cases-public.json");

fn requests() -> Vec<(Vec<u8>, EligibilityRequest)> {
    let doc: serde_json::Value = serde_json::from_str(CASES).expect("sample cases");
    doc["cases"]
        .as_array()
        .expect("cases array")
        .iter()
        .map(|c| {
            let bytes = serde_json::to_vec(&c["request"]).expect("serialize");
            let req = parse_request(&bytes).expect("sample request parses");
            (bytes, req)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = RefData::embedded();
    let today = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
    let reqs = requests();
    let n = u64::try_from(reqs.len()).expect("len");
    let mut g = c.benchmark_group("eligibility");
    g.throughput(Throughput::Elements(n));
    g.bench_function("decide", |b| {
        b.iter(|| {
            for (_, r) in &reqs {
                black_box(decide(black_box(r), data, today).expect("ok").amount);
            }
        });
    });
    g.bench_function("evaluate_en", |b| {
        b.iter(|| {
            for (_, r) in &reqs {
                black_box(evaluate(black_box(r), data, "en", today).expect("ok"));
            }
        });
    });
    g.bench_function("parse_and_evaluate", |b| {
        b.iter(|| {
            for (bytes, _) in &reqs {
                let r = parse_request(black_box(bytes)).expect("ok");
                black_box(evaluate(&r, data, "en", today).expect("ok"));
            }
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
