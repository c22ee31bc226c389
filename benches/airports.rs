//! Airport autocomplete: `AirportIndex::suggest` against an `SQLite` FTS5 baseline.
//!
//! `cargo bench --bench airports -- --warm-up-time 1 --measurement-time 3`
//!
//! Before the criterion groups, prints a summary: index build time, memory (tantivy's own
//! accounting and the process RSS growth during the build), p50/p99 per query kind for both
//! engines, and the FTS5/tantivy ratio. The FTS5 table holds the same airports with the same
//! city, name and country-name text (`unicode61 remove_diacritics 2`, prefix indexes 2 and 3),
//! queried with `"word"*` prefix terms AND-ed together and ranked by bm25 minus the same size
//! prior. FTS5 has no typo tolerance and no alias list, so it returns less for those queries;
//! the comparison is about latency, not quality.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use flightclaim::refdata::{AirportSize, RefData};
use flightclaim::search::airports::{AirportIndex, fold};
use rusqlite::Connection;

const LIMIT: usize = 8;
const SUMMARY_RUNS: usize = 300;

/// (kind, queries) — representative of what passengers type.
const QUERIES: &[(&str, &[&str])] = &[
    ("code", &["cdg", "LHR", "LFPG", "fra"]),
    ("prefix", &["lisb", "franc", "lond", "bar", "m"]),
    ("typo", &["barcelna", "frnakfurt", "amsterdma", "lisbno"]),
    (
        "multi",
        &["paris orly", "gran canaria", "london city", "charles de g"],
    ),
    ("alias", &["Londres", "München", "Le Caire", "Zürich"]),
];

struct Fts {
    conn: Connection,
    _dir: tempfile::TempDir,
}

impl Fts {
    fn build(data: &RefData) -> Fts {
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = Connection::open(dir.path().join("airports.db")).expect("open sqlite");
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE VIRTUAL TABLE airports USING fts5(
                 iata, icao, city, name, country, prior UNINDEXED,
                 tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');",
        )
        .expect("create fts5 table");
        let tx = conn.unchecked_transaction().expect("tx");
        {
            let mut insert = tx
                .prepare("INSERT INTO airports (iata, icao, city, name, country, prior) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .expect("prepare insert");
            for a in data.airports() {
                let prior = match a.size {
                    AirportSize::Large => 4.0,
                    AirportSize::Medium => 2.0,
                    AirportSize::Small => 1.0,
                    AirportSize::Other => 0.0,
                } + if a.scheduled { 0.5 } else { 0.0 };
                let country = format!(
                    "{} {}",
                    data.country_name(&a.country, "en"),
                    data.country_name(&a.country, "fr")
                );
                insert
                    .execute(rusqlite::params![
                        a.iata, a.icao, a.city, a.name, country, prior
                    ])
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
        Fts { conn, _dir: dir }
    }

    fn suggest(&self, q: &str) -> Vec<String> {
        let words = fold(q);
        if words.is_empty() {
            return Vec::new();
        }
        let fts_query = words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT iata FROM airports WHERE airports MATCH ?1
                 ORDER BY (CASE WHEN iata = upper(?2) OR icao = upper(?2) THEN -1000 ELSE 0 END)
                          + bm25(airports) - prior
                 LIMIT ?3",
            )
            .expect("prepare query");
        stmt.query_map(
            rusqlite::params![fts_query, q.trim(), i64::try_from(LIMIT).unwrap_or(8)],
            |row| row.get(0),
        )
        .expect("query")
        .filter_map(Result::ok)
        .collect()
    }
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((samples.len() - 1) as f64 * p).round() as usize;
        samples[i]
    };
    (at(0.50), at(0.99))
}

fn time_kind<F: FnMut(&str)>(queries: &[&str], mut f: F) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(SUMMARY_RUNS * queries.len());
    for _ in 0..SUMMARY_RUNS {
        for q in queries {
            let start = Instant::now();
            f(q);
            samples.push(start.elapsed());
        }
    }
    percentiles(samples)
}

#[allow(clippy::cast_precision_loss)] // display only
fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Resident set size of this process in bytes (Linux), for a rough memory figure.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn summary(data: &RefData) {
    let rss_before = rss_bytes();
    let start = Instant::now();
    let index = AirportIndex::build(data);
    let build = start.elapsed();
    let rss_after = rss_bytes();
    let mut builds: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            black_box(AirportIndex::build(data));
            t.elapsed()
        })
        .collect();
    builds.sort_unstable();
    println!("airport index: {} airports", index.len());
    println!(
        "  build: first {build:.1?}, median of 5 rebuilds {:.1?}",
        builds[2]
    );
    println!(
        "  tantivy index size: {:.2} MB",
        megabytes(index.index_bytes())
    );
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        println!(
            "  process RSS growth during first build: {:.1} MB",
            megabytes(after.saturating_sub(before))
        );
    }
    let fts = Fts::build(data);
    println!(
        "  {:<8} {:>12} {:>12} {:>12} {:>12} {:>8}",
        "kind", "tantivy p50", "tantivy p99", "fts5 p50", "fts5 p99", "p50 ×"
    );
    for (kind, queries) in QUERIES {
        let (t50, t99) = time_kind(queries, |q| {
            black_box(index.suggest(q, "fr", LIMIT));
        });
        let (f50, f99) = time_kind(queries, |q| {
            black_box(fts.suggest(q));
        });
        println!(
            "  {kind:<8} {:>12} {:>12} {:>12} {:>12} {:>8.2}",
            format!("{t50:.1?}"),
            format!("{t99:.1?}"),
            format!("{f50:.1?}"),
            format!("{f99:.1?}"),
            f50.as_secs_f64() / t50.as_secs_f64()
        );
    }
    println!("  (p50 × = FTS5 p50 / tantivy p50: above 1 means suggest() is faster)");
    for (_, queries) in QUERIES {
        for q in *queries {
            println!(
                "  {q:>14}: tantivy {:?} | fts5 {:?}",
                index
                    .suggest(q, "en", 3)
                    .iter()
                    .map(|s| &s.iata)
                    .collect::<Vec<_>>(),
                fts.suggest(q).iter().take(3).collect::<Vec<_>>()
            );
        }
    }
}

fn benches(c: &mut Criterion, data: &RefData) {
    let index = AirportIndex::build(data);
    let fts = Fts::build(data);
    let mut group = c.benchmark_group("suggest");
    for (kind, queries) in QUERIES {
        group.bench_with_input(BenchmarkId::new("tantivy", kind), queries, |b, queries| {
            b.iter(|| {
                for q in *queries {
                    black_box(index.suggest(q, "fr", LIMIT));
                }
            });
        });
        group.bench_with_input(BenchmarkId::new("fts5", kind), queries, |b, queries| {
            b.iter(|| {
                for q in *queries {
                    black_box(fts.suggest(q));
                }
            });
        });
    }
    group.finish();
    let mut build = c.benchmark_group("build");
    build.sample_size(10);
    build.bench_function("airport_index", |b| {
        b.iter(|| black_box(AirportIndex::build(data)));
    });
    build.finish();
}

fn main() {
    let data = RefData::embedded();
    let mut c = Criterion::default().configure_from_args();
    // `cargo test --benches` runs the bench binary with `--bench` absent: keep that quick.
    if std::env::args().any(|a| a == "--bench") {
        summary(data);
    }
    benches(&mut c, data);
    c.final_summary();
}
